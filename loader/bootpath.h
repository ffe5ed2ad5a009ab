/* bootpath.h — the functions of the Go boot path on linux/amd64, in the order rt0_go
 * reaches them (docs/go-boot-facts.md § The boot path). Names are the plain ones;
 * gb_sym_find() also
 * finds their Go 1.17+ ".abi0" wrappers. Shared by `inspect` and the emulator's
 * milestone probes so both always speak of the same steps. */
#ifndef GOBOOT_LOADER_BOOTPATH_H
#define GOBOOT_LOADER_BOOTPATH_H

typedef struct gb_boot_step {
  const char *name;     /* symbol */
  int optional;         /* absent in some versions (e.g. mstart0 before 1.17) */
} gb_boot_step;

extern const gb_boot_step gb_boot_path[];
extern const int gb_boot_path_len;

#endif
