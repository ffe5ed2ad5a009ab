/* runopts.c — see runopts.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "mounts.h"
#include "runopts.h"

/* A count: decimal or a float such as 2e10, else an integer in C syntax (0x...). */
static int parse_num(const char *s, uint64_t *v) {
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (errno || end == s || *end || d < 0 || d > 1.8e19) {
    errno = 0;
    unsigned long long u = strtoull(s, &end, 0);
    if (errno || end == s || *end) return -1;
    *v = u;
    return 0;
  }
  *v = (uint64_t)d;
  return 0;
}

void gb_runopts_stdin_default(gb_emu_opts *o) {
  o->stdin_kind = GB_STDIN_FD;
  o->stdin_fd = 0;
}

static const char *option_name(int opt) {
  static const struct option opts[] = {GB_RUN_LONGOPTS};
  for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
    if (opts[i].val == opt) return opts[i].name;
  return "?";
}

int gb_runopts_option(gb_emu_opts *o, int opt, const char *arg, const char *who) {
  uint64_t v = 0;
  int bad = 0;
  char *end;
  switch (opt) {
  case GB_OPT_UNTIL: o->until = arg; break;
  case GB_OPT_MAX_INSNS: bad = parse_num(arg, &o->max_insns) || !o->max_insns; break;
  case GB_OPT_MAX_MEM: bad = parse_num(arg, &o->max_mem) || !o->max_mem; break;
  case GB_OPT_TIMEOUT:
    o->timeout_s = strtod(arg, &end);
    bad = *end || !(o->timeout_s > 0);
    break;
  case GB_OPT_QUANTUM:
    /* 1 would preempt every thread before its first block: nothing would ever run */
    bad = parse_num(arg, &v) || v < GB_EMU_MIN_QUANTUM || v > 1000000000;
    o->quantum = (uint32_t)v;
    break;
  case GB_OPT_NCPU:
    bad = parse_num(arg, &v) || !v || v > 64;
    o->ncpu = (int)v;
    break;
  case GB_OPT_TLS_ALL: o->tls_all = 1; break;
  case GB_OPT_CGROUP:
    bad = strcmp(arg, "1") && strcmp(arg, "2");
    o->vfs.cgroup_version = arg[0] - '0';
    break;
  case GB_OPT_CPU_QUOTA:
    bad = parse_num(arg, &v) || v > INT64_MAX;
    o->vfs.cpu_quota_us = (int64_t)v;
    break;
  case GB_OPT_CPU_PERIOD:
    bad = parse_num(arg, &v) || !v || v > INT64_MAX;
    o->vfs.cpu_period_us = (int64_t)v;
    break;
  case GB_OPT_MOUNTINFO: o->vfs.mountinfo = 1; break;
  case GB_OPT_STDIN:
    if (!strcmp(arg, "none")) {
      o->stdin_kind = GB_STDIN_NONE;
    } else if (!strcmp(arg, "-")) {
      o->stdin_kind = GB_STDIN_FD, o->stdin_fd = 0;
    } else { /* the one host file the guest reads: the user named it; read-only */
      int fd = open(arg, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        fprintf(stderr, "goboot %s: --stdin %s: %s\n", who, arg, strerror(errno));
        return -1;
      }
      o->stdin_kind = GB_STDIN_FD, o->stdin_fd = fd;
    }
    break;
  case GB_OPT_CWD:
    bad = arg[0] != '/' || strlen(arg) >= 4096;
    o->vfs.cwd = arg;
    break;
  case GB_OPT_MOUNT:
    if (gb_mounts_add(o, arg, who) < 0) return -1;
    break;
  case GB_OPT_MAX_FS: bad = parse_num(arg, &o->vfs.max_fs) || !o->vfs.max_fs; break;
  case GB_OPT_EXACT: o->exact_insns = 1; break;
  case GB_OPT_MAX_PROCS: {
    uint64_t n = 0;
    bad = parse_num(arg, &n) || n < 1 || n > 4096;
    o->max_procs = (int)n;
    break;
  }
  case GB_OPT_NO_PREEMPT: o->no_preempt = 1; break;
  default: return 0;
  }
  if (bad) {
    fprintf(stderr, "goboot %s: bad value '%s' for --%s (see 'goboot %s --help')\n", who, arg,
            option_name(opt), who);
    return -1;
  }
  return 1;
}

int gb_guest_prepare(const char *who, const char *path, gb_inputs *in, gb_image *img,
                     gb_stack *st) {
  char err[512];
  gb_status s = gb_image_load(img, path, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot %s: %s\n", who, err);
    return (int)s;
  }
  if (!img->is_go) {
    fprintf(stderr, "goboot %s: %s is not a Go binary (%s); goboot boots Go programs only\n",
            who, path, img->note[0] ? img->note : "no Go pclntab found");
    gb_image_free(img);
    return GB_E_UNSUPPORTED;
  }
  gb_inputs_option(in, GB_OPT_VDSO, "0");
  if (gb_inputs_build(in, img, st, err, sizeof err)) {
    fprintf(stderr, "goboot %s: %s\n", who, err);
    gb_image_free(img);
    return GB_E_USAGE;
  }
  return 0;
}

/* The one piece of process-wide state a signal handler needs: which host signal came.
 * Only the handler writes it; emu/ reads it through o->host_signal (never Unicorn from
 * a handler: uc_emu_stop is not async-signal-safe), at its wall-clock checks. */
static volatile sig_atomic_t host_signal;

static void on_host_signal(int s) { host_signal = s; }

void gb_runopts_host_signals(gb_emu_opts *o) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_host_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  o->host_signal = &host_signal;
}
