/* mem.c — the four functions a freestanding GCC/Clang build may still call
 * (struct copies and zeroing). Only goboot-rtc links this; the host uses libc's.
 * Volatile stores: the compiler must not turn these loops back into calls to themselves. */
#include <stddef.h>

void *memset(void *d, int c, size_t n) {
  volatile unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  volatile unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void *memmove(void *d, const void *s, size_t n) {
  volatile unsigned char *p = d;
  const unsigned char *q = s;
  if (p < q) while (n--) *p++ = *q++;
  else while (n--) p[n] = q[n];
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}
