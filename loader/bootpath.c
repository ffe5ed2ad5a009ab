/* bootpath.c — the boot-path table (see bootpath.h). */
#include "bootpath.h"

const gb_boot_step gb_boot_path[] = {
  {"_rt0_amd64_linux", 0},
  {"_rt0_amd64", 1},        /* shared stub since Go 1.10 */
  {"runtime.rt0_go", 0},
  {"runtime.check", 0},
  {"runtime.args", 0},
  {"runtime.osinit", 0},
  {"runtime.schedinit", 0},
  {"runtime.newproc", 0},
  {"runtime.mstart", 0},
  {"runtime.mstart0", 1},   /* Go 1.17+: the Go half of mstart */
  {"runtime.schedule", 0},
  {"runtime.main", 0},
  {"main.main", 0},
};

const int gb_boot_path_len = sizeof gb_boot_path / sizeof gb_boot_path[0];
