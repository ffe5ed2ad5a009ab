/* html.h — writing untrusted text into HTML/SVG safely. Guest output and trace strings
 * can hold anything: markup characters are entity-escaped, control bytes and invalid
 * UTF-8 are shown as \xNN, valid UTF-8 passes through. */
#ifndef GOBOOT_VIZ_HTML_H
#define GOBOOT_VIZ_HTML_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

/* S escaped for element text and quoted attribute values ('"' and '\'' included).
 * max > 0 shortens to about max characters with an ellipsis. */
void gb_html_esc(FILE *f, const char *s);
void gb_html_esc_max(FILE *f, const char *s, size_t max);
/* A JSON value compactly (strings as their escaped text, others as JSON). */
void gb_html_json(FILE *f, const cJSON *v);
/* 1234567 → "1,234,567". */
void gb_html_count(FILE *f, uint64_t n);

#endif
