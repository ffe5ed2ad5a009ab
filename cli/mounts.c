/* mounts.c — --mount HOST:GUEST: lists the host tree at HOST (files, directories,
 * symlinks as they are; nothing else) into the run options before the run, and reads a
 * file's bytes only when the guest first opens it (gb_mounts_read: O_RDONLY|O_NOFOLLOW,
 * the listed size checked), read-only and bounded (GB_MOUNT_MAX bytes read in all), so
 * the guest reads only what the user named and a recording keeps the very bytes it
 * read. See mounts.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux.h"
#include "mounts.h"

#define GB_MOUNT_MAX (256u << 20)

/* The host side of the lazy entries: their host paths, by entry index. */
typedef struct gb_mount_src {
  gb_emu_opts *o;
  char **host; int nhost;
  size_t read;          /* bytes read so far (GB_MOUNT_MAX) */
  const char *who;
} gb_mount_src;

typedef struct walk { gb_emu_opts *o; gb_mount_src *src; const char *who; } walk;

static gb_mount_ent *push(gb_emu_opts *o) {
  gb_mount_ent *e = realloc((void *)o->mounts, sizeof *e * (size_t)(o->nmounts + 1));
  if (!e) return NULL;
  o->mounts = e;
  e += o->nmounts++;
  memset(e, 0, sizeof *e);
  return e;
}

static int read_all(const char *path, unsigned char **data, size_t *len, size_t limit) {
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t cap = 4096, n = 0;
  unsigned char *b = malloc(cap);
  for (;;) {
    if (!b) break;
    if (n == cap) {
      unsigned char *nb = realloc(b, cap *= 2);
      if (!nb) { free(b); b = NULL; break; }
      b = nb;
    }
    ssize_t r = read(fd, b + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r < 0) { free(b); b = NULL; }
      break;
    }
    n += (size_t)r;
    if (n > limit) { free(b); b = NULL; errno = EFBIG; break; }
  }
  close(fd);
  if (!b) return -1;
  *data = b;
  *len = n;
  return 0;
}

static int add(walk *w, const char *host, const char *guest) {
  struct stat st;
  if (lstat(host, &st) < 0) goto fail;
  int type = S_ISREG(st.st_mode) ? 1 : S_ISDIR(st.st_mode) ? 2 : S_ISLNK(st.st_mode) ? 3 : 0;
  if (!type) return 0; /* devices, fifos, sockets: not copied */
  gb_mount_ent *e = push(w->o);
  if (!e || !(e->path = strdup(guest))) goto nomem;
  e->type = type;
  e->mode = (uint32_t)st.st_mode & 07777;
  if (type == 1) { /* read when the guest opens it */
    gb_mount_src *s = w->src;
    int i = (int)(e - w->o->mounts);
    if (i >= s->nhost) {
      char **h = realloc(s->host, sizeof *h * (size_t)(i + 1));
      if (!h) goto nomem;
      s->host = h;
      while (s->nhost <= i) s->host[s->nhost++] = NULL;
    }
    if (!(s->host[i] = strdup(host))) goto nomem;
    e->size = (uint64_t)st.st_size;
    e->lazy = 1;
  } else if (type == 3) {
    char t[4096];
    ssize_t n = readlink(host, t, sizeof t);
    if (n < 0) goto fail;
    if (!(e->data = malloc((size_t)n + 1))) goto nomem;
    memcpy(e->data, t, (size_t)n);
    e->len = (size_t)n;
  } else {
    DIR *d = opendir(host);
    if (!d) goto fail;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
      if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
      size_t hl = strlen(host) + strlen(de->d_name) + 2, gl = strlen(guest) + strlen(de->d_name) + 2;
      char *h = malloc(hl), *g = malloc(gl);
      if (!h || !g) { free(h); free(g); closedir(d); goto nomem; }
      snprintf(h, hl, "%s/%s", host, de->d_name);
      snprintf(g, gl, "%s/%s", strcmp(guest, "/") ? guest : "", de->d_name);
      rc = add(w, h, g);
      free(h);
      free(g);
    }
    closedir(d);
    return rc;
  }
  return 0;
fail:
  fprintf(stderr, "goboot %s: --mount %s: %s\n", w->who, host, strerror(errno));
  return -1;
nomem:
  fprintf(stderr, "goboot %s: --mount: out of memory\n", w->who);
  return -1;
}

int gb_mounts_add(gb_emu_opts *o, const char *spec, const char *who) {
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec || colon[1] != '/') {
    fprintf(stderr, "goboot %s: --mount wants HOST:GUEST with GUEST absolute, not '%s'\n", who, spec);
    return -1;
  }
  char host[4096], guest[4096];
  snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
  snprintf(guest, sizeof guest, "%s", colon + 1);
  size_t gl = strlen(guest);
  while (gl > 1 && guest[gl - 1] == '/') guest[--gl] = 0;
  gb_mount_src *src = o->mount_ctx;
  if (!src) {
    if (!(src = calloc(1, sizeof *src))) {
      fprintf(stderr, "goboot %s: --mount: out of memory\n", who);
      return -1;
    }
    src->o = o;
    src->who = who;
    o->mount_ctx = src;
    o->mount_read = gb_mounts_read;
  }
  walk w = {o, src, who};
  return add(&w, host, guest);
}

int gb_mounts_read(void *ctx, int i, const unsigned char **data, size_t *len) {
  gb_mount_src *s = ctx;
  gb_mount_ent *e = (gb_mount_ent *)&s->o->mounts[i];
  if (!e->data && e->size) {
    const char *host = i < s->nhost ? s->host[i] : NULL;
    if (!host) return -EIO_LINUX;
    size_t left = GB_MOUNT_MAX - s->read;
    if (e->size > left) {
      fprintf(stderr, "goboot %s: --mount: reading %s would pass the %u MiB of host bytes a "
              "run may read\n", s->who, host, GB_MOUNT_MAX >> 20);
      return -EIO_LINUX;
    }
    if (read_all(host, &e->data, &e->len, left) < 0 || e->len != e->size) {
      fprintf(stderr, "goboot %s: --mount: %s: %s\n", s->who, host,
              e->data ? "changed since it was listed" : strerror(errno));
      free(e->data);
      e->data = NULL;
      e->len = 0;
      return -EIO_LINUX;
    }
    s->read += e->len;
  }
  *data = e->data;
  *len = e->len;
  return 0;
}

void gb_mounts_free(gb_emu_opts *o) {
  gb_mount_src *s = o->mount_ctx;
  if (s && s->o == o) {
    for (int i = 0; i < s->nhost; i++) free(s->host[i]);
    free(s->host);
    free(s);
    o->mount_ctx = NULL;
    o->mount_read = NULL;
  }
  for (int i = 0; i < o->nmounts; i++) {
    free(o->mounts[i].path);
    free(o->mounts[i].data);
  }
  free((void *)o->mounts);
  o->mounts = NULL;
  o->nmounts = 0;
}
