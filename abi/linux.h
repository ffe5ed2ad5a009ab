/* linux.h — the guest's ABI: the numbers a Linux x86-64 kernel and a program agree on,
 * named *_LINUX so they never mix with the host's <errno.h>, <fcntl.h> or <signal.h>
 * (goboot may be built on a host whose values differ, and a handler must say which
 * meaning it means). Plain constants and two name tables, usable from freestanding code.
 * Values are those of the kernel's uapi headers for x86-64 (asm-generic where x86 does
 * not override them). */
#ifndef GOBOOT_ABI_LINUX_H
#define GOBOOT_ABI_LINUX_H

#include <stdint.h>

/* ---- address space ---- */
#define PAGE_SIZE_LINUX 4096ULL
/* TASK_SIZE_MAX with 4-level paging: user addresses lie below it (the top page of the
 * lower half is never mapped). STACK_TOP, mmap's ceiling and arch_prctl's limit. */
#define GB_USER_TOP 0x7ffffffff000ULL
#define GB_MMAP_MIN_LINUX 0x10000ULL /* vm.mmap_min_addr's default */

#define PROT_READ_LINUX 0x1
#define PROT_WRITE_LINUX 0x2
#define PROT_EXEC_LINUX 0x4
#define MAP_SHARED_LINUX 0x01
#define MAP_PRIVATE_LINUX 0x02
#define MAP_FIXED_LINUX 0x10
#define MAP_ANONYMOUS_LINUX 0x20
#define MAP_FIXED_NOREPLACE_LINUX 0x100000
#define MREMAP_MAYMOVE_LINUX 1
#define MADV_DONTNEED_LINUX 4

/* ---- files ---- */
#define AT_FDCWD_LINUX (-100)
#define AT_EMPTY_PATH_LINUX 0x1000
#define O_ACCMODE_LINUX 03
#define O_RDONLY_LINUX 00
#define O_WRONLY_LINUX 01
#define O_RDWR_LINUX 02
#define O_CREAT_LINUX 0100
#define O_EXCL_LINUX 0200
#define O_TRUNC_LINUX 01000
#define O_APPEND_LINUX 02000
#define O_NONBLOCK_LINUX 04000
#define O_DIRECTORY_LINUX 0200000
#define O_CLOEXEC_LINUX 02000000
#define O_NOFOLLOW_LINUX 0400000
#define O_PATH_LINUX 010000000
#define AT_SYMLINK_NOFOLLOW_LINUX 0x100
#define AT_REMOVEDIR_LINUX 0x200
#define AT_SYMLINK_FOLLOW_LINUX 0x400
#define RENAME_NOREPLACE_LINUX 1
#define RENAME_EXCHANGE_LINUX 2
#define UTIME_NOW_LINUX ((1l << 30) - 1l)
#define UTIME_OMIT_LINUX ((1l << 30) - 2l)
#define TMPFS_MAGIC_LINUX 0x01021994
#define S_IFSOCK_LINUX 0140000
#define FD_CLOEXEC_LINUX 1
#define F_DUPFD_LINUX 0
#define F_GETFD_LINUX 1
#define F_SETFD_LINUX 2
#define F_GETFL_LINUX 3
#define F_SETFL_LINUX 4
#define F_DUPFD_CLOEXEC_LINUX 1030
#define F_SETPIPE_SZ_LINUX 1031
#define F_GETPIPE_SZ_LINUX 1032
#define R_OK_LINUX 4
#define W_OK_LINUX 2
#define X_OK_LINUX 1
#define SEEK_SET_LINUX 0
#define SEEK_CUR_LINUX 1
#define SEEK_END_LINUX 2
#define S_IFMT_LINUX 0170000
#define S_IFDIR_LINUX 0040000
#define S_IFCHR_LINUX 0020000
#define S_IFREG_LINUX 0100000
#define S_IFLNK_LINUX 0120000
#define S_IFIFO_LINUX 0010000
#define DT_FIFO_LINUX 1
#define DT_CHR_LINUX 2
#define DT_DIR_LINUX 4
#define DT_REG_LINUX 8
#define DT_LNK_LINUX 10
#define DT_SOCK_LINUX 12
#define TCGETS_LINUX 0x5401
#define TIOCGWINSZ_LINUX 0x5413
#define EPOLLIN_LINUX 0x001
#define EPOLLOUT_LINUX 0x004
#define EPOLLERR_LINUX 0x008
#define EPOLLHUP_LINUX 0x010
#define EPOLLRDHUP_LINUX 0x2000
#define EPOLLET_LINUX (1u << 31)
#define EPOLL_CTL_ADD_LINUX 1
#define EPOLL_CTL_DEL_LINUX 2
#define EPOLL_CTL_MOD_LINUX 3

/* ---- threads ---- */
#define CLONE_VM_LINUX 0x00000100
#define CLONE_FS_LINUX 0x00000200
#define CLONE_FILES_LINUX 0x00000400
#define CLONE_SIGHAND_LINUX 0x00000800
#define CLONE_VFORK_LINUX 0x00004000
#define CSIGNAL_LINUX 0x000000ff      /* clone: the exit signal's number */
/* wait4 / waitid (include/uapi/linux/wait.h) */
#define WNOHANG_LINUX 0x00000001
#define WUNTRACED_LINUX 0x00000002
#define WEXITED_LINUX 0x00000004
#define WCONTINUED_LINUX 0x00000008
#define WNOWAIT_LINUX 0x01000000
#define WNOTHREAD_LINUX 0x20000000
#define WALL_LINUX 0x40000000         /* __WALL */
#define WCLONE_LINUX 0x80000000       /* __WCLONE */
#define P_ALL_LINUX 0
#define P_PID_LINUX 1
#define P_PGID_LINUX 2
#define CLD_EXITED_LINUX 1
#define CLD_KILLED_LINUX 2
#define CLD_DUMPED_LINUX 3
#define PR_SET_PDEATHSIG_LINUX 1
#define PR_GET_PDEATHSIG_LINUX 2
#define CLONE_THREAD_LINUX 0x00010000
#define CLONE_SYSVSEM_LINUX 0x00040000
#define CLONE_SETTLS_LINUX 0x00080000
#define CLONE_PARENT_SETTID_LINUX 0x00100000
#define CLONE_CHILD_CLEARTID_LINUX 0x00200000
#define CLONE_CHILD_SETTID_LINUX 0x01000000
#define FUTEX_WAIT_LINUX 0
#define FUTEX_WAKE_LINUX 1
#define FUTEX_WAIT_BITSET_LINUX 9
#define FUTEX_WAKE_BITSET_LINUX 10
#define FUTEX_PRIVATE_FLAG_LINUX 128
#define FUTEX_CLOCK_REALTIME_LINUX 256
#define FUTEX_BITSET_MATCH_ANY_LINUX 0xffffffffu
#define ROBUST_LIST_HEAD_SIZE_LINUX 24 /* sizeof(struct robust_list_head) */
#define ARCH_SET_FS_LINUX 0x1002
#define ARCH_GET_FS_LINUX 0x1003
#define PR_GET_DUMPABLE_LINUX 3
#define PR_GET_KEEPCAPS_LINUX 7
#define PR_SET_KEEPCAPS_LINUX 8
#define PR_SET_NAME_LINUX 15
#define PR_GET_NAME_LINUX 16
#define PR_SET_VMA_LINUX 0x53564d41
#define PR_SET_VMA_ANON_NAME_LINUX 0
#define TASK_COMM_LEN_LINUX 16

/* ---- time ---- */
#define CLOCK_REALTIME_LINUX 0
#define CLOCK_MONOTONIC_LINUX 1
#define CLOCK_PROCESS_CPUTIME_ID_LINUX 2
#define CLOCK_THREAD_CPUTIME_ID_LINUX 3
#define CLOCK_MONOTONIC_RAW_LINUX 4
#define CLOCK_REALTIME_COARSE_LINUX 5
#define CLOCK_MONOTONIC_COARSE_LINUX 6
#define CLOCK_BOOTTIME_LINUX 7
#define CLOCK_REALTIME_ALARM_LINUX 8
#define CLOCK_BOOTTIME_ALARM_LINUX 9
#define CLOCK_TAI_LINUX 11
#define TIMER_ABSTIME_LINUX 1

/* ---- limits ---- */
#define RLIMIT_CPU_LINUX 0
#define RLIMIT_STACK_LINUX 3
#define RLIMIT_CORE_LINUX 4
#define RLIMIT_NPROC_LINUX 6
#define RLIMIT_NOFILE_LINUX 7
#define RLIM_NLIMITS_LINUX 16
#define RLIM_INFINITY_LINUX (~0ULL)

/* ---- signals ---- */
#define SIGHUP_LINUX 1
#define SIGINT_LINUX 2
#define SIGQUIT_LINUX 3
#define SIGILL_LINUX 4
#define SIGTRAP_LINUX 5
#define SIGABRT_LINUX 6
#define SIGBUS_LINUX 7
#define SIGFPE_LINUX 8
#define SIGKILL_LINUX 9
#define SIGUSR1_LINUX 10
#define SIGSEGV_LINUX 11
#define SIGUSR2_LINUX 12
#define SIGPIPE_LINUX 13
#define SIGALRM_LINUX 14
#define SIGTERM_LINUX 15
#define SIGSTKFLT_LINUX 16
#define SIGCHLD_LINUX 17
#define SIGCONT_LINUX 18
#define SIGSTOP_LINUX 19
#define SIGTSTP_LINUX 20
#define SIGTTIN_LINUX 21
#define SIGTTOU_LINUX 22
#define SIGURG_LINUX 23
#define SIGXCPU_LINUX 24
#define SIGXFSZ_LINUX 25
#define SIGVTALRM_LINUX 26
#define SIGPROF_LINUX 27
#define SIGWINCH_LINUX 28
#define SIGIO_LINUX 29
#define SIGPWR_LINUX 30
#define SIGSYS_LINUX 31
#define NSIG_LINUX 64          /* signals 1..64; a sigset is one 64-bit word */
#define SIGSET_SIZE_LINUX 8
#define SIG_BIT_LINUX(sig) (1ULL << ((sig) - 1))
#define SIG_DFL_LINUX 0
#define SIG_IGN_LINUX 1
#define SIG_BLOCK_LINUX 0
#define SIG_UNBLOCK_LINUX 1
#define SIG_SETMASK_LINUX 2
#define SA_SIGINFO_LINUX 0x00000004ULL
#define SA_RESTORER_LINUX 0x04000000ULL
#define SA_ONSTACK_LINUX 0x08000000ULL
#define SA_RESTART_LINUX 0x10000000ULL
#define SA_NODEFER_LINUX 0x40000000ULL
#define SA_RESETHAND_LINUX 0x80000000ULL
#define SS_ONSTACK_LINUX 1
#define SS_DISABLE_LINUX 2
#define SS_AUTODISARM_LINUX (1U << 31)
#define MINSIGSTKSZ_LINUX 2048
/* si_code values: of sent signals (SI_USER kill, SI_QUEUE sigqueue, SI_TKILL tkill/tgkill)
 * and of the synchronous signals goboot raises */
#define SI_USER_LINUX 0
#define SI_QUEUE_LINUX (-1)
#define SI_TKILL_LINUX (-6)
#define SIGRTMIN_LINUX 32     /* the kernel's; glibc reserves 32..34 for itself */
#define SI_KERNEL_LINUX 0x80
#define SEGV_MAPERR_LINUX 1
#define SEGV_ACCERR_LINUX 2
#define FPE_INTDIV_LINUX 1
#define ILL_ILLOPN_LINUX 2
/* x86 trap numbers, as sigcontext.trapno holds them */
#define X86_TRAP_DE_LINUX 0
#define X86_TRAP_UD_LINUX 6
#define X86_TRAP_GP_LINUX 13
#define X86_TRAP_PF_LINUX 14
/* page-fault error code bits */
#define X86_PF_PROT_LINUX 0x1
#define X86_PF_WRITE_LINUX 0x2
#define X86_PF_USER_LINUX 0x4
#define X86_PF_INSTR_LINUX 0x10

/* "SIGSEGV" for 11; "SIGRT" for 32..64; "?" outside 1..64. The one signal-name table. */
const char *gb_signal_name_linux(int sig);

/* ---- sockets (emu/net.h) ---- */
#define AF_UNIX_LINUX 1
#define AF_INET_LINUX 2
#define AF_INET6_LINUX 10
#define SOCK_STREAM_LINUX 1
#define SOCK_DGRAM_LINUX 2
#define SOCK_SEQPACKET_LINUX 5
#define SOCK_NONBLOCK_LINUX 04000
#define SOCK_CLOEXEC_LINUX 02000000
#define SOL_SOCKET_LINUX 1
#define SO_REUSEADDR_LINUX 2
#define SO_TYPE_LINUX 3
#define SO_ERROR_LINUX 4
#define SO_BROADCAST_LINUX 6
#define SO_SNDBUF_LINUX 7
#define SO_RCVBUF_LINUX 8
#define SO_KEEPALIVE_LINUX 9
#define SO_LINGER_LINUX 13
#define SO_REUSEPORT_LINUX 15
#define SO_ACCEPTCONN_LINUX 30
#define SO_PROTOCOL_LINUX 38
#define SO_DOMAIN_LINUX 39
#define IPPROTO_IP_LINUX 0
#define IPPROTO_TCP_LINUX 6
#define IPPROTO_UDP_LINUX 17
#define IPPROTO_IPV6_LINUX 41
#define TCP_NODELAY_LINUX 1
#define IPV6_V6ONLY_LINUX 26
#define SHUT_RD_LINUX 0
#define SHUT_WR_LINUX 1
#define SHUT_RDWR_LINUX 2
#define MSG_PEEK_LINUX 0x2
#define MSG_TRUNC_LINUX 0x20
#define MSG_DONTWAIT_LINUX 0x40
#define MSG_NOSIGNAL_LINUX 0x4000

/* ---- errno, as the guest sees it ---- */
#define GB_ERRNO_LINUX(X)                                                                 \
  X(EPERM, 1) X(ENOENT, 2) X(ESRCH, 3) X(EINTR, 4) X(EIO, 5) X(ENXIO, 6) X(E2BIG, 7) X(ENOEXEC, 8) \
  X(EBADF, 9)  \
  X(ECHILD, 10)                                                                         \
  X(EAGAIN, 11) X(ENOMEM, 12) X(EACCES, 13) X(EFAULT, 14) X(EBUSY, 16) X(EEXIST, 17)     \
  X(EXDEV, 18) X(ENODEV, 19) X(ENOTDIR, 20) X(EISDIR, 21) X(EINVAL, 22) X(ENFILE, 23)    \
  X(EMFILE, 24) X(ENOTTY, 25) X(EFBIG, 27) X(ENOSPC, 28) X(ESPIPE, 29) X(EROFS, 30)      \
  X(EMLINK, 31) X(EPIPE, 32) X(ERANGE, 34) X(ENAMETOOLONG, 36) X(ENOSYS, 38)            \
  X(ENOTEMPTY, 39) X(ELOOP, 40) X(ENOTSOCK, 88) X(EDESTADDRREQ, 89) X(EMSGSIZE, 90)      \
  X(EPROTOTYPE, 91) X(ENOPROTOOPT, 92) X(EPROTONOSUPPORT, 93) X(ESOCKTNOSUPPORT, 94)    \
  X(ENOTSUP, 95) X(EAFNOSUPPORT, 97) X(EADDRINUSE, 98) X(EADDRNOTAVAIL, 99)            \
  X(ENETUNREACH, 101) X(ECONNRESET, 104) X(EISCONN, 106) X(ENOTCONN, 107)              \
  X(ETIMEDOUT, 110) X(ECONNREFUSED, 111) X(EALREADY, 114) X(EINPROGRESS, 115)

enum {
#define GB_ERRNO_ENUM_(name, nr) name##_LINUX = nr,
  GB_ERRNO_LINUX(GB_ERRNO_ENUM_)
#undef GB_ERRNO_ENUM_
};

/* "ENOENT" for 2, NULL for a number the table does not name. */
const char *gb_errno_name_linux(int err);

#endif
