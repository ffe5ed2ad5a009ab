/* machine.c — one emulated process: set up Unicorn (CPU model first: docs/unicorn.md §
 * The CPU model),
 * map the image and the stack, start the main thread as Linux leaves it, and run the
 * loop that turns hook requests (block, switch, clone, exit) into scheduler actions.
 * gb_emu_run opens, runs, reports and closes one; the probe (probe.c) opens one with its
 * own mapping of writable memory and runs it piecewise (machine.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define GB_STACK_BELOW (8ULL << 20) /* mapped under the stack image, like RLIMIT_STACK */

static cJSON *stack_strings(const gb_stack *st, const uint64_t *addrs, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < n; i++) {
    uint64_t off = addrs[i] - st->base;
    if (addrs[i] < st->base || off >= st->size) {
      cJSON_AddItemToArray(a, cJSON_CreateNull());
      continue;
    }
    const char *s = (const char *)st->bytes + off;
    size_t len = strnlen(s, st->size - off);
    char *c = strndup(s, len);
    cJSON_AddItemToArray(a, c ? cJSON_CreateString(c) : cJSON_CreateNull());
    free(c);
  }
  return a;
}

static void header(gb_machine *m) {
  cJSON *h = gb_trace_header(m);
  const gb_image *img = m->img;
  const gb_stack *st = m->stack;
  char b[64];
  cJSON_AddStringToObject(h, "goboot_version", GOBOOT_VERSION);
  gb_emu_unicorn_version(b, sizeof b);
  cJSON_AddStringToObject(h, "unicorn_version", b);
  cJSON_AddStringToObject(h, "cpu_model", GB_CPU_MODEL_NAME);
  cJSON_AddStringToObject(h, "cpu_vendor", "GenuineIntel");
  cJSON_AddStringToObject(h, "binary", img->path ? img->path : "");
  cJSON_AddStringToObject(h, "sha256", img->sha256);
  cJSON_AddStringToObject(h, "go_version", img->go_version);
  cJSON_AddItemToObject(h, "entry", gb_hex(img->entry));
  cJSON *in = cJSON_AddObjectToObject(h, "inputs");
  cJSON_AddItemToObject(in, "argv", stack_strings(st, st->arg_str, st->argc));
  cJSON_AddItemToObject(in, "envp", stack_strings(st, st->env_str, st->envc));
  cJSON *aux = cJSON_AddArrayToObject(in, "auxv");
  if (st->auxv_addr >= st->base && st->auxv_end <= st->top) {
    for (uint64_t a = st->auxv_addr; a + 16 <= st->auxv_end; a += 16) {
      uint64_t pair[2];
      memcpy(pair, st->bytes + (a - st->base), 16);
      cJSON *p = cJSON_CreateArray();
      cJSON_AddItemToArray(p, cJSON_CreateNumber((double)pair[0]));
      cJSON_AddItemToArray(p, gb_hex(pair[1]));
      cJSON_AddItemToArray(aux, p);
    }
  }
  cJSON_AddItemToObject(in, "rsp", gb_hex(st->rsp));
  cJSON_AddItemToObject(in, "stack_top", gb_hex(st->top));
  if (st->random_addr >= st->base && st->random_addr + 16 <= st->top) {
    char hex[33];
    for (int i = 0; i < 16; i++)
      snprintf(hex + 2 * i, 3, "%02x", st->bytes[st->random_addr - st->base + (uint64_t)i]);
    cJSON_AddStringToObject(in, "at_random", hex);
  }
  cJSON_AddItemToObject(in, "seed", gb_hex(m->o.seed));
  cJSON *lim = cJSON_AddObjectToObject(h, "limits");
  cJSON_AddStringToObject(lim, "until", m->o.until ? m->o.until : "exit");
  cJSON_AddNumberToObject(lim, "max_insns", (double)m->o.max_insns);
  cJSON_AddItemToObject(lim, "max_mem", gb_hex(m->o.max_mem));
  cJSON_AddNumberToObject(lim, "timeout_s", m->o.timeout_s);
  cJSON_AddNumberToObject(lim, "quantum_blocks", m->o.quantum);
  cJSON_AddNumberToObject(lim, "ncpu", m->o.ncpu);
  cJSON_AddBoolToObject(lim, "tls_all", m->o.tls_all);
  if (m->o.max_procs) cJSON_AddNumberToObject(lim, "max_procs", m->o.max_procs); /* --max-procs */
  cJSON *vfs = cJSON_AddObjectToObject(h, "vfs");
  cJSON_AddNumberToObject(vfs, "cgroup_version", m->o.vfs.cgroup_version);
  cJSON_AddNumberToObject(vfs, "cpu_quota_us", (double)m->o.vfs.cpu_quota_us);
  cJSON_AddNumberToObject(vfs, "cpu_period_us", (double)m->o.vfs.cpu_period_us);
  cJSON_AddBoolToObject(vfs, "mountinfo", m->o.vfs.mountinfo);
  if (m->o.vfs.max_fs) cJSON_AddNumberToObject(vfs, "max_fs", (double)m->o.vfs.max_fs); /* --max-fs */
  if (m->o.vfs.cwd) cJSON_AddStringToObject(vfs, "cwd", m->o.vfs.cwd);                 /* --cwd */
  cJSON_AddStringToObject(h, "signals", m->o.no_preempt ? "faults and sent signals delivered to the guest's handlers; SIGURG preemption suppressed (--no-preempt)" : "faults and sent signals delivered to the guest's handlers, SIGURG preemption too");
}

static int map_default(void *ctx, gb_machine *m, uint64_t start, uint64_t end, uint32_t prot,
                       char tag) {
  (void)ctx;
  return gb_mm_map_fixed(m, start, end, prot, tag);
}

int gb_machine_load(gb_machine *m, gb_map_fn map, void *map_ctx, char *err, size_t errlen) {
  const gb_image *img = m->img;
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    if (s->map_end <= s->map_start) continue;
    uint32_t p = 0;
    if (s->prot & GB_PROT_R) p |= UC_PROT_READ;
    if (s->prot & GB_PROT_W) p |= UC_PROT_WRITE;
    if (s->prot & GB_PROT_X) p |= UC_PROT_EXEC;
    if (map(map_ctx, m, s->map_start, s->map_end, p, 'i') < 0) {
      snprintf(err, errlen, "cannot map segment %d at 0x%llx", i, (unsigned long long)s->map_start);
      return -1;
    }
  }
  for (int i = 0; i < img->nseg; i++) { /* docs/unicorn.md § uc_mem_write ignores protections */
    const gb_segment *s = &img->seg[i];
    if (s->filesz && uc_mem_write(m->uc, s->vaddr, img->bytes + s->offset, s->filesz) != UC_ERR_OK) {
      snprintf(err, errlen, "cannot fill segment %d", i);
      return -1;
    }
  }
  m->mm.brk_start = m->mm.brk_cur = GB_PAGE_UP(img->hi);
  const gb_stack *st = m->stack;
  uint64_t lo = st->base - GB_STACK_BELOW;
  if (st->base < GB_STACK_BELOW || map(map_ctx, m, lo, GB_PAGE_UP(st->top), UC_PROT_READ | UC_PROT_WRITE, 's') < 0 ||
      uc_mem_write(m->uc, st->base, st->bytes, st->size) != UC_ERR_OK) {
    snprintf(err, errlen, "cannot map the stack [0x%llx, 0x%llx)", (unsigned long long)lo,
             (unsigned long long)st->top);
    return -1;
  }
  if (gb_vsyscall_install(m) < 0) {
    snprintf(err, errlen, "cannot map the vsyscall page");
    return -1;
  }
  return 0;
}

int gb_machine_start_main(gb_machine *m) {
  static const int zero[] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
                             UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_R8,
                             UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,
                             UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15, UC_X86_REG_FS_BASE,
                             UC_X86_REG_GS_BASE};
  for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) gb_set_reg(m, zero[i], 0);
  gb_set_reg(m, UC_X86_REG_RSP, m->stack->rsp);
  gb_set_reg(m, UC_X86_REG_EFLAGS, 0x202); /* IF and the always-one bit, as execve leaves it */
  gb_set_reg(m, UC_X86_REG_RIP, m->img->entry);
  gb_thread *t = gb_thread_new(m);
  if (!t) return -1;
  t->runs = 1;
  m->sched.cur = 0;
  return 0;
}

/* The run loop of the world FIRST opened: the running process (world.h) takes the
 * next slice; the run ends when the first process stops (proc.h). */
void gb_machine_run(gb_machine *first) {
  int idle = 0;
  gb_world *w = first->w;
  while (first->stop == GB_STOP_NONE) {
    gb_machine *m = w->procs[w->cur];
    gb_host_signal_check(first);
    if (first->stop != GB_STOP_NONE) break;
    gb_thread *t = gb_cur(m);
    if ((t->pend.set | m->sig.shared.set) & ~t->sigmask || t->sig_suspended) {
      gb_signal_run_pending(m); /* sigsend.c: the deterministic delivery point */
      if (m->stop != GB_STOP_NONE) {
        if (m == first) break;
        gb_proc_stopped(m); /* killed by a default action: a zombie; another process runs */
        continue;
      }
    }
    uint64_t pc = gb_reg(m, UC_X86_REG_RIP);
    m->count.quantum_stop = m->count.spin_stop = 0;
    m->sched.pending = PEND_NONE;
    gb_count_settle(m); /* the budget may have moved, or a run outside this loop armed it */
    uc_err err = uc_emu_start(m->uc, pc, GB_NO_EXIT, 0, 0);
    gb_count_settle(m); /* blocks and slice exact for the scheduler and the trace */
    if (!m->count.spin_stop) m->count.spin_yields = 0; /* a slice ended otherwise */
    if (m->count.quantum_stop && gb_reg(m, UC_X86_REG_RIP) != m->count.quantum_pc)
      gb_set_reg(m, UC_X86_REG_RIP, m->count.quantum_pc); /* docs/unicorn.md § Stale RIP after a block-hook stop */
    if (err != UC_ERR_OK && m->stop == GB_STOP_NONE) gb_fault_stop(m, err);
    if (m->stop != GB_STOP_NONE) {
      if (m == first) break;
      gb_proc_stopped(m); /* a zombie (or the run's stop); another process runs */
      continue;
    }
    if (first->stop != GB_STOP_NONE) break; /* a later process stopped the run */
    switch (m->sched.pending) {
    case PEND_CLONE:
      if (m->sched.clone_stops) gb_stop(m, GB_STOP_UNSUPPORTED, "the probe does not run clone()");
      else gb_sched_clone(m);
      break;
    case PEND_FORK:
      if (m->sched.clone_stops) gb_stop(m, GB_STOP_UNSUPPORTED, "the probe does not run fork()");
      else gb_proc_fork(m);
      break;
    case PEND_EXEC: gb_exec_commit(m); break;
    case PEND_SWITCH:
    case PEND_BLOCK:
    case PEND_EXIT_THREAD: gb_proc_sched(m); break;
    case PEND_STOP: break;
    case PEND_SIGRETURN: gb_signal_sigreturn(m); break;
    case PEND_NONE:
      if (m->count.quantum_stop) gb_proc_sched(m);
      else if (++idle > 1000)
        gb_stop(m, GB_STOP_ERROR, "emulation keeps returning with nothing to do at 0x%llx",
                (unsigned long long)gb_reg(m, UC_X86_REG_RIP));
      break;
    }
  }
}

static void finish(gb_machine *m, gb_emu_result *res) {
  char b[200];
  uint64_t pc = gb_reg(m, UC_X86_REG_RIP);
  res->stop = m->stop;
  res->exit_code = m->exit_code;
  res->insns = m->count.insns;
  res->pc = pc;
  snprintf(res->message, sizeof res->message, "%s", m->stop_msg);
  if (!m->watch.boot_state_done) cJSON_AddNullToObject(m->w->trace.root, "boot_state");
  cJSON *s = cJSON_AddObjectToObject(m->w->trace.root, "stop");
  cJSON_AddStringToObject(s, "reason", gb_stop_name(m->stop));
  cJSON_AddStringToObject(s, "message", m->stop_msg);
  cJSON_AddNumberToObject(s, "exit_code", gb_stop_exit_code(m->stop, m->exit_code));
  if (m->stop == GB_STOP_EXIT) cJSON_AddNumberToObject(s, "guest_exit_code", m->exit_code);
  cJSON_AddNumberToObject(s, "i", (double)m->count.insns);
  cJSON_AddNumberToObject(s, "tid", m->sched.nth ? gb_cur(m)->tid : 0);
  cJSON_AddItemToObject(s, "pc", gb_hex(pc));
  cJSON_AddStringToObject(s, "symbol", gb_sym_name(m, pc, b, sizeof b));
  if (m->stop == GB_STOP_FAULT || m->stop == GB_STOP_UNSUPPORTED || m->stop == GB_STOP_ERROR)
    cJSON_AddItemToObject(s, "registers", gb_regs_json(m));
  gb_trace_finish(m);
  res->trace = m->w->trace.root;
  res->milestones = m->w->trace.milestones;
  res->trace_error = m->w->trace.io_error;
  m->w->trace.root = m->w->trace.milestones = m->w->trace.events = NULL;
}

void gb_machine_close(gb_machine *m) {
  if (!m) return;
  if (m->fault.loc_ctx) uc_context_free(m->fault.loc_ctx);
  gb_signal_free(m); /* the twin too */
  gb_sched_free(m);
  gb_fds_free(m);
  gb_mm_free(m);
  gb_hooks_free(m);
  if (m->own_img) gb_image_free(m->own_img), free(m->own_img);
  if (m->own_stack) gb_stack_free(m->own_stack), free(m->own_stack);
  if (m->w && m->w->procs[0] == m) gb_world_free(m); /* the first process owns the world */
  if (m->uc) uc_close(m->uc);
  free(m);
}

int gb_machine_open(gb_machine **out, const gb_image *img, const gb_stack *stack,
                    const gb_emu_opts *opts, gb_emu_result *res, gb_map_fn map, void *map_ctx) {
  *out = NULL;
  gb_machine *m = calloc(1, sizeof *m);
  if (!m) {
    snprintf(res->message, sizeof res->message, "out of host memory");
    return -1;
  }
  gb_emu_opts_default(&m->o);
  if (opts) m->o = *opts;
  gb_emu_opts d;
  gb_emu_opts_default(&d);
  if (!m->o.max_insns) m->o.max_insns = d.max_insns;
  if (!m->o.max_mem) m->o.max_mem = d.max_mem;
  if (m->o.timeout_s <= 0) m->o.timeout_s = d.timeout_s;
  if (!m->o.quantum) m->o.quantum = d.quantum;
  if (m->o.quantum < GB_EMU_MIN_QUANTUM) m->o.quantum = GB_EMU_MIN_QUANTUM;
  if (m->o.ncpu < 1) m->o.ncpu = 1;
  if (!m->o.until) m->o.until = "exit";
  m->img = img;
  m->stack = stack;
  m->res = res;
  char err[256] = "";
  uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &m->uc);
  if (e != UC_ERR_OK) {
    snprintf(res->message, sizeof res->message, "uc_open: %s", uc_strerror(e));
    m->uc = NULL;
    goto fail;
  }
  /* before any other call: the engine is built lazily and then refuses a model */
  if ((e = uc_ctl_set_cpu_model(m->uc, GB_CPU_MODEL)) != UC_ERR_OK) {
    snprintf(res->message, sizeof res->message, "cannot set CPU model %s: %s", GB_CPU_MODEL_NAME,
             uc_strerror(e));
    goto fail;
  }
  if (gb_world_new(m) < 0) {
    snprintf(res->message, sizeof res->message, "out of host memory");
    goto fail;
  }
  gb_trace_init(m);
  gb_mm_init(m);
  gb_fds_init(m);
  header(m);
  if (gb_machine_load(m, map ? map : map_default, map_ctx, err, sizeof err) < 0 ||
      gb_machine_start_main(m) < 0) {
    snprintf(res->message, sizeof res->message, "%s", err[0] ? err : "cannot start the main thread");
    goto fail;
  }
  int hr = gb_hooks_install(m);
  if (hr == -3) {
    snprintf(res->message, sizeof res->message, "--until %s: no such symbol in %s", m->o.until,
             img->path ? img->path : "the binary");
    gb_machine_close(m);
    return -2;
  }
  if (hr < 0 || gb_vclock_install(m) < 0) {
    snprintf(res->message, sizeof res->message, "cannot install hooks");
    goto fail;
  }
  *out = m;
  return 0;
fail:
  gb_machine_close(m);
  return -1;
}

int gb_emu_run(const gb_image *img, const gb_stack *stack, const gb_emu_opts *opts,
               gb_emu_result *res) {
  memset(res, 0, sizeof *res);
  gb_machine *m;
  int r = gb_machine_open(&m, img, stack, opts, res, NULL, NULL);
  if (r < 0) {
    res->stop = GB_STOP_ERROR;
    return r;
  }
  gb_machine_run_signals(&m); /* may go on in a replayed machine (signal.c) */
  if (m->stop == GB_STOP_FAULT) gb_fault_locate(m);
  finish(m, res);
  if (opts->export_guest &&
      gb_fs_export(m, opts->export_guest, &res->exported, &res->nexported) == -ENOENT_LINUX)
    res->nexported = -1;
  gb_machine_close(m);
  return 0;
}

void gb_emu_result_free(gb_emu_result *res) {
  cJSON_Delete(res->trace);
  cJSON_Delete(res->milestones);
  res->trace = res->milestones = NULL;
  for (int i = 0; i < res->nexported; i++) free(res->exported[i].path), free(res->exported[i].data);
  free(res->exported);
  res->exported = NULL;
  res->nexported = 0;
}
