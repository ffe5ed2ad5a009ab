/* stdin.c — the guest's fd 0: nothing (EOF), a host descriptor the user gave (their
 * stdin or --stdin FILE, read only when the guest reads), or recorded bytes (replay).
 * Every byte the guest reads is kept: its count and sha256 go in the trace summary and
 * the bytes in a recording (opts.stdin_log), so a replay needs no original stdin. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine.h"
#include "sha256.h"

static int keep(gb_machine *m, const unsigned char *b, size_t n) {
  gb_fsys *fs = &m->w->fs;
  if (fs->stdin_len + n > fs->stdin_cap) {
    size_t cap = fs->stdin_cap ? fs->stdin_cap : 4096;
    while (cap < fs->stdin_len + n) cap *= 2;
    unsigned char *d = realloc(fs->stdin_got, cap);
    if (!d) return -1;
    fs->stdin_got = d;
    fs->stdin_cap = cap;
  }
  memcpy(fs->stdin_got + fs->stdin_len, b, n);
  fs->stdin_len += n;
  return 0;
}

/* Up to N bytes of the source into TMP: filled up to N unless EOF; -1 on a host error. */
static ssize_t source(gb_machine *m, unsigned char *tmp, size_t n) {
  gb_fsys *fs = &m->w->fs;
  const gb_emu_opts *o = &m->o;
  if (o->stdin_kind == GB_STDIN_BYTES) {
    size_t left = o->stdin_len - fs->stdin_pos, k = left < n ? left : n;
    memcpy(tmp, o->stdin_data + fs->stdin_pos, k);
    fs->stdin_pos += k;
    return (ssize_t)k;
  }
  if (o->stdin_kind != GB_STDIN_FD) return 0;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(o->stdin_fd, tmp + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return got ? (ssize_t)got : -1;
    if (r == 0) break;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

int64_t gb_stdin_read(gb_machine *m, uint64_t buf, uint64_t n) {
  gb_fsys *fs = &m->w->fs;
  unsigned char tmp[65536];
  fs->stdin_reads++;
  if (fs->stdin_eof || n == 0) return 0;
  size_t k = n < sizeof tmp ? (size_t)n : sizeof tmp;
  ssize_t r = source(m, tmp, k);
  if (r < 0) return -EIO_LINUX;
  if ((size_t)r < k) fs->stdin_eof = 1;
  if (r == 0) return 0;
  if (keep(m, tmp, (size_t)r) < 0) return -ENOMEM_LINUX;
  if (gb_write(m, buf, tmp, (size_t)r) < 0) return -EFAULT_LINUX; /* read, yet lost: as Linux */
  return r;
}

void gb_files_summary(gb_machine *m, cJSON *sum) {
  const gb_fsys *fs = &m->w->fs;
  if (!fs->stdin_reads) return;
  char hex[65];
  gb_sha256_hex(fs->stdin_got ? (const void *)fs->stdin_got : "", fs->stdin_len, hex);
  cJSON *s = cJSON_AddObjectToObject(sum, "stdin");
  cJSON_AddNumberToObject(s, "bytes", (double)fs->stdin_len);
  cJSON_AddStringToObject(s, "sha256", hex);
}

void gb_stdin_free(gb_machine *m) {
  gb_fsys *fs = &m->w->fs;
  if (m->o.stdin_log) {
    free(m->o.stdin_log->data);
    m->o.stdin_log->data = fs->stdin_got;
    m->o.stdin_log->len = fs->stdin_len;
  } else {
    free(fs->stdin_got);
  }
  fs->stdin_got = NULL;
  fs->stdin_len = fs->stdin_cap = 0;
}
