/* goversion.c — which Go toolchain built the image: from the build-info blob
 * (.go.buildinfo, Go 1.13+; both its pointer and its inline-string forms), else the
 * runtime.buildVersion string through the symbol table, else a scan of the read-only
 * data for a "go1.N[.P]" that ends sanely. Every pointer is followed through
 * gb_image_ptr, so a lying blob can only fail the lookup, never read out of bounds. */
#include <stdio.h>
#include <string.h>

#include "gometa.h"

#define BI_MAGIC "\xff Go buildinf:"
enum { BI_MAGIC_LEN = 14, BI_HEADER = 32, BI_ALIGN = 16, MAX_VERSION = 47 };

static uint64_t rd64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static int printable(const unsigned char *s, size_t n) {
  if (n == 0 || n > MAX_VERSION) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] > 0x7e) return 0;
  return 1;
}

static int set_version(gb_image *img, const unsigned char *s, size_t n) {
  if (!printable(s, n)) return 0;
  memcpy(img->go_version, s, n);
  img->go_version[n] = 0;
  return 1;
}

/* A Go string header (data pointer, length) at ADDR, as the runtime lays it out. */
static int read_gostring(gb_image *img, uint64_t addr) {
  size_t avail;
  const unsigned char *h = gb_image_ptr(img, addr, &avail);
  if (!h || avail < 16) return 0;
  uint64_t data = rd64(h), len = rd64(h + 8);
  if (len == 0 || len > MAX_VERSION) return 0;
  const unsigned char *s = gb_image_ptr(img, data + img->load_bias, &avail);
  return s && avail >= len && set_version(img, s, (size_t)len);
}

/* The blob: magic, pointer size, flags. Flag bit 1 (Go 1.18+): the version follows the
 * 32-byte header as a uvarint length and bytes. Otherwise two pointers to string
 * headers follow (runtime.buildVersion, runtime.modinfo); bit 0 means big-endian. */
static int parse_buildinfo(gb_image *img, const unsigned char *b, size_t n) {
  if (n < BI_HEADER || memcmp(b, BI_MAGIC, BI_MAGIC_LEN)) return 0;
  if (b[15] & 2) {
    uint64_t len = 0;
    size_t i = BI_HEADER;
    for (int shift = 0; i < n && shift < 64; shift += 7) {
      len |= (uint64_t)(b[i] & 0x7f) << shift;
      if (!(b[i++] & 0x80)) break;
    }
    return len <= n - i && set_version(img, b + i, (size_t)len);
  }
  if (b[14] != 8 || (b[15] & 1)) return 0;
  return read_gostring(img, rd64(b + 16) + img->load_bias);
}

static int from_buildinfo(gb_image *img, Elf *elf) {
  size_t len;
  uint64_t addr;
  const unsigned char *b = gb_elf_section(img, elf, ".go.buildinfo", &len, &addr);
  if (b && parse_buildinfo(img, b, len)) return 1;
  /* No section header: the linker puts the blob at the start of the writable data,
   * 16-aligned, where debug/buildinfo looks for it too. */
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    if (!(s->prot & GB_PROT_W)) continue;
    const unsigned char *p = img->bytes + s->offset;
    uint64_t skew = (BI_ALIGN - (s->vaddr & (BI_ALIGN - 1))) & (BI_ALIGN - 1);
    for (uint64_t off = skew; off + BI_HEADER <= s->filesz; off += BI_ALIGN)
      if (p[off] == 0xff && parse_buildinfo(img, p + off, s->filesz - off)) return 1;
  }
  return 0;
}

static int from_symbol(gb_image *img) {
  const gb_sym *s = gb_sym_find(img, "runtime.buildVersion");
  return s && s->kind == GB_SYM_DATA && read_gostring(img, s->addr);
}

static int digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of a version at P ("go1.N", ".P", "rcN"/"betaN" optional) if what follows it
 * ends it sanely: not a digit, dot, dash, underscore or slash (which would make it a
 * file name like "go1.26.go" or part of a longer token). *strong: NUL or non-text
 * after it, as for the runtime's own string; Go packs strings, so letters may follow. */
static size_t version_at(const unsigned char *p, size_t n, int *strong) {
  if (n < 5 || memcmp(p, "go1.", 4) || !digit(p[4])) return 0;
  size_t i = 4;
  while (i < n && digit(p[i]) && i < 8) i++;
  if (i + 1 < n && p[i] == '.' && digit(p[i + 1]))
    for (i++; i < n && digit(p[i]) && i < 12; i++) {}
  for (const char *suf = "rc\0beta\0"; *suf; suf += strlen(suf) + 1) {
    size_t sl = strlen(suf);
    if (i + sl < n && !memcmp(p + i, suf, sl) && digit(p[i + sl]))
      for (i += sl; i < n && digit(p[i]); i++) {}
  }
  if (i == n) return 0;
  unsigned char c = p[i];
  if (digit(c) || c == '.' || c == '-' || c == '_' || c == '/') return 0;
  *strong = c == 0 || c < 0x20 || c > 0x7e;
  return i;
}

/* The version text in the read-only data (runtime.buildVersion's bytes): the first
 * candidate that ends with a NUL or binary byte, else the first that ends sanely. */
static int from_scan(gb_image *img) {
  const unsigned char *weak = NULL;
  size_t weak_len = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < img->nseg; i++) {
      const gb_segment *s = &img->seg[i];
      int ro = !(s->prot & (GB_PROT_W | GB_PROT_X));
      if (ro != (pass == 0)) continue;
      const unsigned char *p = img->bytes + s->offset, *end = p + s->filesz;
      while (p < end && (p = memchr(p, 'g', (size_t)(end - p)))) {
        int strong = 0;
        size_t len = version_at(p, (size_t)(end - p), &strong);
        if (len && strong) return set_version(img, p, len);
        if (len && !weak) {
          weak = p;
          weak_len = len;
        }
        p++;
      }
    }
  return weak && set_version(img, weak, weak_len);
}

int gb_go_parse_version(const char *s, int *major, int *minor, int *patch) {
  *major = 0;
  *minor = -1;
  *patch = 0;
  const char *p = strstr(s, "go1.");
  if (!p || !digit((unsigned char)p[4])) return 0;
  int mi = 0, pa = 0;
  for (p += 4; digit((unsigned char)*p) && mi < 1000; p++) mi = mi * 10 + (*p - '0');
  if (*p == '.' && digit((unsigned char)p[1]))
    for (p++; digit((unsigned char)*p) && pa < 1000; p++) pa = pa * 10 + (*p - '0');
  *major = 1;
  *minor = mi;
  *patch = pa;
  return 1;
}

const char *gb_go_version(gb_image *img, Elf *elf) {
  const char *how = NULL;
  img->go_version[0] = 0;
  if (from_buildinfo(img, elf)) how = "buildinfo";
  else if (from_symbol(img)) how = "symbol";
  else if (from_scan(img)) how = "scan";
  gb_go_parse_version(img->go_version, &img->go_major, &img->go_minor, &img->go_patch);
  return how;
}
