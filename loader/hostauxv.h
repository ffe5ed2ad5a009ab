/* hostauxv.h — the host kernel's own auxv, for goboot's mimic-host mode.
 *
 * Offers gb_host_auxv_read() (the raw pairs of /proc/self/auxv) and
 * gb_auxv_defaults_host(), which builds a guest vector with exactly the host's tags
 * in the host's order, so a guest sees what this kernel would give it: an older
 * kernel without AT_MINSIGSTKSZ or AT_RSEQ_* gives a vector without them.
 * gb_auxv_env_from_host() (stack.h) is implemented here too. */
#ifndef GOBOOT_LOADER_HOSTAUXV_H
#define GOBOOT_LOADER_HOSTAUXV_H

#include <stddef.h>
#include <stdint.h>
#include "stack.h"

/* Read /proc/self/auxv into WORDS (tag, value, ..., AT_NULL, 0). *NWORDS receives the
 * number of words up to and including the AT_NULL pair. Returns 0, or -1 (errno set)
 * if the file cannot be read or holds no AT_NULL within MAX words. */
int gb_host_auxv_read(uint64_t *words, size_t max, size_t *nwords);

/* Like gb_auxv_defaults() but with the tag list of HOST (words as read above).
 * Values: image facts from IMG (AT_PHDR, AT_PHNUM, AT_ENTRY), AT_PHENT 56 and
 * AT_BASE 0 as for any static binary, addresses filled by the builder (AT_RANDOM,
 * AT_EXECFN, AT_PLATFORM), the vDSO from ENV (dropped when 0), the other known
 * tags from ENV, unknown tags copied from HOST (GB_AUXV_TAGS' source column, auxv.h).
 * What only describes how the host process itself was started is not passed on: its
 * AT_EXECFD and AT_BASE_PLATFORM are left out, and AT_FLAGS is 0 as for any directly
 * executed binary. */
void gb_auxv_defaults_host(gb_stack_spec *spec, const gb_image *img, const gb_auxv_env *env,
                           const uint64_t *host, size_t nwords);

#endif
