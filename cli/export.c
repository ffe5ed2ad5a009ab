/* export.c — --export GUEST:HOSTDIR: the guest's files written out after the run. Only
 * below HOSTDIR, which this file makes (mkdir fails if anything is there), and only
 * through names it made itself: every directory is a fresh mkdir, every file a fresh
 * O_CREAT|O_EXCL|O_NOFOLLOW, every guest symlink a host symlink that is never followed,
 * and a name that could step elsewhere ("", ".", "..", one with '/') is refused. Modes
 * are the guest's permission bits without set-id bits; a directory gets its mode once
 * its contents are written. See export.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"

int gb_export_parse(gb_export *x, const char *spec, const char *who) {
  const char *colon = strchr(spec, ':');
  if (!colon || spec[0] != '/' || !colon[1] || (size_t)(colon - spec) >= sizeof x->guest ||
      strlen(colon + 1) >= sizeof x->host) {
    fprintf(stderr, "goboot %s: --export wants GUEST:HOSTDIR with GUEST absolute, not '%s'\n", who, spec);
    return -1;
  }
  snprintf(x->guest, sizeof x->guest, "%.*s", (int)(colon - spec), spec);
  snprintf(x->host, sizeof x->host, "%s", colon + 1);
  struct stat st;
  if (lstat(x->host, &st) == 0 || errno != ENOENT) {
    fprintf(stderr, "goboot %s: --export: %s must not exist\n", who, x->host);
    return -1;
  }
  return 0;
}

/* Each component of the relative guest PATH is a plain name. */
static int plain(const char *path) {
  for (const char *p = path;;) {
    const char *s = strchr(p, '/');
    size_t n = s ? (size_t)(s - p) : strlen(p);
    if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
    if (!s) return 1;
    p = s + 1;
  }
}

static int write_file(const char *path, const gb_mount_ent *e) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  size_t off = 0;
  while (off < e->len) {
    ssize_t w = write(fd, e->data + off, e->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      return -1;
    }
    off += (size_t)w;
  }
  if (fchmod(fd, e->mode & 0777) < 0) {
    close(fd);
    return -1;
  }
  return close(fd);
}

int gb_export_write(const gb_export *x, const gb_mount_ent *ents, int n, const char *who) {
  char path[8192];
  if (n < 0) {
    fprintf(stderr, "goboot %s: --export: %s is not a directory at the end of the run\n", who, x->guest);
    return -1;
  }
  if (mkdir(x->host, 0700) < 0) {
    fprintf(stderr, "goboot %s: --export: %s: %s\n", who, x->host, strerror(errno));
    return -1;
  }
  for (int i = 0; i < n; i++) {
    const gb_mount_ent *e = &ents[i];
    if (!e->path[0] && e->type == 2) continue; /* GUEST itself: HOSTDIR */
    if (!plain(e->path)) {
      fprintf(stderr, "goboot %s: --export: refusing the guest name '%s'\n", who, e->path);
      return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", x->host, e->path) >= sizeof path) {
      errno = ENAMETOOLONG;
      goto fail;
    }
    int r = 0;
    if (e->type == 1) {
      r = write_file(path, e);
    } else if (e->type == 2) {
      r = mkdir(path, 0700);
    } else if (e->type == 3) {
      char t[4097];
      snprintf(t, sizeof t, "%.*s", (int)e->len, (const char *)e->data);
      r = symlink(t, path);
    }
    if (r < 0) goto fail;
  }
  for (int i = n - 1; i >= 0; i--) { /* children first: a 0555 directory is filled first */
    if (ents[i].type != 2) continue;
    snprintf(path, sizeof path, "%s%s%s", x->host, ents[i].path[0] ? "/" : "", ents[i].path);
    if (chmod(path, ents[i].mode & 01777) < 0) goto fail;
  }
  return 0;
fail:
  fprintf(stderr, "goboot %s: --export: %s: %s\n", who, path, strerror(errno));
  return -1;
}
