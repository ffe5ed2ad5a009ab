/* test_signal_frame.c — the rules signal delivery follows, checked as properties the
 * kernel guarantees (arch/x86/kernel/signal.c get_sigframe, kernel/signal.c
 * signal_delivered), not by recomputing signal.c's own arithmetic:
 *   - the frame is below the 128-byte red zone, the fxsave image 64-byte aligned above
 *     it and below the red zone, RSP at the handler ≡ 8 (mod 16) as after a call;
 *   - SA_ONSTACK moves the frame to the top of the alternate stack unless the thread is
 *     already on it (then it nests below the current RSP), never with SS_AUTODISARM
 *     counting as "on it", and a frame that does not fit is reported;
 *   - delivery blocks sa_mask and the signal itself unless SA_NODEFER, never SIGKILL or
 *     SIGSTOP, and SA_RESETHAND resets the action to SIG_DFL.
 * The end-to-end comparison with the real kernel is emu.sigframe-cgo. */
#include <stdio.h>

#include "machine.h"

static int failures;
#define CHECK(c)                                                                  \
  do {                                                                            \
    if (!(c)) {                                                                   \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);       \
      failures++;                                                                 \
    }                                                                             \
  } while (0)

/* What every placement must satisfy, whatever the stack. */
static void shape(gb_sigframe_plan p, uint64_t below) {
  CHECK(p.frame % 16 == 8);                      /* RSP at entry, as after a call */
  CHECK(p.fpstate % 64 == 0);                    /* fxsave needs 16, Linux gives 64 */
  CHECK(p.frame + GB_SIGFRAME_SIZE <= p.fpstate); /* frame and FPU image do not overlap */
  CHECK(p.fpstate + GB_FXSAVE_SIZE <= below);     /* both below what must stay intact */
  CHECK(below - p.frame < GB_SIGFRAME_SIZE + GB_FXSAVE_SIZE + 64 + 16 + 8); /* and tight */
}

static void placement(void) {
  const uint64_t alt = 0x7f0000010000ULL, altsz = 0x8000;
  for (uint64_t rsp = 0x7ffffffe0000ULL; rsp < 0x7ffffffe0000ULL + 64; rsp += 8) {
    /* no alternate stack: below the red zone */
    gb_sigframe_plan p = gb_sigframe_place(rsp, 0, 0, 0, 0);
    shape(p, rsp - 128);
    CHECK(!p.on_altstack && !p.overflows);
    /* SA_ONSTACK without a stack, or a stack without SA_ONSTACK: the same */
    gb_sigframe_plan q = gb_sigframe_place(rsp, SA_ONSTACK_LINUX, 0, 0, 0);
    CHECK(q.frame == p.frame && !q.on_altstack);
    q = gb_sigframe_place(rsp, 0, alt, altsz, 0);
    CHECK(q.frame == p.frame && !q.on_altstack);
    /* SA_ONSTACK with a stack: at its top, no red zone to skip there */
    q = gb_sigframe_place(rsp, SA_ONSTACK_LINUX, alt, altsz, 0);
    shape(q, alt + altsz);
    CHECK(q.on_altstack && !q.overflows && q.frame > alt);
    /* SS_AUTODISARM: the thread never counts as on the stack, the frame goes to its top */
    q = gb_sigframe_place(rsp, SA_ONSTACK_LINUX, alt, altsz, (int)SS_AUTODISARM_LINUX);
    CHECK(q.on_altstack && q.frame == gb_sigframe_place(rsp, SA_ONSTACK_LINUX, alt, altsz, 0).frame);
  }
  /* already on the alternate stack: nested below the current RSP, not at the top */
  uint64_t inside = 0x7f0000014000ULL;
  gb_sigframe_plan n = gb_sigframe_place(inside, SA_ONSTACK_LINUX, alt, altsz, 0);
  shape(n, inside - 128);
  CHECK(n.on_altstack && !n.overflows);
  /* nested without SA_ONSTACK still counts as the alternate stack */
  CHECK(gb_sigframe_place(inside, 0, alt, altsz, 0).on_altstack);
  /* a stack too small for the frame: reported, as Linux kills the thread */
  CHECK(gb_sigframe_place(0x7ffffffe0000ULL, SA_ONSTACK_LINUX, alt, 512, 0).overflows);
  /* deep in a nested frame near the bottom: overflows too */
  CHECK(gb_sigframe_place(alt + 600, SA_ONSTACK_LINUX, alt, altsz, 0).overflows);
}

static void delivered(void) {
  const uint64_t usr1 = SIG_BIT_LINUX(SIGUSR1_LINUX), usr2 = SIG_BIT_LINUX(SIGUSR2_LINUX);
  const uint64_t segv = SIG_BIT_LINUX(SIGSEGV_LINUX);
  const uint64_t kill_stop = SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX);
  gb_sigaction sa = {0x401000, SA_SIGINFO_LINUX | SA_RESTORER_LINUX, 0x401100, usr1};
  uint64_t mask = usr2;
  gb_signal_delivered(&mask, &sa, SIGSEGV_LINUX);
  CHECK(mask == (usr2 | usr1 | segv));         /* sa_mask and the signal itself */
  CHECK(sa.handler == 0x401000);               /* the action stays */

  gb_sigaction nd = {0x401000, SA_SIGINFO_LINUX | SA_NODEFER_LINUX, 0x401100, usr1};
  mask = usr2;
  gb_signal_delivered(&mask, &nd, SIGSEGV_LINUX);
  CHECK(mask == (usr2 | usr1));                /* SA_NODEFER: the signal stays unblocked */

  gb_sigaction rh = {0x401000, SA_SIGINFO_LINUX | SA_RESETHAND_LINUX, 0x401100, 0};
  mask = 0;
  gb_signal_delivered(&mask, &rh, SIGFPE_LINUX);
  CHECK(mask == SIG_BIT_LINUX(SIGFPE_LINUX));
  CHECK(rh.handler == SIG_DFL_LINUX && rh.flags == 0 && rh.mask == 0); /* one-shot */

  gb_sigaction all = {0x401000, SA_SIGINFO_LINUX, 0, ~0ULL};
  mask = 0;
  gb_signal_delivered(&mask, &all, SIGILL_LINUX);
  CHECK(mask == ~kill_stop);                   /* SIGKILL and SIGSTOP cannot be blocked */
}

int main(void) {
  placement();
  delivered();
  CHECK(GB_SIGFRAME_SIZE == 440);  /* sizeof(struct rt_sigframe) on x86-64 */
  if (failures) {
    fprintf(stderr, "test_signal_frame: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_signal_frame: ok\n");
  return 0;
}
