/* sys_net.c — the socket syscalls over socket.c's objects (net.h), and what read,
 * write, readv, writev and close do on a socket descriptor (FD_SOCKET). A blocking
 * socket that cannot go on waits in the scheduler and its syscall runs again
 * (gb_restart), as a pipe's does. Addresses are guest sockaddrs in and out. */
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define MAXIO GB_NET_BUF
#define SYS_NET(name) int64_t gb_sys_##name(gb_machine *m, const uint64_t *a, cJSON *ev)

/* The socket behind descriptor FD: its index, -EBADF or -ENOTSOCK. */
static int sock_of(gb_machine *m, uint64_t fd, gb_fd **out) {
  gb_fd *f = gb_getfd(m, fd);
  if (!f) return -EBADF_LINUX;
  if (f->kind != FD_SOCKET) return -ENOTSOCK_LINUX;
  if (out) *out = f;
  return f->pipe;
}

static int fd_for(gb_machine *m, int s, uint64_t flags) {
  int fd = gb_fd_alloc(m);
  if (fd < 0) return fd;
  gb_fd *f = &m->files.fds[fd];
  memset(f, 0, sizeof *f);
  f->node = -1;
  f->kind = FD_SOCKET;
  f->pipe = s;
  f->flags = O_RDWR_LINUX | (uint32_t)(flags & SOCK_NONBLOCK_LINUX);
  f->fdflags = (flags & SOCK_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  return fd;
}

static int read_addr(gb_machine *m, int s, uint64_t addr, uint64_t len, gb_saddr *a) {
  unsigned char raw[128];
  if ((int64_t)len < 0 || len > sizeof raw) return -EINVAL_LINUX;
  if (gb_read(m, addr, raw, (size_t)len) < 0) return -EFAULT_LINUX;
  return gb_saddr_parse(raw, (size_t)len, m->w->net.sk[s].family, a);
}

/* A sockaddr out to ADDR with its length at LENP (as much as fits, the full length told). */
static int put_addr(gb_machine *m, int s, const gb_saddr *a, uint64_t addr, uint64_t lenp) {
  if (!addr || !lenp) return 0;
  unsigned char raw[128];
  size_t n = gb_saddr_put(a, m->w->net.sk[s].family, raw);
  uint32_t cap;
  if (gb_read(m, lenp, &cap, 4) < 0) return -EFAULT_LINUX;
  if ((int32_t)cap < 0) return -EINVAL_LINUX;
  if (gb_write(m, addr, raw, n < cap ? n : cap) < 0) return -EFAULT_LINUX;
  uint32_t w = (uint32_t)n;
  return gb_write(m, lenp, &w, 4) < 0 ? -EFAULT_LINUX : 0;
}

static int nonblock(const gb_fd *f, uint64_t msgflags) {
  return (f->flags & O_NONBLOCK_LINUX) || (msgflags & MSG_DONTWAIT_LINUX);
}

SYS_NET(socket) {
  int type = (int)(a[1] & 0xf);
  if (a[1] & ~(uint64_t)(0xf | SOCK_NONBLOCK_LINUX | SOCK_CLOEXEC_LINUX)) return -EINVAL_LINUX;
  int proto = (int)a[2];
  if (proto && a[0] != AF_UNIX_LINUX &&
      !(type == SOCK_STREAM_LINUX && proto == IPPROTO_TCP_LINUX) &&
      !(type == SOCK_DGRAM_LINUX && proto == IPPROTO_UDP_LINUX))
    return -EPROTONOSUPPORT_LINUX;
  if (proto && a[0] == AF_UNIX_LINUX) return -EPROTONOSUPPORT_LINUX;
  int s = gb_sock_new(m, (int)a[0], type);
  if (s < 0) return s;
  int fd = fd_for(m, s, a[1]);
  if (fd < 0) gb_sock_ref(m, s, -1);
  if (ev) cJSON_AddNumberToObject(ev, "sock", m->w->net.sk[s].seq);
  return fd;
}

SYS_NET(socketpair) {
  int sv[2], type = (int)(a[1] & 0xf);
  if (a[1] & ~(uint64_t)(0xf | SOCK_NONBLOCK_LINUX | SOCK_CLOEXEC_LINUX)) return -EINVAL_LINUX;
  if (a[2]) return -EPROTONOSUPPORT_LINUX;
  int r = gb_sock_pair(m, (int)a[0], type, sv);
  if (r < 0) return r;
  int f0 = fd_for(m, sv[0], a[1]);
  int f1 = f0 < 0 ? f0 : fd_for(m, sv[1], a[1]);
  int32_t fds[2] = {f0, f1};
  if (f1 < 0 || gb_write(m, a[3], fds, 8) < 0) {
    if (f0 >= 0) m->files.fds[f0].kind = FD_NONE;
    gb_sock_ref(m, sv[0], -1);
    gb_sock_ref(m, sv[1], -1);
    return f1 < 0 ? f1 : -EFAULT_LINUX;
  }
  (void)ev;
  return 0;
}

SYS_NET(bind) {
  (void)ev;
  int s = sock_of(m, a[0], NULL);
  if (s < 0) return s;
  gb_saddr ad;
  int r = read_addr(m, s, a[1], a[2], &ad);
  return r < 0 ? r : gb_sock_bind(m, s, &ad);
}

SYS_NET(listen) {
  (void)ev;
  int s = sock_of(m, a[0], NULL);
  return s < 0 ? s : gb_sock_listen(m, s, (int)a[1]);
}

static int64_t accept_common(gb_machine *m, const uint64_t *a, uint64_t flags, int nr, cJSON *ev) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  if (flags & ~(uint64_t)(SOCK_NONBLOCK_LINUX | SOCK_CLOEXEC_LINUX)) return -EINVAL_LINUX;
  if (m->w->net.sk[s].type == SOCK_DGRAM_LINUX) return -ENOTSUP_LINUX;
  if (m->w->net.sk[s].state != GB_SK_LISTEN) return -EINVAL_LINUX;
  if (!m->w->net.sk[s].nacc) return nonblock(f, 0) ? -EAGAIN_LINUX : gb_blocked(m, ev, gb_restart(m, nr));
  int fd = gb_fd_alloc(m);
  if (fd < 0) return fd;
  int c = gb_sock_accept(m, s);
  fd = fd_for(m, c, flags);
  int r = put_addr(m, c, &m->w->net.sk[c].peer, a[1], a[2]);
  return gb_blocked(m, ev, r < 0 ? r : fd);
}

SYS_NET(accept) { return accept_common(m, a, 0, 43, ev); }
SYS_NET(accept4) { return accept_common(m, a, a[3], 288, ev); }

SYS_NET(connect) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  gb_saddr ad;
  int r = read_addr(m, s, a[1], a[2], &ad);
  if (r < 0) return r;
  r = gb_sock_connect(m, s, &ad, nonblock(f, 0));
  if (r == -EAGAIN_LINUX && !nonblock(f, 0)) r = (int)gb_restart(m, 42);
  return gb_blocked(m, ev, r);
}

static int64_t name_common(gb_machine *m, const uint64_t *a, int peer) {
  int s = sock_of(m, a[0], NULL);
  if (s < 0) return s;
  gb_sock *k = &m->w->net.sk[s];
  if (peer && (k->state != GB_SK_CONNECTED || (k->type != SOCK_DGRAM_LINUX && k->peer_sk < 0 && !k->peer_gone)))
    return -ENOTCONN_LINUX;
  gb_saddr none = {.family = k->family};
  if (k->family == AF_INET_LINUX) none.ip[10] = none.ip[11] = 0xff;
  return put_addr(m, s, peer ? &k->peer : k->bound ? &k->local : &none, a[1], a[2]);
}

SYS_NET(getsockname) { (void)ev; return name_common(m, a, 0); }
SYS_NET(getpeername) { (void)ev; return name_common(m, a, 1); }

SYS_NET(setsockopt) {
  (void)ev;
  int s = sock_of(m, a[0], NULL);
  if (s < 0) return s;
  gb_sock *k = &m->w->net.sk[s];
  int32_t v = 0;
  if (a[4] >= 4 && gb_read(m, a[3], &v, 4) < 0) return -EFAULT_LINUX;
  if (a[4] < 4 && a[2] != SO_LINGER_LINUX) return -EINVAL_LINUX;
  if (a[1] == SOL_SOCKET_LINUX) {
    switch (a[2]) {
    case SO_REUSEADDR_LINUX: k->reuse = !!v; return 0;
    case SO_RCVBUF_LINUX: k->rcvbuf = v < 1152 ? 2304 : 2 * v; return 0; /* doubled, as Linux */
    case SO_SNDBUF_LINUX: k->sndbuf = v < 2304 ? 4608 : 2 * v; return 0;
    case SO_KEEPALIVE_LINUX: k->keepalive = !!v; return 0;
    case SO_LINGER_LINUX: case SO_BROADCAST_LINUX: case SO_REUSEPORT_LINUX: return 0;
    default: return 0; /* accepted: nothing on a loopback depends on them */
    }
  }
  if (a[1] == IPPROTO_TCP_LINUX) {
    if (k->type != SOCK_STREAM_LINUX || k->family == AF_UNIX_LINUX) return -ENOTSUP_LINUX;
    if (a[2] == TCP_NODELAY_LINUX) k->nodelay = !!v;
    return 0;
  }
  if (a[1] == IPPROTO_IPV6_LINUX) {
    if (k->family != AF_INET6_LINUX) return -ENOPROTOOPT_LINUX;
    if (a[2] == IPV6_V6ONLY_LINUX) {
      if (k->bound) return -EINVAL_LINUX;
      k->v6only = !!v;
    }
    return 0;
  }
  if (a[1] == IPPROTO_IP_LINUX) return k->family == AF_UNIX_LINUX ? -ENOPROTOOPT_LINUX : 0;
  return -ENOPROTOOPT_LINUX;
}

SYS_NET(getsockopt) {
  (void)ev;
  int s = sock_of(m, a[0], NULL);
  if (s < 0) return s;
  gb_sock *k = &m->w->net.sk[s];
  int32_t v;
  uint32_t len;
  if (gb_read(m, a[4], &len, 4) < 0) return -EFAULT_LINUX;
  if ((int32_t)len < 0) return -EINVAL_LINUX;
  if (a[1] == SOL_SOCKET_LINUX) {
    switch (a[2]) {
    case SO_ERROR_LINUX: v = k->err; k->err = 0; break;
    case SO_TYPE_LINUX: v = k->type; break;
    case SO_DOMAIN_LINUX: v = k->family; break;
    case SO_PROTOCOL_LINUX:
      v = k->family == AF_UNIX_LINUX ? 0 : k->type == SOCK_STREAM_LINUX ? IPPROTO_TCP_LINUX : IPPROTO_UDP_LINUX;
      break;
    case SO_REUSEADDR_LINUX: v = k->reuse; break;
    case SO_RCVBUF_LINUX: v = k->rcvbuf; break;
    case SO_SNDBUF_LINUX: v = k->sndbuf; break;
    case SO_KEEPALIVE_LINUX: v = k->keepalive; break;
    case SO_ACCEPTCONN_LINUX: v = k->state == GB_SK_LISTEN; break;
    default: v = 0; break;
    }
  } else if (a[1] == IPPROTO_TCP_LINUX && a[2] == TCP_NODELAY_LINUX) {
    v = k->nodelay;
  } else if (a[1] == IPPROTO_IPV6_LINUX && a[2] == IPV6_V6ONLY_LINUX) {
    if (k->family != AF_INET6_LINUX) return -ENOPROTOOPT_LINUX;
    v = k->v6only;
  } else {
    return -ENOPROTOOPT_LINUX;
  }
  uint32_t n = len < 4 ? len : 4;
  if (gb_write(m, a[3], &v, n) < 0 || gb_write(m, a[4], &n, 4) < 0) return -EFAULT_LINUX;
  return 0;
}

SYS_NET(shutdown) {
  (void)ev;
  int s = sock_of(m, a[0], NULL);
  return s < 0 ? s : gb_sock_shutdown(m, s, (int)a[1]);
}

/* Guest bytes (IOV pairs) to socket S: count or -errno; blocks (re-running NR) when full. */
static int64_t send_bytes(gb_machine *m, gb_fd *f, int s, const uint64_t *iov, int niov,
                          uint64_t flags, const gb_saddr *to, int nr) {
  size_t total = 0;
  for (int i = 0; i < niov; i++) total += (size_t)iov[2 * i + 1];
  if (total > (64u << 20)) total = 64u << 20;
  char *tmp = malloc(total ? total : 1);
  if (!tmp) return -ENOMEM_LINUX;
  size_t at = 0;
  for (int i = 0; i < niov && at < total; i++) {
    size_t k = iov[2 * i + 1] < total - at ? (size_t)iov[2 * i + 1] : total - at;
    if (k && gb_read(m, iov[2 * i], tmp + at, k) < 0) { free(tmp); return -EFAULT_LINUX; }
    at += k;
  }
  int64_t r = gb_sock_send(m, s, tmp, total, to);
  free(tmp);
  if (r == -EAGAIN_LINUX && !nonblock(f, flags) && nr >= 0) return gb_restart(m, nr);
  return r;
}

/* From socket S into guest IOV pairs: count, 0 EOF, -errno; blocks re-running NR. */
static int64_t recv_bytes(gb_machine *m, gb_fd *f, int s, const uint64_t *iov, int niov,
                          uint64_t flags, gb_saddr *from, size_t *full, int nr) {
  size_t total = 0;
  for (int i = 0; i < niov; i++) total += (size_t)iov[2 * i + 1];
  if (total > MAXIO) total = MAXIO;
  char *tmp = malloc(total ? total : 1);
  if (!tmp) return -ENOMEM_LINUX;
  int64_t r = gb_sock_recv(m, s, tmp, total, (flags & MSG_PEEK_LINUX) != 0, from, full);
  if (r == -EAGAIN_LINUX && !nonblock(f, flags)) {
    free(tmp);
    return gb_restart(m, nr);
  }
  size_t at = 0;
  for (int i = 0; i < niov && r > 0 && at < (size_t)r; i++) {
    size_t k = iov[2 * i + 1] < (size_t)r - at ? (size_t)iov[2 * i + 1] : (size_t)r - at;
    if (k && gb_write(m, iov[2 * i], tmp + at, k) < 0) { free(tmp); return -EFAULT_LINUX; }
    at += k;
  }
  free(tmp);
  return r;
}

int64_t gb_net_read(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, int nr) {
  uint64_t iov[2] = {buf, n};
  return recv_bytes(m, f, f->pipe, iov, 1, 0, NULL, NULL, nr);
}

int64_t gb_net_write(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, int nr) {
  uint64_t iov[2] = {buf, n};
  return send_bytes(m, f, f->pipe, iov, 1, 0, NULL, nr);
}

SYS_NET(sendto) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  gb_saddr to;
  int has = a[4] != 0;
  if (has) {
    int r = read_addr(m, s, a[4], a[5], &to);
    if (r < 0) return r;
    if (m->w->net.sk[s].type != SOCK_DGRAM_LINUX) has = 0; /* ignored (EISCONN on Linux TCP) */
  }
  uint64_t iov[2] = {a[1], a[2]};
  return gb_blocked(m, ev, send_bytes(m, f, s, iov, 1, a[3], has ? &to : NULL, 44));
}

SYS_NET(recvfrom) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  uint64_t iov[2] = {a[1], a[2]};
  gb_saddr from;
  size_t full = 0;
  int64_t r = recv_bytes(m, f, s, iov, 1, a[3], &from, &full, 45);
  if (r >= 0 && !m->files.restarting) {
    int e = put_addr(m, s, &from, a[4], a[5]);
    if (e < 0) return e;
    if ((a[3] & MSG_TRUNC_LINUX) && m->w->net.sk[s].type != SOCK_STREAM_LINUX) r = (int64_t)full;
  }
  return gb_blocked(m, ev, r);
}

/* struct msghdr: name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48 */
static int read_msg(gb_machine *m, uint64_t msg, uint64_t hdr[7], uint64_t **iov) {
  unsigned char raw[56];
  if (gb_read(m, msg, raw, sizeof raw) < 0) return -EFAULT_LINUX;
  uint32_t nl, fl;
  memcpy(&hdr[0], raw, 8);
  memcpy(&nl, raw + 8, 4);
  hdr[1] = nl;
  memcpy(&hdr[2], raw + 16, 8);
  memcpy(&hdr[3], raw + 24, 8);
  memcpy(&hdr[4], raw + 32, 8);
  memcpy(&hdr[5], raw + 40, 8);
  memcpy(&fl, raw + 48, 4);
  hdr[6] = fl;
  if (hdr[3] > 1024) return -EMSGSIZE_LINUX;
  *iov = malloc(16 * (size_t)(hdr[3] ? hdr[3] : 1));
  if (!*iov) return -ENOMEM_LINUX;
  if (hdr[3] && gb_read(m, hdr[2], *iov, 16 * (size_t)hdr[3]) < 0) {
    free(*iov);
    return -EFAULT_LINUX;
  }
  return 0;
}

SYS_NET(sendmsg) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  uint64_t h[7], *iov;
  int r = read_msg(m, a[1], h, &iov);
  if (r < 0) return r;
  gb_saddr to;
  int has = h[0] && h[1] && m->w->net.sk[s].type == SOCK_DGRAM_LINUX;
  if (has && (r = read_addr(m, s, h[0], h[1], &to)) < 0) { free(iov); return r; }
  /* control messages (SCM_RIGHTS, credentials) are not carried: dropped */
  int64_t n = send_bytes(m, f, s, iov, (int)h[3], a[2], has ? &to : NULL, 46);
  free(iov);
  return gb_blocked(m, ev, n);
}

SYS_NET(recvmsg) {
  gb_fd *f;
  int s = sock_of(m, a[0], &f);
  if (s < 0) return s;
  uint64_t h[7], *iov;
  int r = read_msg(m, a[1], h, &iov);
  if (r < 0) return r;
  gb_saddr from;
  size_t full = 0;
  uint64_t want = 0;
  for (uint64_t i = 0; i < h[3]; i++) want += iov[2 * i + 1];
  int64_t n = recv_bytes(m, f, s, iov, (int)h[3], a[2], &from, &full, 47);
  free(iov);
  if (n >= 0 && !m->files.restarting) {
    uint32_t flags = 0, nl = (uint32_t)h[1];
    if (m->w->net.sk[s].type != SOCK_STREAM_LINUX && full > want) flags |= MSG_TRUNC_LINUX;
    if (h[0] && nl) {
      unsigned char raw[128];
      size_t len = gb_saddr_put(&from, m->w->net.sk[s].family, raw);
      if (gb_write(m, h[0], raw, len < nl ? len : nl) < 0) return -EFAULT_LINUX;
      nl = (uint32_t)len;
    }
    uint64_t zero = 0;
    if (gb_write(m, a[1] + 8, &nl, 4) < 0 || gb_write(m, a[1] + 40, &zero, 8) < 0 ||
        gb_write(m, a[1] + 48, &flags, 4) < 0)
      return -EFAULT_LINUX;
    if ((a[2] & MSG_TRUNC_LINUX) && (flags & MSG_TRUNC_LINUX)) n = (int64_t)full;
  }
  return gb_blocked(m, ev, n);
}
