/* export.h — --export GUEST:HOSTDIR (export.c): after the run, what the guest made below
 * its directory GUEST (gb_emu_result.exported) is written into HOSTDIR, a directory made
 * for it (it must not exist). gb_export_parse checks the spec before the run (0, or -1
 * with "goboot WHO: ..." printed); gb_export_write makes the host copy (0 or -1, said). */
#ifndef GOBOOT_CLI_EXPORT_H
#define GOBOOT_CLI_EXPORT_H

#include "emu.h"

typedef struct gb_export { char guest[4096], host[4096]; } gb_export;

int gb_export_parse(gb_export *x, const char *spec, const char *who);
int gb_export_write(const gb_export *x, const gb_mount_ent *ents, int n, const char *who);

#endif
