/* pipe.c — the guest's pipes: ring buffers of Linux's size (64 KiB, F_SETPIPE_SZ up
 * to 1 MiB), as many as the fd table holds, with each end counted over dup so EOF
 * comes when the last writer closes and EPIPE when the last reader has. Every change
 * bumps the pipe's generation (edge-triggered epoll) and wakes the waiters. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define P(i) (&m->w->fs.pipes[i])

static void changed(gb_machine *m, int i) {
  P(i)->gen++;
  gb_wake_epoll(m);
}

int gb_pipe_new(gb_machine *m) {
  gb_fsys *fs = &m->w->fs;
  int i = 0;
  while (i < fs->npipes && (fs->pipes[i].readers || fs->pipes[i].writers)) i++;
  if (i == fs->npipes) {
    if (fs->npipes == fs->cappipes) {
      int cap = fs->cappipes ? fs->cappipes * 2 : 8;
      gb_pipe *p = realloc(fs->pipes, sizeof *p * (size_t)cap);
      if (!p) return -ENOMEM_LINUX;
      fs->pipes = p;
      fs->cappipes = cap;
    }
    memset(&fs->pipes[fs->npipes++], 0, sizeof *fs->pipes);
  }
  gb_pipe *p = P(i);
  free(p->buf);
  memset(p, 0, sizeof *p);
  if (!(p->buf = malloc(GB_PIPE_DEFAULT))) return -ENOMEM_LINUX;
  p->cap = GB_PIPE_DEFAULT;
  p->readers = p->writers = 1;
  return i;
}

void gb_pipe_ref(gb_machine *m, int i, int writer, int delta) {
  gb_pipe *p = P(i);
  if (writer) p->writers += delta;
  else p->readers += delta;
  if (!p->readers && !p->writers) {
    free(p->buf);
    memset(p, 0, sizeof *p);
    gb_wake_epoll(m);
    return;
  }
  if (delta < 0) changed(m, i);
}

int64_t gb_pipe_read(gb_machine *m, int i, uint64_t buf, uint64_t n) {
  gb_pipe *p = P(i);
  if (n == 0) return 0; /* pipe_read: nothing asked, nothing checked */
  if (p->len == 0) return p->writers ? -EAGAIN_LINUX : 0;
  size_t k = p->len < n ? p->len : (size_t)n, done = 0;
  while (done < k) {
    size_t seg = p->cap - p->head < k - done ? p->cap - p->head : k - done;
    if (gb_write(m, buf + done, p->buf + p->head, seg) < 0) break;
    p->head = (p->head + seg) % p->cap;
    p->len -= seg;
    done += seg;
  }
  if (!done) return -EFAULT_LINUX;
  changed(m, i);
  return (int64_t)done;
}

int64_t gb_pipe_write(gb_machine *m, int i, uint64_t buf, uint64_t n) {
  gb_pipe *p = P(i);
  if (n == 0) return 0; /* pipe_write returns before it looks at readers or the buffer */
  if (!p->readers) return -EPIPE_LINUX;
  size_t room = p->cap - p->len;
  /* writes of at most PIPE_BUF are atomic: all at once when there is room, else none */
  if (room == 0 || (n <= GB_PIPE_BUF && room < n)) return -EAGAIN_LINUX;
  size_t k = n < room ? (size_t)n : room, done = 0;
  while (done < k) {
    size_t tail = (p->head + p->len) % p->cap;
    size_t seg = p->cap - tail < k - done ? p->cap - tail : k - done;
    if (gb_read(m, buf + done, p->buf + tail, seg) < 0) break;
    p->len += seg;
    done += seg;
  }
  if (!done) return -EFAULT_LINUX;
  changed(m, i);
  return (int64_t)done;
}

uint32_t gb_pipe_ready(gb_machine *m, int i, int writer) {
  const gb_pipe *p = P(i);
  if (writer) /* writable when a page fits, as Linux says */
    return !p->readers ? EPOLLERR_LINUX | EPOLLOUT_LINUX
         : p->cap - p->len >= 4096 ? EPOLLOUT_LINUX : 0;
  return (p->len ? EPOLLIN_LINUX : 0) | (!p->writers ? EPOLLHUP_LINUX : 0); /* EOF: HUP alone */
}

int64_t gb_pipe_resize(gb_machine *m, int i, uint64_t want) {
  gb_pipe *p = P(i);
  if (want > GB_PIPE_MAX) return -EPERM_LINUX; /* above pipe-max-size, unprivileged */
  size_t cap = 4096;
  while (cap < want) cap *= 2;
  if (cap < p->len) return -EBUSY_LINUX;
  char *b = malloc(cap);
  if (!b) return -ENOMEM_LINUX;
  for (size_t k = 0; k < p->len; k++) b[k] = p->buf[(p->head + k) % p->cap];
  free(p->buf);
  p->buf = b;
  p->cap = cap;
  p->head = 0;
  changed(m, i);
  return (int64_t)cap;
}

void gb_pipes_free(gb_machine *m) {
  for (int i = 0; i < m->w->fs.npipes; i++) free(P(i)->buf);
  free(m->w->fs.pipes);
  m->w->fs.pipes = NULL;
  m->w->fs.npipes = m->w->fs.cappipes = 0;
}
