/* stop.c — stop reasons: their names and the CLI exit codes (docs/HELPERS-CONTRACT.md);
 * the default run options (gb_emu_opts_default). */
#include "emu.h"

const char *gb_stop_name(gb_stop_kind k) {
  switch (k) {
  case GB_STOP_NONE: return "none";
  case GB_STOP_EXIT: return "exit";
  case GB_STOP_UNTIL: return "until";
  case GB_STOP_FAULT: return "fault";
  case GB_STOP_BUDGET: return "budget";
  case GB_STOP_MEMORY: return "memory";
  case GB_STOP_WALL: return "wall";
  case GB_STOP_UNSUPPORTED: return "unsupported";
  case GB_STOP_DEADLOCK: return "deadlock";
  case GB_STOP_ERROR: return "error";
  case GB_STOP_PROCS: return "procs";
  case GB_STOP_HOST_SIGNAL: return "host_signal";
  }
  return "?";
}

int gb_stop_exit_code(gb_stop_kind k, int guest_code) {
  switch (k) {
  case GB_STOP_EXIT: return guest_code;
  case GB_STOP_UNTIL: return 0;
  case GB_STOP_FAULT: return 80;
  case GB_STOP_BUDGET: return 81;
  case GB_STOP_MEMORY: return 82;
  case GB_STOP_WALL: return 83;
  case GB_STOP_UNSUPPORTED: return 84;
  case GB_STOP_DEADLOCK: return 85;
  case GB_STOP_PROCS: return 87;
  case GB_STOP_HOST_SIGNAL: return 88;
  default: return 86;
  }
}

void gb_emu_opts_default(gb_emu_opts *o) {
  *o = (gb_emu_opts){0};
  o->until = "exit";
  o->max_insns = GB_EMU_DEFAULT_MAX_INSNS;
  o->max_mem = GB_EMU_DEFAULT_MAX_MEM;
  o->timeout_s = GB_EMU_DEFAULT_TIMEOUT;
  o->seed = 1;
  o->ncpu = 1;
  o->quantum = GB_EMU_DEFAULT_QUANTUM;
  o->echo = 1;
  o->vfs.cpu_quota_us = -1;
  o->vfs.cpu_period_us = 100000;
}
