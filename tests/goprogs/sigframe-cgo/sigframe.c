/* sigframe.c — what a signal handler sees, printed so that a run on the real kernel and
 * a run under goboot can be compared byte for byte (tests/emu/emu-test.sh sigframe-cgo).
 * main.go includes it in its cgo preamble and calls sigframe_main(): goboot boots Go
 * programs, and an externally linked cgo binary runs this C code with glibc's real
 * signal machinery.
 *
 * Each case installs a SIGSEGV/SIGILL/SIGFPE handler with some flags and a blocked mask,
 * faults, and prints from inside the handler: the signal, si_code, si_addr, trapno, the
 * page-fault error code and cr2, the mask in force in the handler, the mask saved in
 * the frame, whether the handler runs on the alternate stack, uc_stack, the frame's
 * layout (the return address is the frame's first word, siginfo sits right after the
 * kernel's 296-byte ucontext, RSP at entry ≡ 8 mod 16, a 64-byte aligned FPU image),
 * and after it returns (siglongjmp) what became of the action (SA_RESETHAND).
 * Nothing printed depends on addresses, the kernel's XSAVE size or timing. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf back;
static char altstack[64 * 1024] __attribute__((aligned(16)));
static volatile int zero;
static const char rodata[8] = "ro";

static struct seen {
  int signo, code, on_alt, ret_is_pretcode, rsp_mod16, fp_aligned;
  long info_minus_uc;
  uintptr_t addr;
  long long trapno, err, cr2;
  unsigned long uc_flags;
  sigset_t cur, saved;
  stack_t uc_stack, ss_now;
} seen;

static void handler(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  char here;
  seen.signo = sig;
  seen.code = si->si_code;
  seen.addr = (uintptr_t)si->si_addr;
  seen.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
  seen.err = uc->uc_mcontext.gregs[REG_ERR];
  seen.cr2 = uc->uc_mcontext.gregs[REG_CR2];
  /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS; UC_FP_XSTATE (1) depends on the CPU */
  seen.uc_flags = uc->uc_flags & 6;
  sigprocmask(SIG_BLOCK, NULL, &seen.cur);
  seen.saved = uc->uc_sigmask;
  seen.on_alt = &here >= altstack && &here < altstack + sizeof altstack;
  seen.uc_stack = uc->uc_stack;
  sigaltstack(NULL, &seen.ss_now);
  /* struct rt_sigframe: pretcode, then the kernel's ucontext (296 bytes), then siginfo */
  seen.ret_is_pretcode = __builtin_return_address(0) == *(void **)((char *)uc - 8);
  seen.rsp_mod16 = (int)(((uintptr_t)uc - 8) % 16);
  seen.info_minus_uc = (char *)si - (char *)uc;
  seen.fp_aligned = ((uintptr_t)uc->uc_mcontext.fpregs & 63) == 0;
  siglongjmp(back, 1);
}

static void print_set(const char *name, const sigset_t *s) {
  printf(" %s={", name);
  const char *sep = "";
  for (int i = 1; i <= 64; i++)
    if (sigismember(s, i) == 1) printf("%s%d", sep, i), sep = ",";
  printf("}");
}

static void fault_read_null(void) { (void)*(volatile int *)0; }
static void fault_write_rodata(void) { *(volatile char *)rodata = 1; }
static void fault_ud2(void) { __builtin_trap(); }
static void fault_div(void) { zero = 7 / zero; }

static void run(const char *name, int sig, int flags, void (*fault)(void), int altstk) {
  struct sigaction sa, old;
  sigset_t pre;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR1);
  sigaction(sig, &sa, NULL);
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  stack_t off = {.ss_flags = SS_DISABLE};
  sigaltstack(altstk ? &ss : &off, NULL);
  sigemptyset(&pre);
  sigaddset(&pre, SIGUSR2);
  sigprocmask(SIG_SETMASK, &pre, NULL);
  memset(&seen, 0, sizeof seen);
  if (sigsetjmp(back, 1) == 0) {
    fault();
    printf("%s: no signal\n", name);
    return;
  }
  sigaction(sig, NULL, &old);
  printf("%s: sig=%d code=%d addr_is_0=%d trapno=%lld err=%lld cr2_is_addr=%d uc_flags=%lu",
         name, seen.signo, seen.code, seen.addr == 0, seen.trapno, seen.err,
         (uintptr_t)seen.cr2 == seen.addr, seen.uc_flags);
  print_set("mask_in_handler", &seen.cur);
  print_set("saved", &seen.saved);
  printf(" on_alt=%d uc_stack={%s,%zu,%d} ss_flags_in_handler=%d", seen.on_alt,
         seen.uc_stack.ss_sp == altstack ? "altstack" : seen.uc_stack.ss_sp ? "?" : "0",
         seen.uc_stack.ss_size, seen.uc_stack.ss_flags, seen.ss_now.ss_flags);
  printf(" pretcode=%d rsp%%16=%d info-uc=%ld fp64=%d after=%s\n", seen.ret_is_pretcode,
         seen.rsp_mod16, seen.info_minus_uc, seen.fp_aligned,
         old.sa_handler == SIG_DFL ? "SIG_DFL" : old.sa_sigaction == handler ? "handler" : "?");
}

static void sigframe_main(void) {
  struct sigaction orig[3];
  stack_t orig_ss;
  const int sigs[3] = {SIGSEGV, SIGILL, SIGFPE};
  sigset_t orig_mask;
  for (int i = 0; i < 3; i++) sigaction(sigs[i], NULL, &orig[i]);
  sigaltstack(NULL, &orig_ss);
  sigprocmask(SIG_SETMASK, NULL, &orig_mask);
  run("segv", SIGSEGV, 0, fault_read_null, 0);
  run("segv-nodefer", SIGSEGV, SA_NODEFER, fault_read_null, 0);
  run("segv-resethand", SIGSEGV, SA_RESETHAND, fault_read_null, 0);
  run("segv-onstack", SIGSEGV, SA_ONSTACK, fault_read_null, 1);
  run("segv-altstack-unused", SIGSEGV, 0, fault_read_null, 1);
  run("segv-write-ro", SIGSEGV, 0, fault_write_rodata, 0);
  run("ill", SIGILL, 0, fault_ud2, 0);
  run("fpe-onstack-nodefer", SIGFPE, SA_ONSTACK | SA_NODEFER, fault_div, 1);
  fflush(stdout);
  /* give the Go runtime its handlers, its signal stack and its mask back */
  for (int i = 0; i < 3; i++) sigaction(sigs[i], &orig[i], NULL);
  sigaltstack(&orig_ss, NULL);
  sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}
