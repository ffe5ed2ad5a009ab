/* sha256.h — SHA-256 of a byte range as 64 hex digits (OpenSSL's libcrypto, which uses
 * the CPU's SHA extensions: hashing a 2 MB binary costs well under a millisecond). */
#ifndef GOBOOT_LOADER_SHA256_H
#define GOBOOT_LOADER_SHA256_H

#include <stddef.h>

void gb_sha256_hex(const void *data, size_t len, char out[65]);

#endif
