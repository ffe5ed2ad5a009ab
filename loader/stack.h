/* stack.h — the Linux x86-64 initial process stack, built as create_elf_tables does.
 *
 * Offers: a default kernel-ordered auxv for an image (gb_auxv_defaults), edits on it,
 * a mimic-host variant that takes the host kernel's values, and gb_stack_build(): the
 * exact byte image of [base, top) plus the entry RSP and where every part sits.
 * Pure function of its inputs: no Unicorn, no randomness except what the spec gives. */
#ifndef GOBOOT_LOADER_STACK_H
#define GOBOOT_LOADER_STACK_H

#include <stddef.h>
#include <stdint.h>
#include "auxv.h"
#include "image.h"

/* One auxv entry. When `fill` is set the builder writes the address it placed the
 * matching object at (AT_RANDOM → the 16 bytes, AT_EXECFN → the filename string,
 * AT_PLATFORM → "x86_64") instead of `val`. */
typedef struct gb_auxv_ent {
  uint64_t tag, val;
  int fill;
} gb_auxv_ent;

#define GB_AUXV_MAX 256

typedef struct gb_stack_spec {
  const char *const *argv; int argc;
  const char *const *envp; int envc;
  const char *execfn;      /* AT_EXECFN string; NULL → argv[0] (or "" if argc == 0) */
  const char *platform;    /* NULL → "x86_64" */
  uint8_t random[16];      /* the AT_RANDOM bytes */
  uint64_t stack_top;      /* exclusive top, page-aligned; 0 → GB_STACK_TOP_DEFAULT */
  uint64_t align_shift;    /* bytes the kernel's randomisation would subtract (0 = none) */
  gb_auxv_ent auxv[GB_AUXV_MAX]; /* the vector in order, AT_NULL NOT included */
  int nauxv;
  int no_at_null;          /* fuzzing: do not append the AT_NULL pair */
  /* Raw mode: when raw_words != NULL these words replace the whole auxv area verbatim
   * (no AT_NULL appended; `auxv` is then ignored). */
  const uint64_t *raw_words; size_t nraw;
} gb_stack_spec;

#define GB_STACK_TOP_DEFAULT 0x7ffffffff000ULL /* STACK_TOP = GB_USER_TOP (abi/linux.h) */

typedef struct gb_stack {
  unsigned char *bytes;   /* image of [base, top), owned */
  size_t size;
  uint64_t base, top;     /* base = rsp rounded down to a page */
  uint64_t rsp;           /* entry RSP: points at argc, 16-aligned */
  /* Where the parts sit (guest addresses). */
  uint64_t argv_addr, envp_addr, auxv_addr, auxv_end; /* pointer arrays; auxv_end after AT_NULL */
  uint64_t pad_addr, pad_len;
  uint64_t random_addr, platform_addr, execfn_addr;
  uint64_t strings_addr;  /* lowest string byte (argv[0]) */
  uint64_t *arg_str, *env_str; /* address of each string */
  int argc, envc;
} gb_stack;

/* The auxv a current x86-64 kernel gives a static binary (docs/go-boot-facts.md § The
 * kernel's auxv), for IMG.
 * vdso_base != 0 adds AT_SYSINFO_EHDR first. CPU-derived values (AT_HWCAP, AT_HWCAP2,
 * AT_MINSIGSTKSZ) come from the caller. */
typedef struct gb_auxv_env {
  uint64_t vdso_base, hwcap, hwcap2, minsigstksz, pagesz, clktck;
  uint64_t uid, euid, gid, egid, secure, rseq_feature_size, rseq_align;
} gb_auxv_env;
void gb_auxv_env_default(gb_auxv_env *env);   /* fixed, host-independent values */
int gb_auxv_env_from_host(gb_auxv_env *env);  /* mimic-host: /proc/self/auxv; 0 on success */
void gb_auxv_defaults(gb_stack_spec *spec, const gb_image *img, const gb_auxv_env *env);

/* The source column of GB_AUXV_TAGS (auxv.h) as values (auxv.c):
 * gb_auxv_value: the entry goboot itself gives for TAG (from ENV or IMG, a constant,
 *   or a builder fill); 1, or 0 when it gives none (unknown, host-only or never-given
 *   tag, or AT_SYSINFO_EHDR without a vDSO). OUT is set either way.
 * gb_auxv_env_store: set the ENV field TAG's value comes from; 1, or 0 if none does.
 * gb_auxv_placed_addr: for a tag the builder fills, the address in ST it placed the
 *   object at; 1, or 0 (ADDR untouched) for any other tag. */
int gb_auxv_value(uint64_t tag, const gb_image *img, const gb_auxv_env *env, gb_auxv_ent *out);
int gb_auxv_env_store(gb_auxv_env *env, uint64_t tag, uint64_t val);
int gb_auxv_placed_addr(const gb_stack *st, uint64_t tag, uint64_t *addr);

/* Edits, applied in command-line order. Return 0, or -1 (full / not found). */
int gb_auxv_set(gb_stack_spec *spec, uint64_t tag, uint64_t val); /* replace all, or append */
int gb_auxv_add(gb_stack_spec *spec, uint64_t tag, uint64_t val); /* append (duplicates allowed) */
int gb_auxv_drop(gb_stack_spec *spec, uint64_t tag);              /* remove every entry */

/* Parse one --auxv argument: "TAG=VAL" (set), "+TAG=VAL" (add a duplicate), "-TAG" (drop).
 * Returns 0, or -1 with a message in err. */
int gb_auxv_edit(gb_stack_spec *spec, const char *arg, char *err, size_t errlen);

/* Derive the 16 AT_RANDOM bytes from a seed (splitmix64); the same seed always gives
 * the same bytes on every machine. */
void gb_random_from_seed(uint64_t seed, uint8_t out[16]);

/* Build the image. Returns 0, or -1 with a message (e.g. the stack would not fit). */
int gb_stack_build(const gb_stack_spec *spec, gb_stack *out, char *err, size_t errlen);
void gb_stack_free(gb_stack *st);

#endif
