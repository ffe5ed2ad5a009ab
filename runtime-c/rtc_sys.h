/* rtc_sys.h — raw Linux x86-64 system calls for goboot-rtc (no libc).
 * syscall: number in RAX, args in RDI RSI RDX R10 R8 R9; RCX and R11 are clobbered;
 * a return in [-4095, -1] is -errno. */
#ifndef GOBOOT_RTC_SYS_H
#define GOBOOT_RTC_SYS_H

#include <stdint.h>

enum {
  RTC_SYS_read = 0, RTC_SYS_write = 1, RTC_SYS_close = 3, RTC_SYS_mmap = 9,
  RTC_SYS_munmap = 11, RTC_SYS_mincore = 27, RTC_SYS_arch_prctl = 158,
  RTC_SYS_sched_getaffinity = 204, RTC_SYS_exit_group = 231, RTC_SYS_openat = 257
};
#define RTC_AT_FDCWD (-100)
#define RTC_ARCH_SET_FS 0x1002

static inline long rtc_syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#define rtc_sys3(n, a, b, c) rtc_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

#endif
