/* signal.c — synchronous signals, delivered as Linux x86-64 delivers them.
 *
 * When the guest faults (unmapped or protected access → SIGSEGV, #DE → SIGFPE, #UD →
 * SIGILL, #GP → SIGSEGV) and its thread has a handler for that signal (not SIG_DFL or
 * SIG_IGN, with SA_RESTORER) that it does not block, the kernel's rt_sigframe is built
 * (arch/x86/kernel/signal.c get_sigframe, signal_64.c x64_setup_rt_frame; a kernel
 * without XSAVE, so the FPU state is a 512-byte fxsave image): below the 128-byte red
 * zone, or at the top of the alternate stack with SA_ONSTACK; the fxsave image 64-byte
 * aligned; the frame so that RSP at the handler ≡ 8 (mod 16) as after a call, pretcode =
 * sa_restorer, ucontext (uc_flags UC_SIGCONTEXT_SS|UC_STRICT_RESTORE_SS, uc_stack,
 * sigcontext with trapno/err/cr2 as the trap left them, oldmask, fpstate pointer,
 * uc_sigmask = the mask before delivery), siginfo. Then RDI = signo, RSI = &siginfo,
 * RDX = &ucontext, RAX = 0, RIP = handler, the FPU reset to its initial state, the mask
 * |= sa_mask (and the signal unless SA_NODEFER), SA_RESETHAND honoured. rt_sigreturn
 * restores registers (a rip/rsp the handler rewrote included: Go's sigpanic injection),
 * the flags the kernel lets a frame set, the FPU image, the mask and the alternate stack.
 *
 * Exact state. Exceptions, invalid instructions and fetch faults stop Unicorn at the
 * instruction with exact registers: they are delivered in place. So is a data fault at
 * a site (an instruction located before, under its code hook: faultpc.c). Any other data
 * fault stops at its block with RIP and the flags stale (faultpc.c): the twin, a second
 * machine replaying the run, is brought to the start of that block, stepped to the
 * instruction (gb_fault_step), and the first machine takes RIP, the flags and the count
 * from it (gb_fault_take) and delivers. The twin re-delivers every earlier signal at the
 * same points (in-place ones happen again by themselves; data faults are listed in
 * sig.pts) and then waits at this fault, so the next one replays only what ran since;
 * it is closed once the run is twice as far. Nothing runs on the fast path: all of this
 * starts from a stop. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* struct rt_sigframe (64-bit): pretcode, ucontext, siginfo */
#define FR_UC 8
#define UC_STACK (FR_UC + 16)
#define UC_MCTX (FR_UC + 40) /* struct sigcontext */
#define UC_SIGMASK (FR_UC + 296)
#define FR_INFO (FR_UC + 304)
#define FRAME_SIZE GB_SIGFRAME_SIZE /* FR_INFO + 128 */
#define FXSAVE_SIZE GB_FXSAVE_SIZE
_Static_assert(FR_INFO + 128 == GB_SIGFRAME_SIZE, "struct rt_sigframe is 440 bytes");
/* struct sigcontext, from uc_mcontext */
#define SC_RSP (15 * 8)
#define SC_RIP (16 * 8)
#define SC_EFLAGS (17 * 8)
#define SC_CS (18 * 8)
#define SC_SS (18 * 8 + 6)
#define SC_ERR (19 * 8)
#define SC_TRAPNO (20 * 8)
#define SC_OLDMASK (21 * 8)
#define SC_CR2 (22 * 8)
#define SC_FPSTATE (23 * 8)
#define FIX_EFLAGS 0x50DD5ULL /* AC OF DF TF SF ZF AF PF CF RF: what sigreturn may set */

/* sigcontext's first 16 slots, in order: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp */
static const int sc_regs[16] = {
    UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13,
    UC_X86_REG_R14, UC_X86_REG_R15, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RBP, UC_X86_REG_RBX,
    UC_X86_REG_RDX, UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RSP};

static const char *signame(int s) { return gb_signal_name_linux(s); }

static void put16(unsigned char *b, size_t off, uint16_t v) { memcpy(b + off, &v, 2); }
static void put32(unsigned char *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(unsigned char *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }
static uint64_t get64(const unsigned char *b, size_t off) {
  uint64_t v;
  memcpy(&v, b + off, 8);
  return v;
}

/* What Linux would raise for the current fault stop: 0, or -1 when it is not one goboot
 * delivers (then it stays a fault stop). */
static int classify(gb_machine *m, gb_sigfault *f) {
  memset(f, 0, sizeof *f);
  uint64_t rip = gb_reg(m, UC_X86_REG_RIP);
  if (m->fault.intr) {
    switch (m->fault.intr - 1) {
    case X86_TRAP_DE_LINUX:
      *f = (gb_sigfault){SIGFPE_LINUX, FPE_INTDIV_LINUX, X86_TRAP_DE_LINUX, rip, 0, 0, 0, .sent = 0};
      return 0;
    case X86_TRAP_UD_LINUX:
      *f = (gb_sigfault){SIGILL_LINUX, ILL_ILLOPN_LINUX, X86_TRAP_UD_LINUX, rip, 0, 0, 0, .sent = 0};
      return 0;
    case X86_TRAP_GP_LINUX:
      *f = (gb_sigfault){SIGSEGV_LINUX, SI_KERNEL_LINUX, X86_TRAP_GP_LINUX, 0, 0, 0, 0, .sent = 0};
      return 0;
    default: return -1;
    }
  }
  switch (m->fault.err) {
  case UC_ERR_INSN_INVALID:
    *f = (gb_sigfault){SIGILL_LINUX, ILL_ILLOPN_LINUX, X86_TRAP_UD_LINUX, rip, 0, 0, 0, .sent = 0};
    return 0;
  case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED: case UC_ERR_FETCH_UNMAPPED:
  case UC_ERR_READ_PROT: case UC_ERR_WRITE_PROT: case UC_ERR_FETCH_PROT: break;
  default: return -1;
  }
  if (!m->fault.bad_seen) return -1;
  int prot = m->fault.bad_type == UC_MEM_READ_PROT || m->fault.bad_type == UC_MEM_WRITE_PROT ||
             m->fault.bad_type == UC_MEM_FETCH_PROT;
  int write = m->fault.bad_type == UC_MEM_WRITE_UNMAPPED || m->fault.bad_type == UC_MEM_WRITE_PROT;
  int fetch = m->fault.bad_type == UC_MEM_FETCH_UNMAPPED || m->fault.bad_type == UC_MEM_FETCH_PROT;
  f->signo = SIGSEGV_LINUX;
  f->code = prot || gb_mm_reserved(m, m->fault.bad_addr) ? SEGV_ACCERR_LINUX : SEGV_MAPERR_LINUX;
  f->trapno = X86_TRAP_PF_LINUX;
  /* page-fault error code: present (a mapped page with the wrong rights), write, user,
   * instruction fetch */
  f->err = (prot ? X86_PF_PROT_LINUX : 0) | (write ? X86_PF_WRITE_LINUX : 0) | X86_PF_USER_LINUX |
           (fetch ? X86_PF_INSTR_LINUX : 0);
  f->addr = f->cr2 = m->fault.bad_addr;
  f->page_fault = 1;
  return 0;
}

static int deliverable(gb_machine *m, int sig) {
  const gb_sigaction *sa = &m->sig.act[sig];
  return sa->handler > SIG_IGN_LINUX && (sa->flags & SA_RESTORER_LINUX) &&
         !(gb_cur(m)->sigmask & SIG_BIT_LINUX(sig));
}

/* sas_ss_flags()'s on_sig_stack: SP inside (ss_sp, ss_sp + ss_size]. */
static int on_stack(uint64_t ss_sp, uint64_t ss_size, int ss_flags, uint64_t sp) {
  if (!ss_size || ((uint32_t)ss_flags & SS_AUTODISARM_LINUX)) return 0;
  return sp > ss_sp && sp - ss_sp <= ss_size;
}

int gb_on_altstack(const gb_thread *t, uint64_t sp) {
  return on_stack(t->ss_sp, t->ss_size, t->ss_flags, sp);
}

gb_sigframe_plan gb_sigframe_place(uint64_t rsp, uint64_t flags, uint64_t ss_sp,
                                   uint64_t ss_size, int ss_flags) {
  gb_sigframe_plan pl = {0, 0, 0, 0};
  uint64_t sp = rsp - 128; /* the red zone */
  int nested = on_stack(ss_sp, ss_size, ss_flags, rsp), entering = 0;
  if ((flags & SA_ONSTACK_LINUX) && ss_size && !on_stack(ss_sp, ss_size, ss_flags, sp)) {
    sp = ss_sp + ss_size;
    entering = 1;
  }
  pl.fpstate = (sp - FXSAVE_SIZE) & ~63ULL;
  /* RSP at the handler ≡ 8 (mod 16), as right after a call */
  pl.frame = ((pl.fpstate - FRAME_SIZE) & ~15ULL) - 8;
  pl.on_altstack = nested || entering;
  pl.overflows = pl.on_altstack && !(pl.frame > ss_sp && pl.frame - ss_sp <= ss_size);
  return pl;
}

void gb_signal_delivered(uint64_t *mask, gb_sigaction *sa, int signo) {
  *mask |= sa->mask;
  if (!(sa->flags & SA_NODEFER_LINUX)) *mask |= SIG_BIT_LINUX(signo);
  *mask &= ~(SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX));
  if (sa->flags & SA_RESETHAND_LINUX) *sa = (gb_sigaction){0, 0, 0, 0};
}

static void fxsave_image(gb_machine *m, unsigned char *fx) {
  uint64_t v;
  memset(fx, 0, FXSAVE_SIZE);
  put16(fx, 0, (uint16_t)gb_reg(m, UC_X86_REG_FPCW));
  put16(fx, 2, (uint16_t)gb_reg(m, UC_X86_REG_FPSW));
  v = gb_reg(m, UC_X86_REG_FPTAG); /* full tag word → abridged: 1 = not empty */
  uint8_t ftw = 0;
  for (int i = 0; i < 8; i++)
    if (((v >> (2 * i)) & 3) != 3) ftw |= (uint8_t)(1u << i);
  fx[4] = ftw;
  put16(fx, 6, (uint16_t)gb_reg(m, UC_X86_REG_FOP));
  put64(fx, 8, gb_reg(m, UC_X86_REG_FIP));
  put64(fx, 16, gb_reg(m, UC_X86_REG_FDP));
  put32(fx, 24, (uint32_t)gb_reg(m, UC_X86_REG_MXCSR));
  put32(fx, 28, 0xffff); /* MXCSR_MASK */
  for (int i = 0; i < 8; i++) {
    unsigned char st[16] = {0};
    uc_reg_read(m->uc, UC_X86_REG_ST0 + i, st);
    memcpy(fx + 32 + 16 * i, st, 10);
  }
  for (int i = 0; i < 16; i++) uc_reg_read(m->uc, UC_X86_REG_XMM0 + i, fx + 160 + 16 * i);
  /* sw_reserved (save_xstate_epilog): magic1, extended_size, xfeatures (FP|SSE), size */
  put32(fx, 464, 0x46505853);
  put32(fx, 468, FXSAVE_SIZE + 4);
  put64(fx, 472, 3);
  put32(fx, 480, FXSAVE_SIZE);
}

static void fpu_init_state(gb_machine *m) { /* fpu__clear_user_states */
  unsigned char z[16] = {0};
  gb_set_reg(m, UC_X86_REG_FPCW, 0x37f);
  gb_set_reg(m, UC_X86_REG_FPSW, 0);
  gb_set_reg(m, UC_X86_REG_FPTAG, 0xffff);
  gb_set_reg(m, UC_X86_REG_MXCSR, 0x1f80);
  for (int i = 0; i < 16; i++) uc_reg_write(m->uc, UC_X86_REG_XMM0 + i, z);
}

static void fpu_restore(gb_machine *m, const unsigned char *fx) {
  uint16_t w;
  uint32_t mx;
  memcpy(&w, fx, 2);
  gb_set_reg(m, UC_X86_REG_FPCW, w);
  memcpy(&w, fx + 2, 2);
  gb_set_reg(m, UC_X86_REG_FPSW, w);
  uint64_t tag = 0;
  for (int i = 0; i < 8; i++)
    if (!(fx[4] & (1u << i))) tag |= 3ULL << (2 * i);
  gb_set_reg(m, UC_X86_REG_FPTAG, tag);
  memcpy(&mx, fx + 24, 4);
  gb_set_reg(m, UC_X86_REG_MXCSR, mx & 0xffff);
  for (int i = 0; i < 8; i++) {
    unsigned char st[16] = {0};
    memcpy(st, fx + 32 + 16 * i, 10);
    uc_reg_write(m->uc, UC_X86_REG_ST0 + i, st);
  }
  for (int i = 0; i < 16; i++) uc_reg_write(m->uc, UC_X86_REG_XMM0 + i, fx + 160 + 16 * i);
}

/* Build the frame and enter the handler: 0, or -1 with a fault stop (as Linux, which
 * would kill the process with SIGSEGV, cannot write the frame). A sent signal (f->sent,
 * sigsend.c) is entered the same way, with siginfo's _kill/_rt fields. */
int gb_signal_deliver(gb_machine *m, const gb_sigfault *f) {
  gb_thread *t = gb_cur(m);
  gb_sigaction *sa = &m->sig.act[f->signo];
  uint64_t rsp = gb_reg(m, UC_X86_REG_RSP), rip = gb_reg(m, UC_X86_REG_RIP);
  gb_sigframe_plan pl = gb_sigframe_place(rsp, sa->flags, t->ss_sp, t->ss_size, t->ss_flags);
  uint64_t fp = pl.fpstate, frame = pl.frame;
  char b[160];
  if (pl.overflows) {
    gb_stop_replace(m, GB_STOP_FAULT, "%s at 0x%llx (%s): the signal frame overflows the alternate stack",
            signame(f->signo), (unsigned long long)rip, gb_sym_name(m, rip, b, sizeof b));
    return -1;
  }
  unsigned char fr[FRAME_SIZE], fx[FXSAVE_SIZE];
  memset(fr, 0, sizeof fr);
  fxsave_image(m, fx);
  put64(fr, 0, sa->restorer);
  put64(fr, FR_UC, 2 | 4); /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (no XSAVE) */
  put64(fr, UC_STACK, t->ss_sp);
  put32(fr, UC_STACK + 8, t->ss_size ? (uint32_t)t->ss_flags : SS_DISABLE_LINUX);
  put64(fr, UC_STACK + 16, t->ss_size);
  for (int i = 0; i < 16; i++) put64(fr, UC_MCTX + 8 * (size_t)i, gb_reg(m, sc_regs[i]));
  put64(fr, UC_MCTX + SC_RIP, rip);
  /* a fault's saved flags have RF set (the CPU pushes them so for every fault class) */
  put64(fr, UC_MCTX + SC_EFLAGS, gb_reg(m, UC_X86_REG_EFLAGS) | 0x10000);
  put16(fr, UC_MCTX + SC_CS, 0x33);   /* __USER_CS; gs and fs are stored as 0 */
  put16(fr, UC_MCTX + SC_SS, 0x2b);   /* __USER_DS */
  if (f->page_fault) t->sig_cr2 = f->cr2; /* thread.cr2 outlives the page fault */
  put64(fr, UC_MCTX + SC_ERR, f->err);
  put64(fr, UC_MCTX + SC_TRAPNO, (uint64_t)f->trapno);
  /* rt_sigsuspend's saved_sigmask: the frame restores the mask from before the wait */
  uint64_t oldmask = t->sig_suspended ? t->sig_saved : t->sigmask;
  t->sig_suspended = 0;
  put64(fr, UC_MCTX + SC_OLDMASK, oldmask);
  put64(fr, UC_MCTX + SC_CR2, t->sig_cr2);
  put64(fr, UC_MCTX + SC_FPSTATE, fp);
  put64(fr, UC_SIGMASK, oldmask);
  if (f->sent) { /* copy_siginfo_to_user: the whole siginfo, whatever SA_SIGINFO says */
    put32(fr, FR_INFO, (uint32_t)f->signo);
    put32(fr, FR_INFO + 8, (uint32_t)f->si.code);
    put32(fr, FR_INFO + 16, (uint32_t)f->si.pid);
    put32(fr, FR_INFO + 20, (uint32_t)f->si.uid);
    put64(fr, FR_INFO + 24, f->si.value);
  } else if (sa->flags & SA_SIGINFO_LINUX) {
    put32(fr, FR_INFO, (uint32_t)f->signo);
    put32(fr, FR_INFO + 8, (uint32_t)f->code);
    put64(fr, FR_INFO + 16, f->addr);
  }
  if (gb_write(m, fp, fx, sizeof fx) < 0 || gb_write(m, frame, fr, sizeof fr) < 0) {
    gb_stop_replace(m, GB_STOP_FAULT, "%s at 0x%llx (%s): cannot write the signal frame at 0x%llx",
            signame(f->signo), (unsigned long long)rip, gb_sym_name(m, rip, b, sizeof b),
            (unsigned long long)frame);
    return -1;
  }
  cJSON *ev = gb_trace_event(m, GB_EV_SIGNAL);
  if (ev) {
    cJSON_AddNumberToObject(ev, "signo", f->signo);
    cJSON_AddStringToObject(ev, "signal", signame(f->signo));
    cJSON_AddNumberToObject(ev, "code", f->code);
    if (f->sent) cJSON_AddBoolToObject(ev, "sent", 1);
    else cJSON_AddItemToObject(ev, "addr", gb_hex(f->addr));
    cJSON_AddItemToObject(ev, "pc", gb_hex(rip));
    cJSON_AddStringToObject(ev, "symbol", gb_sym_name(m, rip, b, sizeof b));
    cJSON_AddNumberToObject(ev, "tid", t->tid);
    cJSON_AddStringToObject(ev, "handler", gb_sym_name(m, sa->handler, b, sizeof b));
    cJSON_AddItemToObject(ev, "frame", gb_hex(frame));
    cJSON_AddBoolToObject(ev, "altstack", pl.on_altstack);
  }
  gb_set_reg(m, UC_X86_REG_RDI, (uint64_t)f->signo);
  gb_set_reg(m, UC_X86_REG_RSI, frame + FR_INFO);
  gb_set_reg(m, UC_X86_REG_RDX, frame + FR_UC);
  gb_set_reg(m, UC_X86_REG_RAX, 0);
  gb_set_reg(m, UC_X86_REG_RSP, frame);
  gb_set_reg(m, UC_X86_REG_RIP, sa->handler);
  gb_set_reg(m, UC_X86_REG_EFLAGS, gb_reg(m, UC_X86_REG_EFLAGS) & ~0x10500ULL); /* DF RF TF */
  fpu_init_state(m);
  gb_signal_delivered(&t->sigmask, sa, f->signo);
  t->sig_depth++;
  /* the stop is consumed: the run goes on in the handler */
  m->stop = GB_STOP_NONE;
  m->stop_msg[0] = 0;
  gb_fault_clear(m);
  return 0;
}

int64_t gb_signal_sigreturn_peek(gb_machine *m) {
  uint64_t frame = gb_reg(m, UC_X86_REG_RSP) - 8, rax;
  if (gb_read_u64(m, frame + UC_MCTX + 13 * 8, &rax) < 0) return -1;
  return (int64_t)rax;
}

void gb_signal_sigreturn(gb_machine *m) {
  gb_thread *t = gb_cur(m);
  uint64_t frame = gb_reg(m, UC_X86_REG_RSP) - 8; /* the handler's RET popped pretcode */
  unsigned char fr[FRAME_SIZE], fx[FXSAVE_SIZE];
  if (gb_read(m, frame, fr, sizeof fr) < 0) {
    gb_stop(m, GB_STOP_FAULT, "rt_sigreturn: bad frame at 0x%llx", (unsigned long long)frame);
    return;
  }
  uint64_t fpp = get64(fr, UC_MCTX + SC_FPSTATE);
  if (fpp && gb_read(m, fpp, fx, sizeof fx) < 0) {
    gb_stop(m, GB_STOP_FAULT, "rt_sigreturn: bad fpstate at 0x%llx", (unsigned long long)fpp);
    return;
  }
  t->sigmask = get64(fr, UC_SIGMASK) & ~(SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX));
  for (int i = 0; i < 16; i++) gb_set_reg(m, sc_regs[i], get64(fr, UC_MCTX + 8 * (size_t)i));
  uint64_t rip = get64(fr, UC_MCTX + SC_RIP), rsp = get64(fr, UC_MCTX + SC_RSP);
  gb_set_reg(m, UC_X86_REG_RIP, rip);
  uint64_t fl = gb_reg(m, UC_X86_REG_EFLAGS);
  /* RF only suppresses instruction breakpoints for one instruction: not given to Unicorn */
  gb_set_reg(m, UC_X86_REG_EFLAGS,
             ((fl & ~FIX_EFLAGS) | (get64(fr, UC_MCTX + SC_EFLAGS) & FIX_EFLAGS)) & ~0x10000ULL);
  if (fpp) fpu_restore(m, fx);
  else fpu_init_state(m);
  /* restore_altstack: refused (and ignored) while running on the alternate stack */
  if (!gb_on_altstack(t, rsp)) {
    uint32_t fl32;
    memcpy(&fl32, fr + UC_STACK + 8, 4);
    t->ss_sp = get64(fr, UC_STACK);
    t->ss_size = get64(fr, UC_STACK + 16);
    t->ss_flags = (int)fl32;
    if (fl32 & SS_DISABLE_LINUX) t->ss_sp = t->ss_size = 0;
  }
  if (t->sig_depth > 0) t->sig_depth--;
  cJSON *ev = gb_trace_event(m, GB_EV_SIGRETURN);
  if (ev) {
    char b[160];
    cJSON_AddItemToObject(ev, "pc", gb_hex(rip));
    cJSON_AddStringToObject(ev, "symbol", gb_sym_name(m, rip, b, sizeof b));
    cJSON_AddItemToObject(ev, "sp", gb_hex(rsp));
    cJSON_AddItemToObject(ev, "mask", gb_hex(t->sigmask));
  }
}

/* Deliver the current fault stop when the guest handles it: 1 delivered (the stop is
 * cleared), 0 not deliverable (the stop stays). M must hold the exact state. */
static int try_deliver(gb_machine *m) {
  gb_sigfault f;
  if (classify(m, &f) < 0 || !deliverable(m, f.signo)) return 0;
  return gb_signal_deliver(m, &f) == 0;
}

/* Append P to M's delivered data faults: 0 or -1. */
static int add_point(gb_machine *m, const gb_sigpoint *p) {
  gb_sigpoint *pts = realloc(m->sig.pts, ((size_t)m->sig.npts + 1) * sizeof *pts);
  if (!pts) return -1;
  m->sig.pts = pts;
  pts[m->sig.npts++] = *p;
  return 0;
}

static void twin_close(gb_machine *m) {
  gb_machine_close(m->sig.twin);
  m->sig.twin = NULL;
  m->sig.twin_pending = 0;
}

void gb_signal_free(gb_machine *m) {
  twin_close(m);
  free(m->sig.pts);
  m->sig.pts = NULL;
}

/* The twin reads M's stdin from what M read of it (emu/stdin.c keeps every byte), never
 * from the host again; it replays only what M ran, so that is always enough. */
static void twin_stdin(gb_machine *l, const gb_machine *m) {
  if (l->o.stdin_kind == GB_STDIN_NONE) return;
  l->o.stdin_kind = GB_STDIN_BYTES;
  l->o.stdin_data = m->w->fs.stdin_got;
  l->o.stdin_len = m->w->fs.stdin_len;
}

static gb_machine *twin_open(gb_machine *m) {
  gb_emu_opts o = m->o;
  o.echo = 0;        /* m has echoed the output already */
  o.exact_insns = 0; /* budgets count per block */
  o.stdin_log = NULL; /* M keeps the record of its stdin */
  o.trace_out = NULL, o.trace_keep = 0; /* M's events are the run's (gb_trace_adopt) */
  gb_emu_result res;
  memset(&res, 0, sizeof res);
  gb_machine *l;
  if (gb_machine_open(&l, m->img, m->stack, &o, &res, NULL, NULL) < 0) return NULL;
  l->res = m->res;
  l->o.timeout_s = 0; /* it replays what M ran: M's wall-clock guard is the one */
  return l;
}

/* The twin lags M: it stops before each data fault M delivered (its own, without M's
 * sites, are all in its block), steps to the instruction and delivers it as M did; the
 * faults delivered in place happen again by themselves. So one new fault replays only
 * what ran since the last one the twin located, or since the start for the first. */
gb_machine *gb_replay_to_fault(gb_machine *m) {
  if (!m->fault.in_block || !m->sched.nth) return NULL;
  gb_machine *l = m->sig.twin;
  if (l && (l->count.insns > m->fault.pt.before || l->sig.npts > m->sig.npts)) twin_close(m);
  l = m->sig.twin;
  if (!l && !(l = m->sig.twin = twin_open(m))) return NULL;
  twin_stdin(l, m); /* M may have read more since, and moved the bytes */
  if (m->sig.twin_pending) { /* stopped at the fault it located last: go on from there */
    m->sig.twin_pending = 0;
    if (!try_deliver(l)) goto diverged;
  }
  /* the twin's points: M's (the twin has consumed a prefix of them) and this one */
  gb_sigpoint *pts = realloc(l->sig.pts, ((size_t)m->sig.npts + 1) * sizeof *pts);
  if (!pts) goto diverged;
  l->sig.pts = pts;
  if (m->sig.npts) memcpy(pts, m->sig.pts, (size_t)m->sig.npts * sizeof *pts);
  pts[m->sig.npts] = m->fault.pt;
  l->sig.npts = m->sig.npts + 1;
  uint64_t user_max = m->o.max_insns;
  for (;;) {
    const gb_sigpoint *next = &l->sig.pts[l->sig.next_pt];
    l->o.max_insns = next->before;
    if (l->count.insns != next->before) gb_machine_run(l);
    if (l->count.insns == next->before && (l->stop == GB_STOP_BUDGET || l->stop == GB_STOP_NONE)) {
      if (gb_fault_step(l, next) < 0) break;
      if (++l->sig.next_pt == l->sig.npts) {
        l->o.max_insns = user_max;
        m->sig.twin_pending = 1;
        return l; /* stopped at the fault, exact */
      }
      if (!try_deliver(l)) break;
      continue;
    }
    if (l->stop == GB_STOP_FAULT && !l->fault.in_block && try_deliver(l)) continue;
    break;
  }
diverged:
  twin_close(m);
  return NULL;
}

/* The twin is closed once M has run past twice its position (and GB_TWIN_LAG_MIN more):
 * its memory is not kept for the rest of a long run, and a fault after that, replayed
 * from the start, costs at most twice what the twin would have replayed. */
#define GB_TWIN_LAG_MIN (1ULL << 26)

static uint64_t twin_kept_until(const gb_machine *m) {
  if (!m->sig.twin) return UINT64_MAX;
  uint64_t pos = m->sig.twin->count.insns, lag = pos > GB_TWIN_LAG_MIN ? pos : GB_TWIN_LAG_MIN;
  return pos + lag;
}

void gb_machine_run_signals(gb_machine **pm) {
  gb_machine *m = *pm;
  for (;;) {
    /* the budget stops M where the twin is closed; a budget stop leaves no trace */
    uint64_t user_max = m->o.max_insns, keep = twin_kept_until(m);
    if (keep < user_max) m->o.max_insns = keep;
    gb_machine_run(m);
    m->o.max_insns = user_max;
    if (m->stop == GB_STOP_BUDGET && keep < user_max) {
      twin_close(m);
      m->stop = GB_STOP_NONE;
      m->stop_msg[0] = 0;
      continue;
    }
    if (m->stop != GB_STOP_FAULT) return;
    gb_sigfault f;
    if (classify(m, &f) < 0 || !deliverable(m, f.signo)) return;
    int data = m->fault.pt.end != 0; /* a data fault: faultpc.c says where */
    if (m->fault.in_block) {
      gb_machine *l = gb_replay_to_fault(m);
      if (!l) return; /* diverged: stays a fault, located (or not) as before */
      if (gb_fault_take(m, l) < 0) {
        /* M's registers are not the replay's: go on in the replay, which has the
         * points delivered so far and this one, but no twin */
        m->sig.twin = NULL;
        m->sig.twin_pending = 0;
        l->o.echo = m->o.echo;
        l->o.timeout_s = m->o.timeout_s;
        l->o.stdin_kind = m->o.stdin_kind; /* it read what M read; the rest as M would */
        l->o.stdin_data = m->o.stdin_data;
        l->o.stdin_len = m->o.stdin_len;
        l->o.stdin_log = m->o.stdin_log;
        l->count.wall_start_ns = m->count.wall_start_ns;
        gb_trace_adopt(l, m);
        gb_machine_close(m);
        *pm = m = l;
        data = 0;
      }
    }
    /* a replay stops at each data fault delivered, exact (a site) or located */
    if (data && add_point(m, &m->fault.pt) < 0) return;
    gb_fault_settle(m);
    if (!try_deliver(m)) return;
  }
}
