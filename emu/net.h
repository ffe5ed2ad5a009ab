/* net.h — the world's part `net` (world.h: shared by every process, as pipes are): the guest's sockets, all in goboot's memory
 * (socket.c: the objects, sys_net.c: the syscalls). AF_UNIX (stream, seqpacket,
 * datagram; path and abstract names), AF_INET and AF_INET6 stream and datagram on
 * loopback only (127.0.0.0/8, ::1, ::ffff:127.x; wildcard binds listen on loopback).
 * Descriptors (FD_SOCKET) hold a socket by index, counted like pipes. Ephemeral ports
 * come from one deterministic counter over Linux's range 32768..60999. Any other
 * address is ENETUNREACH at once: goboot never opens a host socket. */
#ifndef GOBOOT_EMU_NET_H
#define GOBOOT_EMU_NET_H

#include "common.h"

#define GB_NET_PORT_LO 32768 /* /proc/sys/net/ipv4/ip_local_port_range */
#define GB_NET_PORT_HI 60999
#define GB_NET_BUF (256u << 10) /* a stream's receive buffer; datagram queues too */

/* An address: INET ones as 16 bytes (IPv4 as ::ffff:a.b.c.d) and a port; UNIX ones as
 * the sun_path bytes (abstract: first byte 0), LEN 0 unnamed. */
typedef struct gb_saddr {
  int family;            /* AF_*_LINUX, 0 none */
  uint8_t ip[16]; uint16_t port;
  char path[108]; int len;
} gb_saddr;

typedef struct gb_dgram { char *data; size_t len; gb_saddr from; } gb_dgram;

enum { GB_SK_FREE, GB_SK_NEW, GB_SK_LISTEN, GB_SK_CONNECTED, GB_SK_REFUSED };

typedef struct gb_sock {
  int state;              /* GB_SK_*; FREE: a free slot */
  int family, type;       /* AF_*, SOCK_* (without flags) */
  int refs;               /* descriptors holding it */
  int bound;              /* local address set (bind or autobind) */
  int node;               /* AF_UNIX path name: 1 + its GB_INO_SOCK inode (held open) */
  gb_saddr local, peer;   /* peer: a connected or connect()ed datagram socket's */
  int peer_sk;            /* the other end of a stream/seqpacket connection, -1 none */
  int peer_gone;          /* that end closed (EOF after the data) */
  int shut_rd, shut_wr;   /* shutdown() of this end */
  int err;                /* pending SO_ERROR (positive errno) */
  int reuse, v6only, nodelay, rcvbuf, sndbuf, keepalive, linger; /* options as set */
  char *buf; size_t head, len, cap;  /* stream: received bytes */
  gb_dgram *q; int nq, capq;         /* datagram/seqpacket: received messages */
  size_t qbytes;
  int *acc; int nacc, capacc, backlog; /* LISTEN: connections waiting for accept */
  int seq;                /* creation order, for the trace */
  uint64_t gen;           /* changes, for edge-triggered epoll */
} gb_sock;

typedef struct gb_net {
  gb_sock *sk; int nsk, capsk;
  uint32_t next_port;     /* the next ephemeral port to try */
  int created;            /* sockets made (the summary) */
} gb_net;

void gb_net_free(gb_machine *m);
/* A new socket (one reference): index or -errno (-EAFNOSUPPORT, -ESOCKTNOSUPPORT...). */
int gb_sock_new(gb_machine *m, int family, int type);
void gb_sock_ref(gb_machine *m, int s, int delta);    /* a descriptor dup'ed / closed */
int gb_sock_pair(gb_machine *m, int family, int type, int sv[2]); /* socketpair */
/* Guest sockaddr bytes <-> gb_saddr: 0 or -errno (-EINVAL, -EAFNOSUPPORT). */
int gb_saddr_parse(const void *raw, size_t n, int family, gb_saddr *a);
size_t gb_saddr_put(const gb_saddr *a, int family, unsigned char *out); /* length written */
void gb_saddr_str(const gb_saddr *a, char *out, size_t cap);  /* "127.0.0.1:80", "@name" */
int gb_sock_bind(gb_machine *m, int s, const gb_saddr *a);
int gb_sock_listen(gb_machine *m, int s, int backlog);
/* 0, -EINPROGRESS (non-blocking INET stream: done, writable at once), -ECONNREFUSED,
 * -ENETUNREACH, -EAGAIN (a full AF_UNIX backlog), -EISCONN ... */
int gb_sock_connect(gb_machine *m, int s, const gb_saddr *a, int nonblock);
int gb_sock_accept(gb_machine *m, int s);             /* the new socket or -EAGAIN */
/* BUF (N bytes) to S's peer or TO: count or -errno (-EAGAIN when full). */
int64_t gb_sock_send(gb_machine *m, int s, const char *buf, size_t n, const gb_saddr *to);
/* Into BUF: count, 0 at EOF, -EAGAIN; FROM gets the sender; *FULL a datagram's length. */
int64_t gb_sock_recv(gb_machine *m, int s, char *buf, size_t n, int peek,
                     gb_saddr *from, size_t *full);
int gb_sock_shutdown(gb_machine *m, int s, int how);
uint32_t gb_sock_ready(gb_machine *m, int s, uint64_t *gen); /* EPOLL*_LINUX bits */

#endif
