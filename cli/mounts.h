/* mounts.h — --mount HOST:GUEST (mounts.c): the host tree at HOST listed into the run
 * options' read-only mount list (gb_emu_opts.mounts) under the absolute guest path
 * GUEST; a regular file's bytes are read by gb_mounts_read (the options' mount_read)
 * when the guest first opens it, and kept in its entry for the recording.
 * gb_mounts_add returns 0, or -1 with a message "goboot WHO: ..." printed;
 * gb_mounts_free releases the list (the entries are owned by the options). */
#ifndef GOBOOT_CLI_MOUNTS_H
#define GOBOOT_CLI_MOUNTS_H

#include "emu.h"

int gb_mounts_add(gb_emu_opts *o, const char *spec, const char *who);
int gb_mounts_read(void *ctx, int i, const unsigned char **data, size_t *len);
void gb_mounts_free(gb_emu_opts *o);

#endif
