/* sys_table.c — THE syscall table: one row per Linux x86-64 syscall goboot emulates,
 * with its number, name, handler and how its arguments print in the trace. The
 * dispatcher and the tracer both read this table, so they cannot disagree. A number
 * missing here returns -ENOSYS_LINUX and leaves an "unknown_syscall" event. Rows are sorted
 * by number (a unit test checks it). */
#include <stdio.h>
#include <string.h>

#include "sys.h"

#define ROW(nr, name, args) {nr, #name, gb_sys_##name, args}
static const gb_sys table[] = {
  ROW(0, read, "fxd"),
  ROW(1, write, "fbd"),
  ROW(2, open, "sxo"),
  ROW(3, close, "f"),
  ROW(4, stat, "sx"),
  ROW(5, fstat, "fx"),
  ROW(6, lstat, "sx"),
  ROW(7, poll, "xdd"),
  ROW(8, lseek, "fdd"),
  ROW(9, mmap, "xxxxfx"),
  ROW(10, mprotect, "xxx"),
  ROW(11, munmap, "xx"),
  ROW(12, brk, "x"),
  ROW(13, rt_sigaction, "dxxd"),
  ROW(14, rt_sigprocmask, "dxxd"),
  ROW(15, rt_sigreturn, ""),
  ROW(16, ioctl, "fxx"),
  ROW(17, pread64, "fxdd"),
  ROW(18, pwrite64, "fxdd"),
  ROW(19, readv, "fxd"),
  ROW(20, writev, "fxd"),
  ROW(21, access, "so"),
  ROW(22, pipe, "x"),
  ROW(23, select, "dxxxx"),
  ROW(24, sched_yield, ""),
  ROW(25, mremap, "xxxxx"),
  ROW(27, mincore, "xxx"),
  ROW(28, madvise, "xxd"),
  ROW(32, dup, "f"),
  ROW(33, dup2, "ff"),
  ROW(34, pause, ""),
  ROW(35, nanosleep, "xx"),
  ROW(39, getpid, ""),
  {40, "sendfile", gb_sys_enosys_quiet, "ffxd"}, /* Go falls back to read/write */
  ROW(41, socket, "ddd"),
  ROW(42, connect, "fxd"),
  ROW(43, accept, "fxx"),
  ROW(44, sendto, "fxdxxd"),
  ROW(45, recvfrom, "fxdxxx"),
  ROW(46, sendmsg, "fxx"),
  ROW(47, recvmsg, "fxx"),
  ROW(48, shutdown, "fd"),
  ROW(49, bind, "fxd"),
  ROW(50, listen, "fd"),
  ROW(51, getsockname, "fxx"),
  ROW(52, getpeername, "fxx"),
  ROW(53, socketpair, "dddx"),
  ROW(54, setsockopt, "fddxd"),
  ROW(55, getsockopt, "fddxx"),
  ROW(56, clone, "xxxxx"),
  ROW(57, fork, ""),
  ROW(58, vfork, ""),
  ROW(59, execve, "sxx"),
  ROW(60, exit, "d"),
  ROW(61, wait4, "dxxx"),
  ROW(62, kill, "dd"),
  ROW(63, uname, "x"),
  ROW(72, fcntl, "fdx"),
  ROW(74, fsync, "f"),
  {75, "fdatasync", gb_sys_fsync, "f"},
  ROW(76, truncate, "sd"),
  ROW(77, ftruncate, "fd"),
  ROW(79, getcwd, "xd"),
  ROW(80, chdir, "s"),
  ROW(81, fchdir, "f"),
  ROW(82, rename, "ss"),
  ROW(83, mkdir, "so"),
  ROW(84, rmdir, "s"),
  ROW(86, link, "ss"),
  ROW(87, unlink, "s"),
  ROW(88, symlink, "ss"),
  ROW(89, readlink, "sxd"),
  ROW(90, chmod, "so"),
  ROW(91, fchmod, "fo"),
  ROW(92, chown, "sdd"),
  ROW(93, fchown, "fdd"),
  ROW(94, lchown, "sdd"),
  ROW(95, umask, "o"),
  ROW(96, gettimeofday, "xx"),
  ROW(97, getrlimit, "dx"),
  ROW(102, getuid, ""),
  {104, "getgid", gb_sys_getuid, ""},
  ROW(105, setuid, "d"),
  {106, "setgid", gb_sys_setuid, "d"},
  {107, "geteuid", gb_sys_getuid, ""},
  {108, "getegid", gb_sys_getuid, ""},
  ROW(109, setpgid, "dd"),
  ROW(110, getppid, ""),
  ROW(111, getpgrp, ""),
  ROW(112, setsid, ""),
  ROW(115, getgroups, "dx"),
  ROW(116, setgroups, "dx"),
  ROW(121, getpgid, "d"),
  ROW(124, getsid, "d"),
  ROW(127, rt_sigpending, "xd"),
  ROW(128, rt_sigtimedwait, "xxxd"),
  ROW(129, rt_sigqueueinfo, "ddx"),
  ROW(130, rt_sigsuspend, "xd"),
  ROW(131, sigaltstack, "xx"),
  ROW(137, statfs, "sx"),
  ROW(138, fstatfs, "fx"),
  ROW(157, prctl, "xxxxx"),
  ROW(158, arch_prctl, "xx"),
  ROW(186, gettid, ""),
  ROW(200, tkill, "dd"),
  ROW(201, time, "x"),
  ROW(202, futex, "xdxxxx"),
  ROW(203, sched_setaffinity, "ddx"),
  ROW(204, sched_getaffinity, "ddx"),
  ROW(213, epoll_create, "d"),
  ROW(217, getdents64, "fxd"),
  ROW(218, set_tid_address, "x"),
  ROW(228, clock_gettime, "dx"),
  ROW(229, clock_getres, "dx"),
  ROW(230, clock_nanosleep, "dxxx"),
  ROW(231, exit_group, "d"),
  {232, "epoll_wait", gb_sys_epoll_pwait, "fxdd"},
  ROW(233, epoll_ctl, "fdfx"),
  ROW(234, tgkill, "ddd"),
  ROW(247, waitid, "ddxxx"),
  ROW(257, openat, "dsxo"),
  ROW(258, mkdirat, "dso"),
  ROW(260, fchownat, "dsddx"),
  ROW(262, newfstatat, "dsxx"),
  ROW(263, unlinkat, "dsx"),
  ROW(264, renameat, "dsds"),
  ROW(265, linkat, "dsdsx"),
  ROW(266, symlinkat, "sds"),
  ROW(267, readlinkat, "dsxd"),
  ROW(268, fchmodat, "dso"),
  ROW(269, faccessat, "dso"),
  ROW(270, pselect6, "dxxxxx"),
  ROW(271, ppoll, "xdxx"),
  ROW(273, set_robust_list, "xd"),
  {275, "splice", gb_sys_enosys_quiet, "fxfxdx"}, /* Go falls back to read/write */
  ROW(280, utimensat, "dsxx"),
  ROW(281, epoll_pwait, "fxddx"),
  ROW(288, accept4, "fxxx"),
  ROW(290, eventfd2, "dx"),
  ROW(291, epoll_create1, "x"),
  ROW(292, dup3, "ffx"),
  ROW(293, pipe2, "xx"),
  ROW(297, rt_tgsigqueueinfo, "dddx"),
  ROW(302, prlimit64, "ddxx"),
  ROW(309, getcpu, "xxx"),
  ROW(316, renameat2, "dsdsx"),
  ROW(318, getrandom, "xdx"),
  ROW(322, execveat, "dsxxx"),
  {326, "copy_file_range", gb_sys_enosys_quiet, "fxfxdx"}, /* as splice */
  ROW(332, statx, "dsxxx"),
  {334, "rseq", gb_sys_enosys_quiet, "xdxx"},
  {435, "clone3", gb_sys_enosys_quiet, "xd"},
  ROW(439, faccessat2, "dsox"),
};

const gb_sys *gb_sys_lookup(int nr) {
  size_t lo = 0, hi = sizeof table / sizeof table[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (table[mid].nr == nr) return &table[mid];
    if (table[mid].nr < nr) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

int gb_sys_table_check(void); /* for tests: 0 when sorted and unique */
int gb_sys_table_check(void) {
  for (size_t i = 1; i < sizeof table / sizeof table[0]; i++)
    if (table[i].nr <= table[i - 1].nr) return -1;
  return 0;
}

static cJSON *fmt_ret(int64_t r) {
  if (r < 0 && r >= -4095) {
    char buf[32];
    const char *name = gb_errno_name_linux((int)-r);
    if (name) snprintf(buf, sizeof buf, "-%s", name);
    else snprintf(buf, sizeof buf, "-%lld", (long long)-r);
    return cJSON_CreateString(buf);
  }
  if (r >= 0 && r < (1 << 30)) return cJSON_CreateNumber((double)r);
  return gb_hex((uint64_t)r);
}

static cJSON *fmt_arg(gb_machine *m, char f, const uint64_t *a, int i) {
  char buf[256];
  switch (f) {
  case 'd': return cJSON_CreateNumber((double)(int64_t)a[i]);
  case 'f': return cJSON_CreateNumber((double)(int32_t)a[i]);
  case 'o': snprintf(buf, sizeof buf, "0%llo", (unsigned long long)a[i]); return cJSON_CreateString(buf);
  case 's':
    if (gb_read_str(m, a[i], buf, sizeof buf) < 0) return gb_hex(a[i]);
    return cJSON_CreateString(buf);
  case 'b': {
    size_t n = a[i + 1] < 200 ? (size_t)a[i + 1] : 200;
    if (gb_read(m, a[i], buf, n) < 0) return gb_hex(a[i]);
    buf[n] = 0;
    for (size_t k = 0; k < n; k++) /* keep the trace valid UTF-8 and one line per byte */
      if ((unsigned char)buf[k] >= 0x80 || buf[k] == 0) buf[k] = '?';
    return cJSON_CreateString(buf);
  }
  default: return gb_hex(a[i]);
  }
}

void gb_syscall(gb_machine *m) {
  static const int regs[6] = {UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX,
                              UC_X86_REG_R10, UC_X86_REG_R8, UC_X86_REG_R9};
  uint64_t a[6];
  int nr = (int)gb_reg(m, UC_X86_REG_RAX);
  for (int i = 0; i < 6; i++) a[i] = gb_reg(m, regs[i]);
  m->w->trace.nsyscalls++;
  const gb_sys *s = gb_sys_lookup(nr);
  cJSON *ev = gb_trace_event(m, s ? GB_EV_SYSCALL : GB_EV_UNKNOWN_SYSCALL);
  if (ev) {
    cJSON_AddNumberToObject(ev, "nr", nr);
    if (s) {
      cJSON_AddStringToObject(ev, "name", s->name);
      cJSON *args = cJSON_AddArrayToObject(ev, "args");
      for (int i = 0; s->args[i] && i < 6; i++) cJSON_AddItemToArray(args, fmt_arg(m, s->args[i], a, i));
    } else {
      cJSON *args = cJSON_AddArrayToObject(ev, "args");
      for (int i = 0; i < 6; i++) cJSON_AddItemToArray(args, gb_hex(a[i]));
    }
  }
  int64_t ret;
  gb_trace_hold(m); /* EV is filled after the handler, which may make events of its own */
  if (s) {
    ret = s->fn(m, a, ev);
  } else {
    m->w->trace.nunknown++;
    ret = -ENOSYS_LINUX;
  }
  gb_set_reg(m, UC_X86_REG_RAX, (uint64_t)ret);
  if (ev) cJSON_AddItemToObject(ev, "ret", fmt_ret(ret));
  /* a signal now deliverable to this thread (sent to itself, unblocked) is delivered on
   * the way out of the syscall, as the kernel's exit_to_user_mode does: the run loop */
  gb_thread *t = gb_cur(m);
  if (m->sched.pending == PEND_NONE && t->state == TH_RUN &&
      (((t->pend.set | m->sig.shared.set) & ~t->sigmask) || t->sig_suspended))
    gb_sched_request(m, PEND_STOP);
  gb_trace_release(m);
  /* per-name counts in the summary */
  char key[32];
  if (!s) snprintf(key, sizeof key, "unknown_%d", nr);
  cJSON *c = cJSON_GetObjectItemCaseSensitive(m->w->trace.syscall_counts, s ? s->name : key);
  if (c) cJSON_SetNumberValue(c, c->valuedouble + 1);
  else cJSON_AddNumberToObject(m->w->trace.syscall_counts, s ? s->name : key, 1);
}
