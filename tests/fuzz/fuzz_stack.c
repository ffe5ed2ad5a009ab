/* fuzz_stack.c — libFuzzer harness: arbitrary argv/envp/auxv specifications into the
 * stack builder. A spec may be refused; an accepted one must give an image whose every
 * part is where the builder says, inside the image, with RSP 16-byte aligned at argc. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"

typedef struct reader { const uint8_t *p; size_t n; } reader;

static uint8_t byte(reader *r) {
  if (!r->n) return 0;
  r->n--;
  return *r->p++;
}
static uint64_t word(reader *r) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)byte(r) << (8 * i);
  return v;
}
/* A NUL-terminated string of up to 255 bytes taken from the input. */
static char *str(reader *r) {
  size_t len = byte(r);
  if (len > r->n) len = r->n;
  char *s = malloc(len + 1);
  memcpy(s, r->p, len);
  s[len] = 0;
  r->p += len;
  r->n -= len;
  return s;
}

static const uint8_t *at(const gb_stack *st, uint64_t addr, size_t n) {
  if (addr < st->base || addr > st->base + st->size || n > st->base + st->size - addr) abort();
  return st->bytes + (addr - st->base);
}
static uint64_t load64(const gb_stack *st, uint64_t addr) {
  uint64_t v;
  memcpy(&v, at(st, addr, 8), 8);
  return v;
}
static void check_str(const gb_stack *st, uint64_t addr, const char *want) {
  size_t n = strlen(want) + 1;
  if (memcmp(at(st, addr, n), want, n) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {data, size};
  static gb_stack_spec spec; /* large: keep it off the stack */
  memset(&spec, 0, sizeof spec);
  int argc = byte(&r) % 12, envc = byte(&r) % 12, flags = byte(&r);
  char *argv[12], *envp[12];
  for (int i = 0; i < argc; i++) argv[i] = str(&r);
  for (int i = 0; i < envc; i++) envp[i] = str(&r);
  spec.argv = (const char *const *)argv;
  spec.argc = argc;
  spec.envp = (const char *const *)envp;
  spec.envc = envc;
  char *execfn = (flags & 1) ? str(&r) : NULL;
  spec.execfn = execfn;
  for (int i = 0; i < 16; i++) spec.random[i] = byte(&r);
  if (flags & 2) spec.stack_top = (word(&r) & 0x7ffffffff000ULL);
  spec.align_shift = (flags & 4) ? byte(&r) * 32u : 0;
  spec.no_at_null = (flags & 8) != 0;
  uint64_t raw[64];
  if (flags & 16) {
    spec.nraw = byte(&r) % 64;
    for (size_t i = 0; i < spec.nraw; i++) raw[i] = word(&r);
    spec.raw_words = raw;
  } else {
    spec.nauxv = byte(&r) % 48;
    for (int i = 0; i < spec.nauxv; i++) {
      uint8_t t = byte(&r);
      spec.auxv[i].tag = t & 63;
      spec.auxv[i].fill = (t & 64) != 0;
      spec.auxv[i].val = word(&r);
    }
  }

  gb_stack st;
  char err[256];
  if (gb_stack_build(&spec, &st, err, sizeof err) == 0) {
    if (st.rsp & 15 || st.rsp < st.base || st.rsp >= st.top || st.top - st.base != st.size) abort();
    if ((int64_t)load64(&st, st.rsp) != st.argc) abort();
    if (st.argv_addr != st.rsp + 8 || st.envp_addr != st.argv_addr + 8 * (uint64_t)(st.argc + 1))
      abort();
    for (int i = 0; i < st.argc; i++) {
      if (load64(&st, st.argv_addr + 8 * (uint64_t)i) != st.arg_str[i]) abort();
      check_str(&st, st.arg_str[i], argc ? argv[i] : "");
    }
    if (load64(&st, st.argv_addr + 8 * (uint64_t)st.argc) != 0) abort();
    for (int i = 0; i < envc; i++) {
      if (load64(&st, st.envp_addr + 8 * (uint64_t)i) != st.env_str[i]) abort();
      check_str(&st, st.env_str[i], envp[i]);
    }
    if (st.auxv_addr != st.envp_addr + 8 * (uint64_t)(envc + 1)) abort();
    if (memcmp(at(&st, st.random_addr, 16), spec.random, 16) != 0) abort();
    if (st.auxv_end > st.random_addr || load64(&st, st.top - 8) != 0) abort();
    gb_stack_free(&st);
  }
  for (int i = 0; i < argc; i++) free(argv[i]);
  for (int i = 0; i < envc; i++) free(envp[i]);
  free(execfn);
  return 0;
}
