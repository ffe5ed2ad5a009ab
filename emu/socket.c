/* socket.c — the guest's sockets as objects in goboot's memory (net.h): names,
 * connections, byte streams and datagram queues between two sockets of one run.
 * Nothing here reaches the host. A connection is made at once (loopback has no
 * latency): connect() queues the server's end on the listener. Every change bumps the
 * generation of both ends (edge-triggered epoll) and wakes the waiters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define S(i) (&m->w->net.sk[i])

static void ev(gb_machine *m, gb_event_kind k, int s, const gb_saddr *a, int err) {
  cJSON *e = gb_trace_event(m, k);
  if (!e) return;
  cJSON_AddNumberToObject(e, "sock", S(s)->seq);
  cJSON_AddStringToObject(e, "family", S(s)->family == AF_UNIX_LINUX ? "unix"
                          : S(s)->family == AF_INET_LINUX ? "inet" : "inet6");
  cJSON_AddStringToObject(e, "type", S(s)->type == SOCK_STREAM_LINUX ? "stream"
                          : S(s)->type == SOCK_DGRAM_LINUX ? "dgram" : "seqpacket");
  if (a) {
    char b[160];
    gb_saddr_str(a, b, sizeof b);
    cJSON_AddStringToObject(e, "addr", b);
  }
  if (err) cJSON_AddStringToObject(e, "errno", gb_errno_name_linux(err));
}

static void changed(gb_machine *m, int s) {
  S(s)->gen++;
  if (S(s)->peer_sk >= 0) S(S(s)->peer_sk)->gen++;
  gb_wake_epoll(m);
}

int gb_sock_new(gb_machine *m, int family, int type) {
  if (family != AF_UNIX_LINUX && family != AF_INET_LINUX && family != AF_INET6_LINUX)
    return -EAFNOSUPPORT_LINUX;
  if (type != SOCK_STREAM_LINUX && type != SOCK_DGRAM_LINUX &&
      !(type == SOCK_SEQPACKET_LINUX && family == AF_UNIX_LINUX))
    return -ESOCKTNOSUPPORT_LINUX;
  gb_net *n = &m->w->net;
  int i = 0;
  while (i < n->nsk && n->sk[i].state != GB_SK_FREE) i++;
  if (i == n->nsk) {
    if (n->nsk == n->capsk) {
      int cap = n->capsk ? n->capsk * 2 : 16;
      gb_sock *p = realloc(n->sk, sizeof *p * (size_t)cap);
      if (!p) return -ENOMEM_LINUX;
      n->sk = p;
      n->capsk = cap;
    }
    n->nsk++;
  }
  gb_sock *k = S(i);
  memset(k, 0, sizeof *k);
  k->state = GB_SK_NEW;
  k->family = family;
  k->type = type;
  k->refs = 1;
  k->peer_sk = -1;
  k->rcvbuf = k->sndbuf = 212992; /* net.core.rmem_default */
  k->seq = ++n->created;
  ev(m, GB_EV_NET_SOCKET, i, NULL, 0);
  return i;
}

static void drop_queue(gb_sock *k) {
  for (int j = 0; j < k->nq; j++) free(k->q[j].data);
  k->nq = 0;
  k->qbytes = 0;
}

/* The last descriptor closed: tell the peer, drop waiting connections. */
static void destroy(gb_machine *m, int s) {
  gb_sock *k = S(s);
  ev(m, GB_EV_NET_CLOSE, s, k->bound ? &k->local : NULL, 0);
  if (k->peer_sk >= 0) {
    gb_sock *p = S(k->peer_sk);
    p->peer_gone = 1;
    if (k->len || k->nq) p->err = ECONNRESET_LINUX; /* closed with unread data: RST */
    p->peer_sk = -1;
    p->gen++;
  }
  for (int j = 0; j < k->nacc; j++) { /* never accepted: their clients are reset */
    int c = k->acc[j];
    S(c)->refs = 1;
    destroy(m, c);
  }
  if (k->node) gb_fs_put(m, k->node - 1);
  free(k->acc);
  free(k->buf);
  drop_queue(k);
  free(k->q);
  /* datagram sockets connected to this one keep their address: later sends are refused */
  memset(k, 0, sizeof *k);
  k->peer_sk = -1;
  gb_wake_epoll(m);
}

void gb_sock_ref(gb_machine *m, int s, int delta) {
  S(s)->refs += delta;
  if (S(s)->refs <= 0) destroy(m, s);
}

void gb_net_free(gb_machine *m) {
  for (int i = 0; i < m->w->net.nsk; i++) {
    free(S(i)->acc);
    free(S(i)->buf);
    drop_queue(S(i));
    free(S(i)->q);
  }
  free(m->w->net.sk);
  memset(&m->w->net, 0, sizeof m->w->net);
}

/* ---- addresses ---- */
static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int gb_saddr_parse(const void *raw, size_t n, int family, gb_saddr *a) {
  const unsigned char *b = raw;
  memset(a, 0, sizeof *a);
  if (n < 2) return -EINVAL_LINUX;
  uint16_t fam;
  memcpy(&fam, b, 2);
  if (family == AF_UNIX_LINUX) {
    if (fam != AF_UNIX_LINUX) return -EINVAL_LINUX;
    if (n > 110) return -EINVAL_LINUX;
    a->family = AF_UNIX_LINUX;
    a->len = (int)n - 2;
    memcpy(a->path, b + 2, (size_t)a->len);
    if (a->len && a->path[0]) a->len = (int)strnlen(a->path, (size_t)a->len); /* a path: to its NUL */
    return 0;
  }
  if (fam == AF_INET_LINUX) {
    if (n < 16) return -EINVAL_LINUX;
    if (family == AF_INET6_LINUX) return -EAFNOSUPPORT_LINUX;
    a->family = AF_INET_LINUX;
    a->port = (uint16_t)(b[2] << 8 | b[3]);
    memcpy(a->ip, mapped, 12);
    memcpy(a->ip + 12, b + 4, 4);
    return 0;
  }
  if (fam == AF_INET6_LINUX) {
    if (n < 24) return -EINVAL_LINUX;
    if (family == AF_INET_LINUX) return -EAFNOSUPPORT_LINUX;
    a->family = AF_INET6_LINUX;
    a->port = (uint16_t)(b[2] << 8 | b[3]);
    memcpy(a->ip, b + 8, 16);
    return 0;
  }
  return family == AF_INET_LINUX ? -EAFNOSUPPORT_LINUX : -EINVAL_LINUX;
}

static int is_v4(const uint8_t *ip) { return !memcmp(ip, mapped, 12); }
static int is_any(const uint8_t *ip) {
  static const uint8_t z[16];
  return !memcmp(ip, z, 16) || (is_v4(ip) && !memcmp(ip + 12, z, 4));
}
static int is_loop(const uint8_t *ip) {
  static const uint8_t one[16] = {[15] = 1};
  return !memcmp(ip, one, 16) || (is_v4(ip) && ip[12] == 127);
}

size_t gb_saddr_put(const gb_saddr *a, int family, unsigned char *out) {
  memset(out, 0, 110);
  uint16_t fam = (uint16_t)family;
  memcpy(out, &fam, 2);
  if (family == AF_UNIX_LINUX) {
    memcpy(out + 2, a->path, (size_t)a->len);
    return 2 + (size_t)a->len + (a->len && a->path[0] ? 1 : 0); /* a path's NUL counts */
  }
  out[2] = (uint8_t)(a->port >> 8), out[3] = (uint8_t)a->port;
  if (family == AF_INET_LINUX) {
    memcpy(out + 4, a->ip + 12, 4);
    return 16;
  }
  memcpy(out + 8, a->ip, 16);
  return 28;
}

void gb_saddr_str(const gb_saddr *a, char *out, size_t cap) {
  if (a->family == AF_UNIX_LINUX) {
    if (!a->len) snprintf(out, cap, "(unnamed)");
    else if (!a->path[0]) snprintf(out, cap, "@%.*s", a->len - 1, a->path + 1);
    else snprintf(out, cap, "%.*s", a->len, a->path);
    return;
  }
  if (a->family == AF_INET_LINUX || is_v4(a->ip)) {
    snprintf(out, cap, "%u.%u.%u.%u:%u", a->ip[12], a->ip[13], a->ip[14], a->ip[15], a->port);
    return;
  }
  size_t o = (size_t)snprintf(out, cap, "[");
  for (int i = 0; i < 16 && o < cap; i += 2)
    o += (size_t)snprintf(out + o, cap - o, "%s%x", i ? ":" : "", a->ip[i] << 8 | a->ip[i + 1]);
  if (o < cap) snprintf(out + o, cap - o, "]:%u", a->port);
}

/* ---- names ---- */
/* An AF_UNIX path name's inode: 0 with *NODE, or -errno (-ENOENT, -ECONNREFUSED when
 * it is not a socket). */
static int unix_node(gb_machine *m, const gb_saddr *a, int *node) {
  char p[109];
  gb_fs_where w;
  memcpy(p, a->path, (size_t)a->len);
  p[a->len] = 0;
  int r = gb_fs_walk(m, AT_FDCWD_LINUX, p, 1, &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  if (m->w->fs.nodes[w.node].type != GB_INO_SOCK) return -ECONNREFUSED_LINUX;
  *node = w.node;
  return 0;
}

static int same_name(const gb_saddr *x, const gb_saddr *y) {
  return x->len == y->len && x->len && !memcmp(x->path, y->path, (size_t)x->len);
}

/* Does bound socket K (INET) take address A of socket type TYPE? */
static int covers(const gb_sock *k, int type, const uint8_t *ip, uint16_t port, int family) {
  if (k->state == GB_SK_FREE || !k->bound || k->family == AF_UNIX_LINUX || k->type != type ||
      k->local.port != port)
    return 0;
  if (is_any(k->local.ip)) {
    (void)family;
    if (k->family == AF_INET_LINUX) return is_v4(ip);
    return !is_v4(ip) || !k->v6only;
  }
  if (is_v4(k->local.ip) != is_v4(ip)) return 0;
  return !memcmp(k->local.ip, ip, 16) || is_any(ip);
}

static int port_used(gb_machine *m, int s, int type, const uint8_t *ip, uint16_t port) {
  for (int i = 0; i < m->w->net.nsk; i++) {
    gb_sock *k = S(i);
    if (i == s || !k->bound || k->family == AF_UNIX_LINUX || k->type != type || k->local.port != port)
      continue;
    int overlap = is_any(ip) || is_any(k->local.ip) || !memcmp(ip, k->local.ip, 16);
    if (is_v4(ip) != is_v4(k->local.ip) && !is_any(ip) && !is_any(k->local.ip)) overlap = 0;
    if (!is_any(k->local.ip) && !is_v4(k->local.ip) && is_v4(ip)) overlap = 0;
    if (is_any(k->local.ip) && k->family == AF_INET6_LINUX && k->v6only && is_v4(ip)) overlap = 0;
    if (is_any(k->local.ip) && k->family == AF_INET_LINUX && !is_v4(ip)) overlap = 0;
    if (!overlap) continue;
    if (S(s)->reuse && k->reuse && (type == SOCK_DGRAM_LINUX || k->state != GB_SK_LISTEN)) continue;
    return 1;
  }
  return 0;
}

static int ephemeral(gb_machine *m, int s, const uint8_t *ip) {
  gb_net *n = &m->w->net;
  for (int tries = 0; tries <= GB_NET_PORT_HI - GB_NET_PORT_LO; tries++) {
    if (n->next_port < GB_NET_PORT_LO || n->next_port > GB_NET_PORT_HI) n->next_port = GB_NET_PORT_LO;
    uint16_t p = (uint16_t)n->next_port++;
    if (!port_used(m, s, S(s)->type, ip, p)) return p;
  }
  return -EADDRINUSE_LINUX; /* all 28232 taken */
}

int gb_sock_bind(gb_machine *m, int s, const gb_saddr *a) {
  gb_sock *k = S(s);
  if (k->bound) return -EINVAL_LINUX;
  if (k->family == AF_UNIX_LINUX) {
    if (a->len == 0) { /* autobind: an abstract name of 5 hex digits */
      gb_saddr b = {.family = AF_UNIX_LINUX, .len = 6};
      snprintf(b.path + 1, sizeof b.path - 1, "%05x", k->seq);
      k->local = b;
    } else if (a->path[0]) { /* a path: a socket inode in the tree (mode 0777 & ~umask) */
      char p[109];
      gb_fs_where w;
      memcpy(p, a->path, (size_t)a->len);
      p[a->len] = 0;
      int r = gb_fs_walk(m, AT_FDCWD_LINUX, p, 0, &w);
      if (r < 0) return r;
      if (w.node >= 0) return -EADDRINUSE_LINUX;
      if (w.dir < 0 || !w.name[0]) return -ENOENT_LINUX;
      int n = gb_fs_create(m, &w, GB_INO_SOCK, 0777 & ~m->files.umask);
      if (n < 0) return n;
      m->w->fs.nodes[n].opens++;
      k->node = n + 1;
      k->local = *a;
    } else {
      for (int i = 0; i < m->w->net.nsk; i++)
        if (S(i)->bound && S(i)->family == AF_UNIX_LINUX && same_name(&S(i)->local, a))
          return -EADDRINUSE_LINUX;
      k->local = *a;
    }
    k->bound = 1;
    ev(m, GB_EV_NET_BIND, s, &k->local, 0);
    return 0;
  }
  if (!is_any(a->ip) && !is_loop(a->ip)) return -EADDRNOTAVAIL_LINUX; /* no such interface */
  if (k->family == AF_INET6_LINUX && k->v6only && is_v4(a->ip)) return -EINVAL_LINUX;
  gb_saddr b = *a;
  if (b.port == 0) {
    int p = ephemeral(m, s, b.ip);
    if (p < 0) return p;
    b.port = (uint16_t)p;
  } else if (port_used(m, s, k->type, b.ip, b.port)) {
    return -EADDRINUSE_LINUX;
  }
  k->local = b;
  k->local.family = k->family;
  k->bound = 1;
  ev(m, GB_EV_NET_BIND, s, &k->local, 0);
  return 0;
}

int gb_sock_listen(gb_machine *m, int s, int backlog) {
  gb_sock *k = S(s);
  if (k->type == SOCK_DGRAM_LINUX) return -ENOTSUP_LINUX; /* EOPNOTSUPP */
  if (k->state == GB_SK_CONNECTED) return -EINVAL_LINUX;
  if (!k->bound) {
    if (k->family == AF_UNIX_LINUX) return -EINVAL_LINUX;
    gb_saddr any = {.family = k->family};
    if (k->family == AF_INET_LINUX) memcpy(any.ip, mapped, 12);
    int r = gb_sock_bind(m, s, &any);
    if (r < 0) return r;
  }
  if (backlog < 0 || backlog > 4096) backlog = 4096; /* net.core.somaxconn */
  k->backlog = backlog;
  k->state = GB_SK_LISTEN;
  ev(m, GB_EV_NET_LISTEN, s, &k->local, 0);
  changed(m, s);
  return 0;
}

/* The socket listening at A for a TYPE socket of FAMILY, or -1. */
static int find_listener(gb_machine *m, int family, int type, const gb_saddr *a, int listening) {
  int any = -1, node = -1;
  if (family == AF_UNIX_LINUX && a->len && a->path[0] && unix_node(m, a, &node) < 0) return -1;
  for (int i = 0; i < m->w->net.nsk; i++) {
    gb_sock *k = S(i);
    if (k->state == GB_SK_FREE || !k->bound || (listening && k->state != GB_SK_LISTEN)) continue;
    if (family == AF_UNIX_LINUX) {
      if (k->family == AF_UNIX_LINUX && k->type == type &&
          (node >= 0 ? k->node == node + 1 : same_name(&k->local, a)))
        return i;
      continue;
    }
    if (k->family == AF_UNIX_LINUX || !covers(k, type, a->ip, a->port, family)) continue;
    if (!is_any(k->local.ip)) return i; /* a specific address wins over a wildcard */
    if (any < 0) any = i;
  }
  return any;
}

/* A destination as Linux routes it: the wildcard is the loopback itself. 0 or
 * -ENETUNREACH (any address off the loopback). */
static int route(gb_machine *m, int s, gb_saddr *a) {
  if (S(s)->family == AF_UNIX_LINUX) return 0;
  if (is_any(a->ip)) {
    if (is_v4(a->ip)) a->ip[12] = 127, a->ip[15] = 1;
    else a->ip[15] = 1;
  }
  if (!is_loop(a->ip)) {
    ev(m, GB_EV_NET_UNREACHABLE, s, a, ENETUNREACH_LINUX);
    return -ENETUNREACH_LINUX;
  }
  if (S(s)->family == AF_INET6_LINUX && S(s)->v6only && is_v4(a->ip)) return -ENETUNREACH_LINUX;
  return 0;
}

/* An unbound INET socket about to talk to A gets an ephemeral port on A's loopback. */
static int autobind(gb_machine *m, int s, const gb_saddr *a) {
  gb_sock *k = S(s);
  if (k->family == AF_UNIX_LINUX) return 0;
  if (!k->bound) {
    gb_saddr b = {.family = k->family};
    memcpy(b.ip, a->ip, 16);
    int r = gb_sock_bind(m, s, &b);
    if (r < 0) return r;
  }
  if (is_any(k->local.ip)) memcpy(k->local.ip, a->ip, 16); /* the route's source */
  return 0;
}

int gb_sock_connect(gb_machine *m, int s, const gb_saddr *dst, int nonblock) {
  gb_sock *k = S(s);
  gb_saddr a = *dst;
  if (k->family != AF_UNIX_LINUX && a.family == 0) return -EAFNOSUPPORT_LINUX;
  int r = route(m, s, &a);
  if (r < 0) return r;
  int node;
  if (k->family == AF_UNIX_LINUX && a.len && a.path[0] && (r = unix_node(m, &a, &node)) < 0) {
    if (r == -ECONNREFUSED_LINUX) ev(m, GB_EV_NET_REFUSED, s, &a, ECONNREFUSED_LINUX);
    return r;
  }
  if (k->type == SOCK_DGRAM_LINUX) { /* only sets the peer */
    if ((r = autobind(m, s, &a)) < 0) return r;
    if (k->family == AF_UNIX_LINUX && find_listener(m, AF_UNIX_LINUX, SOCK_DGRAM_LINUX, &a, 0) < 0) {
      ev(m, GB_EV_NET_REFUSED, s, &a, ECONNREFUSED_LINUX);
      return -ECONNREFUSED_LINUX;
    }
    k->peer = a;
    k->peer.family = k->family;
    k->state = GB_SK_CONNECTED;
    ev(m, GB_EV_NET_CONNECT, s, &a, 0);
    return 0;
  }
  if (k->state == GB_SK_CONNECTED) return -EISCONN_LINUX;
  if (k->state == GB_SK_LISTEN) return -EINVAL_LINUX;
  int l = find_listener(m, k->family, k->type, &a, 1);
  if (l < 0) {
    ev(m, GB_EV_NET_REFUSED, s, &a, ECONNREFUSED_LINUX);
    if (nonblock && k->family != AF_UNIX_LINUX) { /* reported later, as the RST is */
      k->state = GB_SK_REFUSED;
      k->err = ECONNREFUSED_LINUX;
      changed(m, s);
      return -EINPROGRESS_LINUX;
    }
    return -ECONNREFUSED_LINUX;
  }
  if (S(l)->nacc > S(l)->backlog) {
    if (k->family == AF_UNIX_LINUX) return -EAGAIN_LINUX;
  }
  if ((r = autobind(m, s, &a)) < 0) return r;
  int c = gb_sock_new(m, S(l)->family, k->type);
  if (c < 0) return c;
  k = S(s);
  gb_sock *l2 = S(l), *sv = S(c);
  if (l2->nacc == l2->capacc) {
    int cap = l2->capacc ? l2->capacc * 2 : 8;
    int *p = realloc(l2->acc, sizeof *p * (size_t)cap);
    if (!p) { gb_sock_ref(m, c, -1); return -ENOMEM_LINUX; }
    l2->acc = p;
    l2->capacc = cap;
  }
  l2->acc[l2->nacc++] = c;
  sv->refs = 0; /* held by the accept queue until accepted */
  sv->state = k->state = GB_SK_CONNECTED;
  sv->bound = 1;
  sv->local = l2->local;
  sv->reuse = l2->reuse;
  if (k->family != AF_UNIX_LINUX) memcpy(sv->local.ip, a.ip, 16);
  sv->local.family = sv->family;
  sv->peer = k->local;
  sv->peer.family = sv->family;
  k->peer = sv->local;
  k->peer.family = k->family;
  sv->peer_sk = s;
  k->peer_sk = c;
  ev(m, GB_EV_NET_CONNECT, s, &a, 0);
  changed(m, s);
  changed(m, l);
  return nonblock && k->family != AF_UNIX_LINUX ? -EINPROGRESS_LINUX : 0;
}

int gb_sock_accept(gb_machine *m, int s) {
  gb_sock *k = S(s);
  if (k->state != GB_SK_LISTEN) return -EINVAL_LINUX;
  if (!k->nacc) return -EAGAIN_LINUX;
  int c = k->acc[0];
  memmove(k->acc, k->acc + 1, sizeof *k->acc * (size_t)--k->nacc);
  S(c)->refs = 1;
  ev(m, GB_EV_NET_ACCEPT, c, &S(c)->peer, 0);
  changed(m, s);
  return c;
}

int gb_sock_pair(gb_machine *m, int family, int type, int sv[2]) {
  if (family != AF_UNIX_LINUX) return family == AF_INET_LINUX || family == AF_INET6_LINUX
                                        ? -ENOTSUP_LINUX : -EAFNOSUPPORT_LINUX;
  int a = gb_sock_new(m, family, type);
  if (a < 0) return a;
  int b = gb_sock_new(m, family, type);
  if (b < 0) { gb_sock_ref(m, a, -1); return b; }
  S(a)->peer_sk = b, S(b)->peer_sk = a;
  S(a)->state = S(b)->state = GB_SK_CONNECTED;
  S(a)->peer.family = S(b)->peer.family = AF_UNIX_LINUX;
  S(a)->local.family = S(b)->local.family = AF_UNIX_LINUX;
  sv[0] = a, sv[1] = b;
  return 0;
}

/* ---- data ---- */
static int64_t push_dgram(gb_machine *m, int to, const char *buf, size_t n, const gb_saddr *from) {
  gb_sock *d = S(to);
  if (d->shut_rd) return (int64_t)n; /* dropped */
  if (d->qbytes + n > GB_NET_BUF && d->nq) return -EAGAIN_LINUX;
  if (d->nq == d->capq) {
    int cap = d->capq ? d->capq * 2 : 8;
    gb_dgram *q = realloc(d->q, sizeof *q * (size_t)cap);
    if (!q) return -ENOMEM_LINUX;
    d->q = q;
    d->capq = cap;
  }
  char *data = malloc(n ? n : 1);
  if (!data) return -ENOMEM_LINUX;
  memcpy(data, buf, n);
  d->q[d->nq].data = data;
  d->q[d->nq].len = (size_t)n;
  d->q[d->nq].from = *from;
  d->q[d->nq].from.family = d->family;
  d->nq++;
  d->qbytes += n;
  d->gen++;
  gb_wake_epoll(m);
  return (int64_t)n;
}

int64_t gb_sock_send(gb_machine *m, int s, const char *buf, size_t n, const gb_saddr *to) {
  gb_sock *k = S(s);
  if (k->shut_wr) return -EPIPE_LINUX;
  if (k->type == SOCK_DGRAM_LINUX) {
    gb_saddr a;
    if (to) a = *to;
    else if (k->state == GB_SK_CONNECTED) a = k->peer;
    else return k->family == AF_UNIX_LINUX ? -ENOTCONN_LINUX : -EDESTADDRREQ_LINUX;
    int r = route(m, s, &a);
    if (r < 0) return r;
    if (n > 65507 && k->family != AF_UNIX_LINUX) return -EMSGSIZE_LINUX;
    if ((r = autobind(m, s, &a)) < 0) return r;
    int d = find_listener(m, k->family == AF_UNIX_LINUX ? AF_UNIX_LINUX : a.family ? a.family : k->family,
                          SOCK_DGRAM_LINUX, &a, 0);
    if (d < 0) {
      if (k->family == AF_UNIX_LINUX) return to ? -ENOENT_LINUX : -ECONNREFUSED_LINUX;
      /* UDP: sent; the ICMP port-unreachable reaches a connected socket as an error */
      if (k->state == GB_SK_CONNECTED) {
        k->err = ECONNREFUSED_LINUX;
        ev(m, GB_EV_NET_REFUSED, s, &a, ECONNREFUSED_LINUX);
        changed(m, s);
      }
      return (int64_t)n;
    }
    return push_dgram(m, d, buf, n, &k->local);
  }
  if (k->err && k->state != GB_SK_CONNECTED) {
    int e = k->err;
    k->err = 0;
    return -e;
  }
  if (k->state != GB_SK_CONNECTED) return -ENOTCONN_LINUX;
  if (k->peer_gone || k->peer_sk < 0) return -EPIPE_LINUX;
  int p = k->peer_sk;
  if (k->type == SOCK_SEQPACKET_LINUX) return push_dgram(m, p, buf, n, &k->local);
  gb_sock *d = S(p);
  if (d->shut_rd) return -EPIPE_LINUX;
  if (d->head && d->head + d->len + n > d->cap) { /* compact */
    memmove(d->buf, d->buf + d->head, d->len);
    d->head = 0;
  }
  size_t room = GB_NET_BUF - d->len;
  if (!room) return -EAGAIN_LINUX;
  size_t k2 = n < room ? (size_t)n : room;
  if (d->head + d->len + k2 > d->cap) {
    size_t cap = d->cap ? d->cap : 4096;
    while (cap < d->head + d->len + k2) cap *= 2;
    char *b = realloc(d->buf, cap);
    if (!b) return -ENOMEM_LINUX;
    d->buf = b;
    d->cap = cap;
  }
  memcpy(d->buf + d->head + d->len, buf, k2);
  d->len += k2;
  changed(m, s);
  return (int64_t)k2;
}

int64_t gb_sock_recv(gb_machine *m, int s, char *buf, size_t n, int peek,
                     gb_saddr *from, size_t *full) {
  gb_sock *k = S(s);
  if (from) *from = k->peer;
  if (k->type != SOCK_STREAM_LINUX) {
    if (!k->nq) {
      if (k->err) { int e = k->err; k->err = 0; return -e; }
      if (k->shut_rd || (k->type == SOCK_SEQPACKET_LINUX && (k->peer_gone || k->state != GB_SK_CONNECTED ||
                                                             (k->peer_sk >= 0 && S(k->peer_sk)->shut_wr))))
        return 0;
      return -EAGAIN_LINUX;
    }
    gb_dgram *g = &k->q[0];
    size_t c = g->len < n ? g->len : (size_t)n;
    memcpy(buf, g->data, c);
    if (from) *from = g->from;
    if (full) *full = g->len;
    if (!peek) {
      k->qbytes -= g->len;
      free(g->data);
      memmove(k->q, k->q + 1, sizeof *k->q * (size_t)--k->nq);
      changed(m, s);
    }
    return (int64_t)c;
  }
  if (!k->len) {
    if (k->err) { int e = k->err; k->err = 0; return -e; }
    if (k->state != GB_SK_CONNECTED) return k->state == GB_SK_NEW ? -ENOTCONN_LINUX : 0;
    if (k->shut_rd || k->peer_gone || (k->peer_sk >= 0 && S(k->peer_sk)->shut_wr)) return 0;
    if (n == 0) return 0;
    return -EAGAIN_LINUX;
  }
  size_t c = k->len < n ? k->len : (size_t)n;
  memcpy(buf, k->buf + k->head, c);
  if (full) *full = c;
  if (!peek) {
    k->head += c;
    k->len -= c;
    if (!k->len) k->head = 0;
    changed(m, s);
  }
  return (int64_t)c;
}

int gb_sock_shutdown(gb_machine *m, int s, int how) {
  gb_sock *k = S(s);
  if (how < SHUT_RD_LINUX || how > SHUT_RDWR_LINUX) return -EINVAL_LINUX;
  if (k->state != GB_SK_CONNECTED && k->state != GB_SK_LISTEN) return -ENOTCONN_LINUX;
  if (how != SHUT_WR_LINUX) k->shut_rd = 1;
  if (how != SHUT_RD_LINUX) k->shut_wr = 1;
  changed(m, s);
  return 0;
}

uint32_t gb_sock_ready(gb_machine *m, int s, uint64_t *gen) {
  gb_sock *k = S(s);
  *gen = k->gen;
  uint32_t r = 0;
  if (k->err) r |= EPOLLERR_LINUX;
  if (k->state == GB_SK_LISTEN) return r | (k->nacc ? EPOLLIN_LINUX : 0);
  if (k->type == SOCK_DGRAM_LINUX)
    return r | (k->nq ? EPOLLIN_LINUX : 0) | EPOLLOUT_LINUX |
           (k->shut_rd ? EPOLLIN_LINUX | EPOLLRDHUP_LINUX : 0);
  if (k->state == GB_SK_REFUSED) return r | EPOLLOUT_LINUX | EPOLLHUP_LINUX;
  if (k->state != GB_SK_CONNECTED) return r | EPOLLOUT_LINUX | EPOLLHUP_LINUX;
  int eof = k->shut_rd || k->peer_gone || (k->peer_sk >= 0 && S(k->peer_sk)->shut_wr);
  if (k->len || k->nq) r |= EPOLLIN_LINUX;
  if (eof) r |= EPOLLIN_LINUX | EPOLLRDHUP_LINUX;
  if ((k->shut_wr && eof) || (k->peer_gone && k->type != SOCK_STREAM_LINUX)) r |= EPOLLHUP_LINUX;
  if (k->peer_gone && k->shut_wr) r |= EPOLLHUP_LINUX;
  if (k->peer_gone) r |= EPOLLOUT_LINUX | (k->type == SOCK_STREAM_LINUX ? 0 : 0);
  else if (!k->shut_wr && k->peer_sk >= 0 &&
           (k->type != SOCK_STREAM_LINUX || S(k->peer_sk)->len < GB_NET_BUF))
    r |= EPOLLOUT_LINUX;
  return r;
}
