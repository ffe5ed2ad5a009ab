/* test_sha256.c — loader/sha256.c against the examples of FIPS 180-4 (their digests
 * are the standard's, not this code's), and its two implementations (SHA extensions,
 * plain C) against each other on every length around the block and padding
 * boundaries and on the bytes of a real binary. sha256sum's digest of files goboot
 * reads is checked elsewhere (elf.cli_errors, emu.selfexe).
 * usage: test_sha256 FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static int fails;

static void expect(const char *what, const void *data, size_t len, const char *want) {
  char got[65], plain[65];
  gb_sha256_hex(data, len, got);
  gb_sha256_hex_portable(data, len, plain);
  if (strcmp(got, want) || strcmp(plain, want)) {
    printf("FAIL %s: %s (plain C %s), want %s\n", what, got, plain, want);
    fails++;
  } else
    printf("ok   %s\n", what);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_sha256 FILE\n");
    return 2;
  }
  /* FIPS 180-4's examples (NIST CSRC "Examples with intermediate values", SHA-256). */
  expect("\"abc\"", "abc", 3,
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  expect("\"\"", "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  expect("448-bit message", two, strlen(two),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  size_t mil = 1000000;
  char *a = malloc(mil);
  if (!a) return 1;
  memset(a, 'a', mil);
  expect("a million 'a'", a, mil,
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  /* Both implementations, every length 0..300 (one, two and three padding blocks)
   * over bytes that are not all alike. */
  unsigned char buf[300];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 131 + 7);
  int shani = 0, differ = 0;
  for (size_t n = 0; n <= sizeof buf; n++) {
    char x[65], y[65];
    gb_sha256_hex(buf, n, x);
    shani = gb_sha256_hex_portable(buf, n, y);
    if (strcmp(x, y) && differ++ < 5) printf("FAIL length %zu: %s vs plain C %s\n", n, x, y);
  }
  fails += differ > 0;
  printf("%s lengths 0..300: %s and plain C agree\n", differ ? "FAIL" : "ok  ",
         shani ? "SHA extensions" : "plain C (no SHA extensions on this CPU)");

  FILE *f = fopen(argv[1], "rb");
  size_t len = 0, cap = 1 << 20;
  unsigned char *b = malloc(cap);
  for (size_t got; f && b && (got = fread(b + len, 1, cap - len, f)) > 0;) {
    len += got;
    if (len == cap) b = realloc(b, cap *= 2);
  }
  if (f) fclose(f);
  if (!b || !len) {
    printf("FAIL cannot read %s\n", argv[1]);
    return 1;
  }
  char x[65], y[65];
  gb_sha256_hex(b, len, x);
  gb_sha256_hex_portable(b, len, y);
  if (strcmp(x, y)) {
    printf("FAIL %s (%zu bytes): %s vs plain C %s\n", argv[1], len, x, y);
    fails++;
  } else
    printf("ok   %s (%zu bytes): %s\n", argv[1], len, x);
  free(a);
  free(b);
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
