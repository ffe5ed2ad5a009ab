/* auxv.c — the auxv tag table, expanded from GB_AUXV_TAGS (auxv.h).
 *
 * Offers gb_auxv_tags[], gb_auxv_tag_of(), gb_auxv_name() and gb_auxv_parse_tag()
 * (auxv.h), and the value rules of the table's source column: gb_auxv_value(),
 * gb_auxv_env_store() and gb_auxv_placed_addr() (stack.h). The names are the
 * kernel's, so a --auxv option can be spelled exactly as in the kernel or in
 * getauxval(3). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack.h"

/* ---- the table ---------------------------------------------------------------- */

#define FROM_ENV(field) GB_AUXV_FROM_ENV
#define FROM_ENV_IF_SET(field) GB_AUXV_FROM_ENV_IF_SET
#define FROM_IMAGE(field) GB_AUXV_FROM_IMAGE
#define CONSTANT(value) GB_AUXV_CONSTANT
#define PLACED(field) GB_AUXV_PLACED
#define HOST_VALUE GB_AUXV_HOST_VALUE
#define NOT_GIVEN GB_AUXV_NOT_GIVEN
#define ROW(name, number, kind, source, about) {number, "AT_" #name, GB_AUXV_##kind, source, about},
const gb_auxv_tag gb_auxv_tags[] = {GB_AUXV_TAGS(ROW)};
#undef ROW
#undef FROM_ENV
#undef FROM_ENV_IF_SET
#undef FROM_IMAGE
#undef CONSTANT
#undef PLACED
#undef HOST_VALUE
#undef NOT_GIVEN

const int gb_auxv_ntags = (int)(sizeof gb_auxv_tags / sizeof gb_auxv_tags[0]);

const gb_auxv_tag *gb_auxv_tag_of(uint64_t tag) {
  for (int i = 0; i < gb_auxv_ntags; i++)
    if (gb_auxv_tags[i].tag == tag) return &gb_auxv_tags[i];
  return NULL;
}

const char *gb_auxv_name(uint64_t tag) {
  const gb_auxv_tag *t = gb_auxv_tag_of(tag);
  return t ? t->name : NULL;
}

int gb_auxv_parse_tag(const char *s, uint64_t *tag) {
  if (!s || !*s) return -1;
  if (isdigit((unsigned char)*s)) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return -1;
    *tag = v;
    return 0;
  }
  /* "AT_" is optional: "pagesz" and "AT_PAGESZ" name the same tag. */
  const char *bare = strncasecmp(s, "AT_", 3) ? s : s + 3;
  for (int i = 0; i < gb_auxv_ntags; i++)
    if (!strcasecmp(bare, gb_auxv_tags[i].name + 3)) {
      *tag = gb_auxv_tags[i].tag;
      return 0;
    }
  return -1;
}

/* ---- the source column as values ------------------------------------------------ */

/* Each switch below expands the source column once more, as the code that column
 * means in that place. Sources without a value there expand to nothing. */

int gb_auxv_value(uint64_t tag, const gb_image *img, const gb_auxv_env *env,
                  gb_auxv_ent *out) {
  *out = (gb_auxv_ent){tag, 0, 0};
  switch (tag) {
#define FROM_ENV(field) return out->val = env->field, 1;
#define FROM_ENV_IF_SET(field) return out->val = env->field, env->field != 0;
#define FROM_IMAGE(field) return out->val = img ? img->field : 0, 1;
#define CONSTANT(value) return out->val = (value), 1;
#define PLACED(field) return out->fill = 1, 1;
#define HOST_VALUE
#define NOT_GIVEN
#define CASE(name, number, kind, source, about) case number: source break;
    GB_AUXV_TAGS(CASE)
#undef CASE
#undef FROM_ENV
#undef FROM_ENV_IF_SET
#undef FROM_IMAGE
#undef CONSTANT
#undef PLACED
#undef HOST_VALUE
#undef NOT_GIVEN
  default: break;
  }
  return 0;
}

int gb_auxv_env_store(gb_auxv_env *env, uint64_t tag, uint64_t val) {
  switch (tag) {
#define FROM_ENV(field) return env->field = val, 1;
#define FROM_ENV_IF_SET(field) return env->field = val, 1;
#define FROM_IMAGE(field)
#define CONSTANT(value)
#define PLACED(field)
#define HOST_VALUE
#define NOT_GIVEN
#define CASE(name, number, kind, source, about) case number: source break;
    GB_AUXV_TAGS(CASE)
#undef CASE
#undef FROM_ENV
#undef FROM_ENV_IF_SET
#undef FROM_IMAGE
#undef CONSTANT
#undef PLACED
#undef HOST_VALUE
#undef NOT_GIVEN
  default: break;
  }
  return 0;
}

int gb_auxv_placed_addr(const gb_stack *st, uint64_t tag, uint64_t *addr) {
  switch (tag) {
#define FROM_ENV(field)
#define FROM_ENV_IF_SET(field)
#define FROM_IMAGE(field)
#define CONSTANT(value)
#define PLACED(field) return *addr = st->field, 1;
#define HOST_VALUE
#define NOT_GIVEN
#define CASE(name, number, kind, source, about) case number: source break;
    GB_AUXV_TAGS(CASE)
#undef CASE
#undef FROM_ENV
#undef FROM_ENV_IF_SET
#undef FROM_IMAGE
#undef CONSTANT
#undef PLACED
#undef HOST_VALUE
#undef NOT_GIVEN
  default: break;
  }
  return 0;
}
