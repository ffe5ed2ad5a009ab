/* sides.c — the sides of `goboot check` as flat cJSON objects (check.h):
 *   from an oracle state (the prediction, or goboot-rtc's parsed report);
 *   from a Go run's trace: the boot state read at runtime.main (emu/bootstate.c), the
 *   runtime's "fatal error: MSG" line and the line before it in the guest's stderr,
 *   whether the run faulted, and what its syscalls show (an open of /proc/self/auxv:
 *   sysargs' fallback; of /dev/urandom: no AT_RANDOM seed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parts.h"
#include "oracle_json.h"

static void move_item(cJSON *from, cJSON *to, const char *key) {
  cJSON *it = cJSON_DetachItemFromObject(from, key);
  if (it) cJSON_AddItemToObject(to, key, it);
}

cJSON *gb_check_side_from_state(const gb_oracle_state *s) {
  cJSON *o = gb_oracle_to_cjson(s, 1);
  if (!o) return NULL;
  cJSON *x = cJSON_DetachItemFromObject(o, "oracle");
  if (s->have & GB_F_FAULT) move_item(x, o, "fault");
  else if (s->have & GB_F_FATAL) cJSON_AddNullToObject(o, "fault"); /* else undetermined */
  move_item(x, o, "fatal_detail");
  move_item(x, o, "auxv_source");
  if (!s->fatal[0] && !(s->have & GB_F_FAULT)) move_item(x, o, "random_from_urandom");
  if (cJSON_GetObjectItem(x, "undetermined")) move_item(x, o, "undetermined");
  cJSON_Delete(x);
  return o;
}

/* Did the run open PATH (an openat/open event whose arguments name it)? */
static int opened(const cJSON *trace, const char *path) {
  const cJSON *ev;
  cJSON_ArrayForEach(ev, cJSON_GetObjectItem(trace, "events")) {
    const cJSON *name = cJSON_GetObjectItem(ev, "name");
    if (!cJSON_IsString(name) || (strcmp(name->valuestring, "openat") && strcmp(name->valuestring, "open")))
      continue;
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(ev, "args"))
      if (cJSON_IsString(a) && !strcmp(a->valuestring, path)) return 1;
  }
  return 0;
}

/* "fatal error: MSG" in the guest's stderr: MSG, and the non-empty line before it. */
static void add_fatal(cJSON *o, const char *err, int reached, const cJSON *stop) {
  const char *p = err;
  while (p && *p && strncmp(p, "fatal error: ", 13)) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  if (p && *p) {
    const char *m = p + 13, *e = strchr(m, '\n');
    size_t n = e ? (size_t)(e - m) : strlen(m);
    char *msg = strndup(m, n);
    cJSON_AddStringToObject(o, "fatal", msg ? msg : "");
    free(msg);
    if (p > err + 1) { /* the line before */
      const char *q = p - 1, *b = q;
      while (b > err && b[-1] != '\n') b--;
      if (q > b) {
        char *d = strndup(b, (size_t)(q - b));
        if (d) cJSON_AddStringToObject(o, "fatal_detail", d);
        free(d);
      }
    }
    return;
  }
  const cJSON *reason = cJSON_GetObjectItem(stop, "reason");
  if (reached || (cJSON_IsString(reason) && !strcmp(reason->valuestring, "fault"))) {
    cJSON_AddNullToObject(o, "fatal");
    return;
  }
  /* Neither runtime.main nor a fatal: say how it ended, which never matches a prediction. */
  const cJSON *msg = cJSON_GetObjectItem(stop, "message");
  char b[400];
  snprintf(b, sizeof b, "(runtime.main not reached: %s: %s)",
           cJSON_IsString(reason) ? reason->valuestring : "?",
           cJSON_IsString(msg) ? msg->valuestring : "?");
  cJSON_AddStringToObject(o, "fatal", b);
}

cJSON *gb_check_side_from_trace(const gb_emu_result *res) {
  const cJSON *t = res->trace;
  const cJSON *bs = cJSON_GetObjectItem(t, "boot_state");
  const cJSON *stop = cJSON_GetObjectItem(t, "stop");
  const cJSON *out = cJSON_GetObjectItem(t, "output");
  const cJSON *err = cJSON_GetObjectItem(out, "stderr");
  cJSON *o = cJSON_IsObject(bs) ? cJSON_Duplicate(bs, 1) : cJSON_CreateObject();
  if (!o) return NULL;
  int reached = cJSON_IsObject(bs);
  cJSON_DeleteItemFromObject(o, "fatal");
  add_fatal(o, cJSON_IsString(err) ? err->valuestring : "", reached, stop);

  const cJSON *reason = cJSON_GetObjectItem(stop, "reason");
  if (cJSON_IsString(reason) && !strcmp(reason->valuestring, "fault") && !reached) {
    const cJSON *msg = cJSON_GetObjectItem(stop, "message");
    cJSON_AddStringToObject(o, "fault", cJSON_IsString(msg) ? msg->valuestring : "fault");
  } else {
    cJSON_AddNullToObject(o, "fault");
  }
  cJSON_AddStringToObject(o, "auxv_source", opened(t, "/proc/self/auxv") ? "proc" : "stack");
  if (reached) cJSON_AddBoolToObject(o, "random_from_urandom", opened(t, "/dev/urandom"));
  return o;
}

cJSON *gb_check_side_from_rtc(const gb_emu_result *res, char *err, size_t errlen) {
  const cJSON *out = cJSON_GetObjectItem(res->trace, "output");
  const cJSON *so = cJSON_GetObjectItem(out, "stdout");
  gb_oracle_state s;
  char why[200];
  if (!cJSON_IsString(so) || gb_oracle_parse_report(so->valuestring, &s, why, sizeof why)) {
    const cJSON *se = cJSON_GetObjectItem(out, "stderr");
    snprintf(err, errlen, "goboot-rtc under emulation gave no report (%s; stopped: %s; stderr: %.200s)",
             cJSON_IsString(so) ? why : "no output", res->message,
             cJSON_IsString(se) ? se->valuestring : "");
    return NULL;
  }
  return gb_check_side_from_state(&s);
}
