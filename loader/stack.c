/* stack.c — build the initial process stack exactly as Linux does on x86-64.
 *
 * Offers gb_stack_build() and gb_stack_free() (stack.h). The layout is the one
 * fs/exec.c and create_elf_tables() in fs/binfmt_elf.c produce (docs/go-boot-facts.md §
 * The initial stack (create_elf_tables)):
 *
 *   top-8        8 zero bytes                     (bprm->p starts one word down)
 *   below        AT_EXECFN string                 (copy_string_kernel(filename))
 *   below        envp strings, argv strings       (copy_strings copies the last string
 *                                                  first, so addresses ascend argv[0]
 *                                                  < ... < envp[0] < ... < execfn)
 *   A            (lowest string − align_shift) & ~15   (arch_align_stack)
 *   A−7          "x86_64\0"                       (AT_PLATFORM, unaligned)
 *   R = A−7−16   16 random bytes                  (AT_RANDOM, unaligned)
 *   RSP          (R − 8·auxv words − 8·items) & ~15, items = argc+1 + envc+1 + 1
 *                argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL; padding up to R.
 *
 * Everything is computed as a depth below `top` first, checked against the size
 * limit, and only then written, so no spec can make the builder write outside the
 * image it allocated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"
#include "stack.h"

/* The kernel refuses a single argument or environment string longer than this,
 * NUL included (MAX_ARG_STRLEN = 32 pages, include/uapi/linux/binfmts.h): E2BIG. */
#define GB_MAX_ARG_STRLEN (32u * 4096u)
/* Whole-image cap: the kernel's default stack rlimit (_STK_LIM, 8 MiB). The kernel
 * itself stops at a quarter of the rlimit for the strings (bprm_stack_limits); goboot
 * allows the full 8 MiB so fuzzers can reach big stacks, and no more. */
#define GB_STACK_MAX_BYTES (8u << 20)
/* Highest exclusive top: the end of the canonical 47-bit user half (TASK_SIZE_MAX
 * rounded to a page). */

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static void put64(gb_stack *st, uint64_t addr, uint64_t v) {
  unsigned char *p = st->bytes + (addr - st->base);
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); /* little-endian */
}

static void put_bytes(gb_stack *st, uint64_t addr, const void *src, size_t n) {
  memcpy(st->bytes + (addr - st->base), src, n);
}

/* Add N bytes of depth, failing once the running total passes the cap; N is at
 * most GB_MAX_ARG_STRLEN or a word count times 8, so the sum cannot wrap. */
static int grow(uint64_t *depth, uint64_t n) {
  *depth += n;
  return *depth > GB_STACK_MAX_BYTES ? -1 : 0;
}

void gb_stack_free(gb_stack *st) {
  if (!st) return;
  free(st->bytes);
  free(st->arg_str);
  free(st->env_str);
  memset(st, 0, sizeof *st);
}

static int fail(gb_stack *st, char *err, size_t errlen, const char *msg) {
  gb_stack_free(st);
  snprintf(err, errlen, "%s", msg);
  return -1;
}

int gb_stack_build(const gb_stack_spec *spec, gb_stack *out, char *err, size_t errlen) {
  char msg[160];
  memset(out, 0, sizeof *out);
  if (spec->argc < 0 || spec->envc < 0 || (spec->argc && !spec->argv) ||
      (spec->envc && !spec->envp))
    return fail(out, err, errlen, "invalid stack spec: negative count or missing argv/envp");
  if (!spec->raw_words && (spec->nauxv < 0 || spec->nauxv > GB_AUXV_MAX))
    return fail(out, err, errlen, "invalid stack spec: bad auxv count");
  if (spec->raw_words && spec->nraw > GB_STACK_MAX_BYTES / 8) {
    snprintf(msg, sizeof msg, "stack would exceed %u bytes (raw auxv of %zu words)",
             GB_STACK_MAX_BYTES, spec->nraw);
    return fail(out, err, errlen, msg);
  }
  uint64_t top = spec->stack_top ? spec->stack_top : GB_STACK_TOP_DEFAULT;
  if (top & 4095 || top > GB_USER_TOP) {
    snprintf(msg, sizeof msg, "stack top 0x%llx must be page-aligned and at most 0x%llx",
             (unsigned long long)top, (unsigned long long)GB_USER_TOP);
    return fail(out, err, errlen, msg);
  }

  /* Since Linux 5.18 (do_execveat_common) an empty argv becomes {""}: argc 1 with
   * an empty argv[0], copied after the other strings, i.e. lowest. We model that
   * kernel; older kernels passed argc 0 through. */
  int argc0 = spec->argc == 0;
  int argc = argc0 ? 1 : spec->argc, envc = spec->envc;
  const char *execfn = spec->execfn ? spec->execfn : argc0 ? "" : spec->argv[0];
  const char *platform = spec->platform ? spec->platform : "x86_64";
  if (!execfn) return fail(out, err, errlen, "invalid stack spec: argv[0] is NULL");

  /* 1. Depths below top, checked as we go. */
  uint64_t depth = 8; /* the zero word */
  size_t len;
  char which[48] = "";
#define STR(s, name, ...)                                                          \
  do {                                                                             \
    if (!(s)) {                                                                    \
      snprintf(msg, sizeof msg, "invalid stack spec: " name " is NULL", __VA_ARGS__); \
      return fail(out, err, errlen, msg);                                          \
    }                                                                              \
    len = strnlen((s), GB_MAX_ARG_STRLEN) + 1;                                     \
    if (len > GB_MAX_ARG_STRLEN) {                                                 \
      snprintf(which, sizeof which, name, __VA_ARGS__);                            \
      snprintf(msg, sizeof msg, "%s is longer than %u bytes (MAX_ARG_STRLEN): the kernel " \
               "refuses it with E2BIG", which, GB_MAX_ARG_STRLEN - 1);             \
      return fail(out, err, errlen, msg);                                          \
    }                                                                              \
    if (grow(&depth, len)) goto too_big;                                           \
  } while (0)
  STR(execfn, "%s", "AT_EXECFN");
  for (int i = envc - 1; i >= 0; i--) STR(spec->envp[i], "envp[%d]", i);
  for (int i = argc - 1; i >= 0; i--) STR(argc0 ? "" : spec->argv[i], "argv[%d]", i);
#undef STR
  uint64_t strings_depth = depth;

  if (spec->align_shift > GB_STACK_MAX_BYTES || grow(&depth, spec->align_shift)) goto too_big;
  depth = round_up(depth, 16); /* arch_align_stack: sp & ~0xf; top is 16-aligned */
  size_t platlen = strnlen(platform, 4096) + 1;
  if (platlen > 4096) return fail(out, err, errlen, "platform string is longer than 4095 bytes");
  if (grow(&depth, platlen)) goto too_big;
  uint64_t platform_depth = depth;
  if (grow(&depth, 16)) goto too_big;
  uint64_t random_depth = depth;

  uint64_t auxwords = spec->raw_words ? spec->nraw
                                      : 2 * ((uint64_t)spec->nauxv + (spec->no_at_null ? 0 : 1));
  uint64_t items = (uint64_t)argc + 1 + (uint64_t)envc + 1 + 1;
  if (grow(&depth, 8 * auxwords) || grow(&depth, 8 * items)) goto too_big;
  depth = round_up(depth, 16); /* STACK_ROUND: (sp − items) & ~15 */
  uint64_t rsp_depth = depth;
  uint64_t base_depth = round_up(depth, 4096);
  if (base_depth > GB_STACK_MAX_BYTES || base_depth > top) goto too_big;

  /* 2. Allocate and place. */
  out->top = top;
  out->base = top - base_depth;
  out->size = (size_t)base_depth;
  out->rsp = top - rsp_depth;
  out->argc = argc;
  out->envc = envc;
  out->bytes = calloc(1, out->size);
  out->arg_str = calloc((size_t)argc, sizeof *out->arg_str);
  out->env_str = calloc(envc ? (size_t)envc : 1, sizeof *out->env_str);
  if (!out->bytes || !out->arg_str || !out->env_str)
    return fail(out, err, errlen, "out of memory building the stack");

  uint64_t p = top - 8;
  len = strlen(execfn) + 1;
  p -= len;
  put_bytes(out, p, execfn, len);
  out->execfn_addr = p;
  for (int i = envc - 1; i >= 0; i--) {
    len = strlen(spec->envp[i]) + 1;
    p -= len;
    put_bytes(out, p, spec->envp[i], len);
    out->env_str[i] = p;
  }
  for (int i = argc - 1; i >= 0; i--) {
    const char *s = argc0 ? "" : spec->argv[i];
    len = strlen(s) + 1;
    p -= len;
    put_bytes(out, p, s, len);
    out->arg_str[i] = p;
  }
  out->strings_addr = top - strings_depth;
  out->platform_addr = top - platform_depth;
  put_bytes(out, out->platform_addr, platform, platlen);
  out->random_addr = top - random_depth;
  put_bytes(out, out->random_addr, spec->random, 16);

  uint64_t sp = out->rsp;
  put64(out, sp, (uint64_t)argc);
  sp += 8;
  out->argv_addr = sp;
  for (int i = 0; i < argc; i++, sp += 8) put64(out, sp, out->arg_str[i]);
  put64(out, sp, 0);
  sp += 8;
  out->envp_addr = sp;
  for (int i = 0; i < envc; i++, sp += 8) put64(out, sp, out->env_str[i]);
  put64(out, sp, 0);
  sp += 8;
  out->auxv_addr = sp;
  if (spec->raw_words) {
    for (size_t i = 0; i < spec->nraw; i++, sp += 8) put64(out, sp, spec->raw_words[i]);
  } else {
    for (int i = 0; i < spec->nauxv; i++, sp += 16) {
      const gb_auxv_ent *e = &spec->auxv[i];
      uint64_t v = e->val;
      if (e->fill) gb_auxv_placed_addr(out, e->tag, &v); /* other tags keep val */
      put64(out, sp, e->tag);
      put64(out, sp + 8, v);
    }
    if (!spec->no_at_null) sp += 16; /* AT_NULL, 0: already zero */
  }
  out->auxv_end = sp;
  out->pad_addr = sp;
  out->pad_len = out->random_addr - sp;
  return 0;

too_big:
  snprintf(msg, sizeof msg, "stack would exceed %u bytes (argv, envp, auxv and strings)",
           GB_STACK_MAX_BYTES);
  return fail(out, err, errlen, msg);
}
