/* sha256.h — SHA-256 of a byte range as 64 hex digits, with the CPU's SHA extensions
 * when it has them (hashing a 2 MB binary then takes about a millisecond), else in
 * plain C. No library: see sha256.c. */
#ifndef GOBOOT_LOADER_SHA256_H
#define GOBOOT_LOADER_SHA256_H

#include <stddef.h>

void gb_sha256_hex(const void *data, size_t len, char out[65]);
/* The same digest by the plain C rounds whatever the CPU, for tests that hold one
 * implementation against the other. Returns 1 when gb_sha256_hex uses the SHA
 * extensions on this CPU (so the two differ in code), 0 otherwise. */
int gb_sha256_hex_portable(const void *data, size_t len, char out[65]);

#endif
