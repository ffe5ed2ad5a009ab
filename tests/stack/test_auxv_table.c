/* test_auxv_table.c — the auxv tag table (loader/auxv.h) against sources it does not
 * come from, and its readers against each other.
 *
 *   test_auxv_table                  the table alone:
 *     - every number equals glibc's <elf.h> AT_* constant of the same name (a tag the
 *       host header lacks is allowed only if goboot gives no value of its own for it);
 *     - names unique, "AT_" names, rows sorted by number, lookups and parsing agree;
 *     - the kinds hold for this process's own vector, read from /proc/self/auxv and
 *       placed with /proc/self/maps: stack objects in [stack], image pointers in this
 *       executable (code in an executable mapping), the vDSO pointer at [vdso], numbers
 *       nowhere mapped; never-given tags absent;
 *     - the default and mimic-host vectors hold what the source column says, every
 *       gb_auxv_env field is fed by exactly one tag, AT_PHENT is sizeof(Elf64_Phdr).
 *   test_auxv_table GOBOOT BINARY    also: `goboot stack` (cli/cmd_stack.c) and the
 *     report's stack rows (viz/stackrows.c) read every tag alike: a decimal reading in
 *     both or neither, the same pointee in both or neither. */
#include <cjson/cJSON.h>
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostauxv.h"
#include "stackrows.h"

static int failures, checks;

#define CHECK(cond, ...)                                                           \
  do {                                                                             \
    checks++;                                                                      \
    if (!(cond)) {                                                                 \
      failures++;                                                                  \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);     \
      fprintf(stderr, __VA_ARGS__);                                                \
      fputc('\n', stderr);                                                         \
    }                                                                              \
  } while (0)

/* ---- numbers and names -------------------------------------------------------- */

/* <elf.h>'s value of AT_<name> as text: "25", or "AT_<name>" itself when the host
 * header does not define it (the macro is then not replaced). */
#define STR(x) #x
#define EXPANDED_STR(x) STR(x)
#define HOST_ROW(name, number, kind, source, about) {"AT_" #name, EXPANDED_STR(AT_##name)},
static const struct {
  const char *name, *host;
} host_numbers[] = {GB_AUXV_TAGS(HOST_ROW)};
#undef HOST_ROW

static void test_numbers_and_names(void) {
  int n = gb_auxv_ntags, unchecked = 0;
  CHECK(n == (int)(sizeof host_numbers / sizeof host_numbers[0]), "%d rows", n);
  for (int i = 0; i < n && i < (int)(sizeof host_numbers / sizeof host_numbers[0]); i++) {
    const gb_auxv_tag *t = &gb_auxv_tags[i];
    CHECK(!strcmp(t->name, host_numbers[i].name), "row %d: %s", i, t->name);
    char *end;
    const char *h = host_numbers[i].host;
    unsigned long long v = strtoull(h + (*h == '('), &end, 0);
    if (end == h || (*end && *end != ')')) {
      /* Not in this glibc: only acceptable for a tag goboot has no value of its own for. */
      CHECK(t->source == GB_AUXV_HOST_VALUE, "%s missing from <elf.h>", t->name);
      printf("note: <elf.h> of this host lacks %s (%" PRIu64 "): not checked\n", t->name,
             t->tag);
      unchecked++;
      continue;
    }
    CHECK(v == t->tag, "%s is %" PRIu64 ", <elf.h> says %llu", t->name, t->tag, v);
  }
  CHECK(unchecked <= 2, "%d tags unchecked", unchecked);

  for (int i = 0; i < n; i++) {
    const gb_auxv_tag *t = &gb_auxv_tags[i];
    CHECK(!strncmp(t->name, "AT_", 3) && t->name[3], "%s", t->name);
    if (i) CHECK(gb_auxv_tags[i - 1].tag < t->tag, "%s not after %s", t->name,
                 gb_auxv_tags[i - 1].name);
    for (int j = 0; j < i; j++) CHECK(strcmp(gb_auxv_tags[j].name, t->name), "%s twice", t->name);
    CHECK(gb_auxv_tag_of(t->tag) == t && gb_auxv_name(t->tag) == t->name, "%s lookup", t->name);
    uint64_t tag = ~0ULL;
    char lower[40];
    size_t k = 0;
    for (const char *p = t->name + 3; *p && k + 1 < sizeof lower; p++)
      lower[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    lower[k] = 0;
    CHECK(gb_auxv_parse_tag(t->name, &tag) == 0 && tag == t->tag, "parse %s", t->name);
    tag = ~0ULL;
    CHECK(gb_auxv_parse_tag(lower, &tag) == 0 && tag == t->tag, "parse %s", lower);
    /* The kinds and sources fit together. */
    CHECK((t->kind == GB_AUXV_STACK_OBJECT) == (t->source == GB_AUXV_PLACED), "%s", t->name);
    CHECK((t->kind == GB_AUXV_END) == (t->tag == 0), "%s", t->name);
    if (t->kind == GB_AUXV_IMAGE_DATA || t->kind == GB_AUXV_IMAGE_CODE ||
        t->kind == GB_AUXV_VDSO)
      CHECK(t->about && t->about[0], "%s: pointer without a pointee", t->name);
  }
  for (uint64_t tag = 0; tag < 256; tag++) {
    const gb_auxv_tag *want = NULL;
    for (int i = 0; i < n; i++)
      if (gb_auxv_tags[i].tag == tag) want = &gb_auxv_tags[i];
    CHECK(gb_auxv_tag_of(tag) == want, "tag %" PRIu64, tag);
  }
}

/* ---- this process's own vector ------------------------------------------------- */

typedef struct mapping {
  uint64_t lo, hi;
  char perms[5], path[256];
} mapping;

static int read_maps(mapping *m, int max) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int n = 0;
  if (!f) return -1;
  while (n < max && fgets(line, sizeof line, f)) {
    mapping *e = &m[n];
    int off = 0;
    e->path[0] = 0;
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %*s %*s %*s %n", &e->lo, &e->hi, e->perms,
               &off) < 3)
      continue;
    sscanf(line + off, "%255[^\n]", e->path);
    n++;
  }
  fclose(f);
  return n;
}

static const mapping *mapping_of(const mapping *m, int n, uint64_t addr) {
  for (int i = 0; i < n; i++)
    if (addr >= m[i].lo && addr < m[i].hi) return &m[i];
  return NULL;
}

static void test_host_vector(void) {
  static mapping maps[4096];
  uint64_t w[1024];
  char exe[256];
  int nm = read_maps(maps, 4096);
  ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
  FILE *f = fopen("/proc/self/auxv", "rb");
  CHECK(nm > 0 && el > 0 && f, "cannot read /proc/self/{maps,exe,auxv}");
  if (nm <= 0 || el <= 0 || !f) {
    if (f) fclose(f);
    return;
  }
  exe[el] = 0;
  size_t nw = fread(w, sizeof w[0], sizeof w / sizeof w[0], f);
  fclose(f);
  int seen[6] = {0};
  for (size_t i = 0; i + 1 < nw && w[i] != 0; i += 2) {
    uint64_t tag = w[i], val = w[i + 1];
    const gb_auxv_tag *t = gb_auxv_tag_of(tag);
    if (!t) {
      printf("note: this kernel gives tag %" PRIu64 " (0x%" PRIx64 "), not in the table\n", tag,
             val);
      continue;
    }
    const mapping *m = mapping_of(maps, nm, val);
    switch (t->kind) {
    case GB_AUXV_STACK_OBJECT:
      CHECK(m && !strcmp(m->path, "[stack]"), "%s 0x%" PRIx64 " not in [stack]", t->name, val);
      seen[0]++;
      break;
    case GB_AUXV_IMAGE_DATA:
    case GB_AUXV_IMAGE_CODE:
      CHECK(m && !strcmp(m->path, exe), "%s 0x%" PRIx64 " not in %s", t->name, val, exe);
      if (m && t->kind == GB_AUXV_IMAGE_CODE)
        CHECK(m->perms[2] == 'x', "%s 0x%" PRIx64 " not in code", t->name, val);
      seen[1]++;
      break;
    case GB_AUXV_VDSO:
      CHECK(m && !strcmp(m->path, "[vdso]") && m->lo == val, "%s 0x%" PRIx64 " not [vdso]",
            t->name, val);
      seen[2]++;
      break;
    case GB_AUXV_NUMBER:
      CHECK(!m && val < (1ULL << 32), "%s 0x%" PRIx64 " looks like an address", t->name, val);
      seen[3]++;
      break;
    default: break;
    }
    CHECK(t->source != GB_AUXV_NOT_GIVEN, "this process was given %s", t->name);
  }
  /* A Linux x86-64 kernel gives every process AT_RANDOM/AT_EXECFN/AT_PLATFORM, AT_PHDR
   * and AT_ENTRY, and AT_PAGESZ and the ids: none of the checks may be vacuous. */
  CHECK(seen[0] >= 3 && seen[1] >= 2 && seen[3] >= 6, "host vector too small: %d %d %d",
        seen[0], seen[1], seen[3]);
}

/* ---- the source column ---------------------------------------------------------- */

static int gives_value(const gb_auxv_tag *t) {
  return t->source != GB_AUXV_NOT_GIVEN && t->source != GB_AUXV_HOST_VALUE;
}

static const gb_auxv_ent *find(const gb_stack_spec *s, uint64_t tag, int *count) {
  const gb_auxv_ent *e = NULL;
  *count = 0;
  for (int i = 0; i < s->nauxv; i++)
    if (s->auxv[i].tag == tag) e = &s->auxv[i], ++*count;
  return e;
}

static void test_sources(void) {
  static gb_stack_spec spec;
  gb_image img;
  gb_auxv_env env;
  memset(&img, 0, sizeof img);
  img.entry = 0x45c0a0, img.phdr_vaddr = 0x400040, img.phnum = 7, img.phentsize = 99;
  gb_auxv_env_default(&env);
  env.vdso_base = 0x7fff00001000;

  /* Default vector: exactly the tags with a value of goboot's own, once each. */
  gb_auxv_defaults(&spec, &img, &env);
  for (int i = 0; i < gb_auxv_ntags; i++) {
    const gb_auxv_tag *t = &gb_auxv_tags[i];
    int count;
    const gb_auxv_ent *e = find(&spec, t->tag, &count);
    CHECK(count == gives_value(t), "%s appears %d times", t->name, count);
    if (e) CHECK(e->fill == (t->source == GB_AUXV_PLACED), "%s fill %d", t->name, e->fill);
  }
  int count;
  const gb_auxv_ent *e = find(&spec, AT_PHENT_LINUX, &count);
  CHECK(e && e->val == sizeof(Elf64_Phdr), "AT_PHENT is not sizeof(Elf64_Phdr)");
  e = find(&spec, AT_FLAGS_LINUX, &count);
  CHECK(e && e->val == 0, "AT_FLAGS of a directly executed binary is 0");
  env.vdso_base = 0;
  gb_auxv_defaults(&spec, &img, &env);
  CHECK(!find(&spec, AT_SYSINFO_EHDR_LINUX, &count), "AT_SYSINFO_EHDR without a vDSO");

  /* Every env field is fed by exactly one tag: store distinct values, then count the
   * words that changed. gb_auxv_env is all uint64_t. */
  uint64_t words[sizeof(gb_auxv_env) / 8];
  memset(&env, 0xee, sizeof env);
  int stored = 0;
  for (int i = 0; i < gb_auxv_ntags; i++)
    stored += gb_auxv_env_store(&env, gb_auxv_tags[i].tag, 1000 + gb_auxv_tags[i].tag);
  memcpy(words, &env, sizeof words);
  int changed = 0;
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    changed += words[k] != 0xeeeeeeeeeeeeeeeeULL;
    for (size_t j = 0; j < k; j++) CHECK(words[j] != words[k], "env words %zu, %zu", j, k);
  }
  CHECK(stored == (int)(sizeof words / sizeof words[0]) && changed == stored,
        "%d tags stored, %d of %zu env fields changed", stored, changed,
        sizeof words / sizeof words[0]);

  /* Mimic-host: a host vector with every known tag and one unknown. */
  uint64_t host[2 * 64 + 4];
  size_t nw = 0;
  for (int i = 1; i < gb_auxv_ntags; i++)
    host[nw++] = gb_auxv_tags[i].tag, host[nw++] = 5000 + gb_auxv_tags[i].tag;
  host[nw++] = 99, host[nw++] = 5099;
  host[nw++] = 0, host[nw++] = 0;
  gb_auxv_env_default(&env);
  env.vdso_base = 0x7fff00001000;
  gb_auxv_defaults_host(&spec, &img, &env, host, nw);
  for (int k = 1; k < spec.nauxv; k++) /* the host's order: its tags ascend */
    CHECK(spec.auxv[k - 1].tag < spec.auxv[k].tag, "entry %d out of the host's order", k);
  e = find(&spec, 99, &count);
  CHECK(count == 1 && e->val == 5099 && spec.auxv[spec.nauxv - 1].tag == 99, "unknown tag");
  for (int i = 1; i < gb_auxv_ntags; i++) {
    const gb_auxv_tag *t = &gb_auxv_tags[i];
    gb_auxv_ent mine;
    int given = gb_auxv_value(t->tag, &img, &env, &mine);
    e = find(&spec, t->tag, &count);
    if (t->source == GB_AUXV_NOT_GIVEN) CHECK(!e, "%s passed on", t->name);
    else if (t->source == GB_AUXV_HOST_VALUE) CHECK(e && e->val == 5000 + t->tag, "%s", t->name);
    else CHECK(given && e && e->val == mine.val && e->fill == mine.fill, "%s", t->name);
  }
  /* What describes how the host process itself was started is not passed on: its
   * AT_EXECFD (binfmt_misc's open file) and AT_FLAGS bits (binfmt_misc's
   * preserve-argv0), and AT_BASE_PLATFORM, which x86-64 kernels never give. */
  CHECK(!find(&spec, AT_EXECFD_LINUX, &count) && !find(&spec, AT_BASE_PLATFORM_LINUX, &count),
        "mimic-host passes on a host-only tag");
  e = find(&spec, AT_FLAGS_LINUX, &count);
  CHECK(e && e->val == 0, "mimic-host AT_FLAGS");
}

/* ---- cmd_stack and stackrows read the tags alike -------------------------------- */

enum reading { READ_NONE, READ_NUMBER, READ_POINTER };

static char *run(const char *cmd) {
  FILE *p = popen(cmd, "r");
  size_t len = 0, cap = 1 << 16;
  char *out = malloc(cap);
  if (!p || !out) {
    if (p) pclose(p);
    free(out);
    return NULL;
  }
  size_t r;
  while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += r;
    if (len + 1 == cap) {
      char *bigger = realloc(out, cap *= 2);
      if (!bigger) break;
      out = bigger;
    }
  }
  out[len] = 0;
  if (pclose(p) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* cmd_stack's note: "(5)" is a decimal reading, "-> X" a pointee. */
static enum reading cli_reading(const char *note, const char **pointee) {
  *pointee = NULL;
  if (note[0] == '(') return READ_NUMBER;
  if (!strncmp(note, "-> ", 3)) return *pointee = note + 3, READ_POINTER;
  return READ_NONE;
}

/* stackrows' note: "= 5" is a decimal reading, "→ X" a pointee. */
static enum reading rows_reading(const char *note, const char **pointee) {
  *pointee = NULL;
  if (!strncmp(note, "= ", 2)) return READ_NUMBER;
  static const char arrow[] = "\u2192 ";
  if (strncmp(note, arrow, sizeof arrow - 1)) return READ_NONE;
  *pointee = note + sizeof arrow - 1;
  return READ_POINTER;
}

/* The trace header stackrows reads, from `goboot stack --json`. */
static cJSON *header_of(const cJSON *j) {
  cJSON *h = cJSON_CreateObject(), *in = cJSON_AddObjectToObject(h, "inputs");
  cJSON *argv = cJSON_AddArrayToObject(in, "argv"), *envp = cJSON_AddArrayToObject(in, "envp");
  const cJSON *x;
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "argv"))
    cJSON_AddItemToArray(argv, cJSON_CreateString(cJSON_GetObjectItem(x, "text")->valuestring));
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "envp"))
    cJSON_AddItemToArray(envp, cJSON_CreateString(cJSON_GetObjectItem(x, "text")->valuestring));
  cJSON *av = cJSON_AddArrayToObject(in, "auxv");
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "auxv")) {
    cJSON *p = cJSON_CreateArray();
    cJSON_AddItemToArray(p, cJSON_Duplicate(cJSON_GetObjectItem(x, "tag"), 1));
    cJSON_AddItemToArray(p, cJSON_Duplicate(cJSON_GetObjectItem(x, "value"), 1));
    cJSON_AddItemToArray(av, p);
  }
  cJSON_AddItemToObject(in, "rsp", cJSON_Duplicate(cJSON_GetObjectItem(j, "rsp"), 1));
  cJSON_AddItemToObject(in, "stack_top", cJSON_Duplicate(cJSON_GetObjectItem(j, "top"), 1));
  const cJSON *random = cJSON_GetObjectItem(j, "random");
  cJSON_AddItemToObject(in, "at_random", cJSON_Duplicate(cJSON_GetObjectItem(random, "hex"), 1));
  return h;
}

static void test_readers_agree(const char *goboot, const char *binary) {
  /* Every known tag and one unknown, appended with the value 5: a small number that is
   * no address in the stack, so what each reader says comes from the tag alone. */
  char cmd[8192];
  int o = snprintf(cmd, sizeof cmd, "'%s' stack '%s'", goboot, binary);
  for (int i = 0; i < gb_auxv_ntags; i++)
    o += snprintf(cmd + o, sizeof cmd - (size_t)o, " --auxv +%s=5", gb_auxv_tags[i].name);
  o += snprintf(cmd + o, sizeof cmd - (size_t)o, " --auxv +99=5");
  char *text = run(cmd);
  snprintf(cmd + o, sizeof cmd - (size_t)o, " --json");
  char *json = run(cmd);
  cJSON *j = json ? cJSON_Parse(json) : NULL;
  CHECK(text && j, "goboot stack failed: %s", cmd);
  if (!text || !j) goto out;

  int npairs = cJSON_GetArraySize(cJSON_GetObjectItem(j, "auxv"));
  int first = npairs - 1 - (gb_auxv_ntags + 1); /* the appended entries, before AT_NULL */
  cJSON *h = header_of(j);
  gb_stack_rows r;
  CHECK(first > 0 && gb_viz_stack_rows(&r, h) == 0, "stack rows (%d pairs)", npairs);
  if (first <= 0) {
    cJSON_Delete(h);
    goto out;
  }
  int compared = 0, numbers = 0, pointers = 0;
  for (int k = first; k < npairs - 1; k++) {
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "auxv"), k);
    uint64_t tag = (uint64_t)cJSON_GetObjectItem(e, "tag")->valuedouble;
    const char *name = gb_auxv_name(tag);
    char label[64], tn[24], want[96];
    if (!name) snprintf(tn, sizeof tn, "tag %" PRIu64, tag), name = tn;
    /* cmd_stack's line: "auxv[NN] NAME 0x5 NOTE" */
    snprintf(want, sizeof want, "auxv[%2d] %-20s 0x5", k, name);
    const char *line = strstr(text, want), *note = "";
    CHECK(line, "no line '%s' in goboot stack's picture", want);
    char cli_note[160] = "";
    if (line) {
      line += strlen(want);
      while (*line == ' ') line++;
      sscanf(line, "%159[^\n]", cli_note);
    }
    snprintf(label, sizeof label, "auxv[%d] %s", k, name);
    for (int i = 0; i < r.n; i++)
      if (!strcmp(r.rows[i].label, label)) note = r.rows[i].note;
    const char *cp, *rp;
    enum reading cr = cli_reading(cli_note, &cp), rr = rows_reading(note, &rp);
    CHECK(cr == rr, "%s: goboot stack says '%s', the report '%s'", name, cli_note, note);
    if (cr == READ_POINTER && rr == READ_POINTER)
      CHECK(!strncmp(cp, rp, strlen(rp)), "%s: pointee '%s' vs '%s'", name, cp, rp);
    if (tag == AT_FLAGS_LINUX) CHECK(cr == READ_NONE && rr == READ_NONE, "AT_FLAGS is flag bits");
    numbers += cr == READ_NUMBER, pointers += cr == READ_POINTER;
    compared++;
  }
  CHECK(compared == gb_auxv_ntags + 1 && numbers >= 10 && pointers >= 3,
        "compared %d, %d numbers, %d pointers", compared, numbers, pointers);
  gb_viz_stack_rows_free(&r);
  cJSON_Delete(h);
out:
  cJSON_Delete(j);
  free(text);
  free(json);
}

int main(int argc, char **argv) {
  if (argc != 1 && argc != 3) {
    fprintf(stderr, "usage: test_auxv_table [GOBOOT BINARY]\n");
    return 2;
  }
  test_numbers_and_names();
  test_host_vector();
  test_sources();
  if (argc == 3) test_readers_agree(argv[1], argv[2]);
  if (failures) fprintf(stderr, "%d of %d checks failed\n", failures, checks);
  else printf("auxv table: %d checks passed\n", checks);
  return failures ? 1 : 0;
}
