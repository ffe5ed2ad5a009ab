/* html.c — escaping for the report (html.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

/* Length of a valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s) {
  unsigned c = s[0];
  size_t n;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) n = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) n = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, min = 0x10000;
  else return 0;
  unsigned cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; k++) {
    if ((s[k] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (s[k] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

void gb_html_esc_max(FILE *f, const char *s, size_t max) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t shown = 0;
  while (*p) {
    if (max && shown >= max) {
      fputs("\u2026", f);
      return;
    }
    size_t n = utf8_len(p);
    shown++;
    switch (*p) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    case '\n': case '\t': fputc(*p, f); break;
    default:
      if (n == 0 || *p < 0x20 || *p == 0x7f) {
        fprintf(f, "\\x%02x", *p);
        n = 1;
      } else fwrite(p, 1, n, f);
    }
    p += n ? n : 1;
  }
}

void gb_html_esc(FILE *f, const char *s) { gb_html_esc_max(f, s, 0); }

void gb_html_json(FILE *f, const cJSON *v) {
  if (!v) return;
  if (cJSON_IsString(v)) {
    gb_html_esc(f, v->valuestring);
    return;
  }
  char *s = cJSON_PrintUnformatted(v);
  gb_html_esc(f, s ? s : "?");
  free(s);
}

void gb_html_count(FILE *f, uint64_t n) {
  char b[32], o[48];
  int len = snprintf(b, sizeof b, "%" PRIu64, n), j = 0;
  for (int k = 0; k < len; k++) {
    if (k && (len - k) % 3 == 0) o[j++] = ',';
    o[j++] = b[k];
  }
  o[j] = 0;
  fputs(o, f);
}
