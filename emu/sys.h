/* sys.h — emu-internal: the syscall table's row type and every handler.
 * A handler gets the six argument registers and the syscall's trace event (NULL when
 * the trace is full) to add decoded details to; it returns the value for RAX (-errno
 * on failure). Blocking, switching and exiting are requested through machine->pending. */
#ifndef GOBOOT_EMU_SYS_H
#define GOBOOT_EMU_SYS_H

#include "machine.h"

typedef int64_t (*gb_sys_fn)(gb_machine *m, const uint64_t *a, cJSON *ev);

/* Argument formats, one letter per argument used:
 *   d signed decimal   x hex   s NUL-terminated guest string   b buffer (length = next arg)
 *   o octal (modes)   f fd */
typedef struct gb_sys {
  int nr;
  const char *name;
  gb_sys_fn fn;
  const char *args;
} gb_sys;

const gb_sys *gb_sys_lookup(int nr);

/* A guest struct timespec as nanoseconds: -EFAULT unreadable, -EINVAL out of range
 * (sys_time.c; futex timeouts use it too). */
int64_t gb_read_timespec(gb_machine *m, uint64_t addr, uint64_t *ns);

/* Shared by sys_file.c and sys_path.c: a descriptor (NULL when not open), a stat as
 * the guest sees it, and what chmod and statfs do. */
typedef struct gb_stat_info {
  uint32_t mode, uid;
  uint64_t ino, nlink, rdev, size, atime, mtime, ctime;
} gb_stat_info;
gb_fd *gb_getfd(gb_machine *m, uint64_t fd);
void gb_node_stat(gb_machine *m, int node, int64_t size, gb_stat_info *si);
int64_t gb_put_stat(gb_machine *m, cJSON *ev, uint64_t buf, const gb_stat_info *si);
int64_t gb_chmod_node(gb_machine *m, int node, uint32_t mode);
int64_t gb_chown_node(gb_machine *m, int node, uint64_t uid, uint64_t gid);
int64_t gb_put_statfs(gb_machine *m, uint64_t buf);
/* select's descriptor sets (sys_file.c), for select and pselect6 (sys_time.c). */
int64_t gb_select(gb_machine *m, uint64_t nfds, const uint64_t sets[3], int64_t timeout_ns,
                  int nr, cJSON *ev);

/* A blocking descriptor that cannot go on: the thread waits and syscall NR runs again
 * (RIP back over the syscall instruction); gb_blocked passes R on and marks the event
 * (sys_file.c). */
int64_t gb_restart(gb_machine *m, int nr);
int64_t gb_blocked(gb_machine *m, cJSON *ev, int64_t r);
/* read/write on a socket descriptor (sys_net.c); NR re-runs when it blocks (-1: never). */
int64_t gb_net_read(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, int nr);
int64_t gb_net_write(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, int nr);

#define SYS(name) int64_t gb_sys_##name(gb_machine *m, const uint64_t *a, cJSON *ev)
/* sys_mem.c */
SYS(mmap); SYS(munmap); SYS(mprotect); SYS(brk); SYS(madvise); SYS(mincore); SYS(mremap);
/* sys_file.c */
SYS(read); SYS(readv); SYS(write); SYS(writev); SYS(open); SYS(openat); SYS(close); SYS(fstat);
SYS(newfstatat); SYS(stat); SYS(lseek); SYS(pread64); SYS(fcntl); SYS(ioctl); SYS(access);
SYS(faccessat); SYS(readlinkat); SYS(readlink); SYS(dup); SYS(dup3); SYS(dup2); SYS(pipe2);
SYS(pipe); SYS(eventfd2); SYS(epoll_create1); SYS(epoll_create); SYS(epoll_ctl); SYS(epoll_pwait);
SYS(getdents64); SYS(poll); SYS(ppoll); SYS(pwrite64); SYS(ftruncate); SYS(fsync); SYS(fchmod); SYS(fchown); SYS(fstatfs);
/* sys_net.c */
SYS(socket); SYS(socketpair); SYS(bind); SYS(listen); SYS(accept); SYS(accept4); SYS(connect);
SYS(getsockname); SYS(getpeername); SYS(setsockopt); SYS(getsockopt); SYS(shutdown);
SYS(sendto); SYS(recvfrom); SYS(sendmsg); SYS(recvmsg);
/* sys_path.c */
SYS(getcwd); SYS(mkdir); SYS(mkdirat); SYS(lstat); SYS(statx); SYS(truncate); SYS(chdir);
SYS(fchdir); SYS(rename); SYS(renameat); SYS(renameat2); SYS(rmdir); SYS(link); SYS(linkat);
SYS(unlink); SYS(unlinkat); SYS(symlink); SYS(symlinkat); SYS(chmod); SYS(fchmodat); SYS(chown); SYS(lchown); SYS(fchownat);
SYS(umask); SYS(statfs); SYS(utimensat); SYS(faccessat2);
/* sys_signal.c */
SYS(rt_sigaction); SYS(rt_sigprocmask); SYS(sigaltstack); SYS(rt_sigreturn); SYS(kill);
SYS(tkill); SYS(tgkill);
SYS(rt_sigqueueinfo); SYS(rt_tgsigqueueinfo); SYS(rt_sigpending); SYS(rt_sigsuspend); SYS(pause);
SYS(rt_sigtimedwait);
/* sys_thread.c */
SYS(clone); SYS(exit); SYS(exit_group); SYS(futex); SYS(sched_yield); SYS(gettid);
SYS(set_tid_address); SYS(set_robust_list); SYS(sched_getaffinity); SYS(sched_setaffinity);
/* sys_time.c */
SYS(clock_gettime); SYS(clock_getres); SYS(gettimeofday); SYS(time); SYS(nanosleep);
SYS(clock_nanosleep); SYS(select); SYS(pselect6);
/* sys_misc.c */
SYS(arch_prctl); SYS(uname); SYS(getrlimit); SYS(prlimit64); SYS(getrandom);
SYS(getuid); SYS(getgroups); SYS(getcpu); SYS(prctl); SYS(enosys_quiet);
/* proc.c */
SYS(getpid); SYS(getppid); SYS(getpgrp); SYS(getpgid); SYS(getsid); SYS(setsid); SYS(setpgid);
SYS(wait4); SYS(waitid); SYS(fork); SYS(vfork);
/* exec.c */
SYS(execve); SYS(execveat); SYS(setuid); SYS(setgroups);
int64_t gb_sys_clone_process(gb_machine *m, uint64_t flags, uint64_t stack, uint64_t ptid,
                             uint64_t ctid, uint64_t tls, cJSON *ev);
#undef SYS

#endif
