/* trace_events.h — the kinds of event a goboot trace holds ("ev" in each event of
 * docs/trace-schema.md), one row each: the enum name, the string it prints as, and
 * what it means. emu/ writes them; analysis/, viz/ and cli/ read them back through
 * gb_event_kind_of(). Add a kind here, then describe its fields in trace-schema.md. */
#ifndef GOBOOT_ABI_TRACE_EVENTS_H
#define GOBOOT_ABI_TRACE_EVENTS_H

#include <string.h>

#define GB_TRACE_EVENTS(X)                                                              \
  X(GB_EV_MILESTONE, "milestone", "first entry of a boot-path function")                \
  X(GB_EV_BOOT_PHASE_END, "boot_phase_end", "first runtime.schedule: the boot is over")  \
  X(GB_EV_SYSCALL, "syscall", "a syscall in the table, with its arguments and result")   \
  X(GB_EV_UNKNOWN_SYSCALL, "unknown_syscall", "a syscall number not in the table: ENOSYS") \
  X(GB_EV_SIGNAL_SUPPRESSED, "signal_suppressed", "a SIGURG dropped under --no-preempt") \
  X(GB_EV_SIGNAL_SENT, "signal_sent", "kill/tkill/tgkill/sigqueueinfo or the kernel sent a signal") \
  X(GB_EV_SIGNAL_IGNORED, "signal_ignored", "a sent signal discarded: SIG_IGN or default ignore") \
  X(GB_EV_SIGNAL_PENDING, "signal_pending", "a sent signal every target blocks: left pending") \
  X(GB_EV_SIGNAL, "signal", "a signal delivered to the guest's handler (a fault, or sent)") \
  X(GB_EV_SIGRETURN, "sigreturn", "rt_sigreturn from a delivered signal's frame")        \
  X(GB_EV_FORK, "fork", "a new process: fork, vfork or clone without CLONE_THREAD")    \
  X(GB_EV_EXEC, "exec", "execve of a process: its new image")                            \
  X(GB_EV_PROC_EXIT, "exit", "a process ended (exit status or killing signal): a zombie") \
  X(GB_EV_WAIT, "wait", "a zombie reaped by wait4 or waitid")                            \
  X(GB_EV_NET_SOCKET, "net_socket", "a socket made (socket, socketpair, a connection)") \
  X(GB_EV_NET_BIND, "net_bind", "a socket named (bind or an ephemeral port)")           \
  X(GB_EV_NET_LISTEN, "net_listen", "a socket listening")                               \
  X(GB_EV_NET_CONNECT, "net_connect", "a connection made, or a datagram peer set")      \
  X(GB_EV_NET_ACCEPT, "net_accept", "a waiting connection accepted")                    \
  X(GB_EV_NET_REFUSED, "net_refused", "nothing listens at the address: ECONNREFUSED")   \
  X(GB_EV_NET_UNREACHABLE, "net_unreachable", "an address off the loopback: ENETUNREACH") \
  X(GB_EV_NET_CLOSE, "net_close", "a socket's last descriptor closed")                  \
  X(GB_EV_REPEAT, "repeat", "golden subsets only: a run of identical events folded")

typedef enum gb_event_kind {
  GB_EV_NONE = 0, /* not an event kind goboot writes */
#define GB_EV_ENUM_(id, name, what) id,
  GB_TRACE_EVENTS(GB_EV_ENUM_)
#undef GB_EV_ENUM_
  GB_EV_COUNT
} gb_event_kind;

/* "syscall" for GB_EV_SYSCALL; "" for GB_EV_NONE or out of range. */
static inline const char *gb_event_name(gb_event_kind k) {
  static const char *const names[GB_EV_COUNT] = {
    "",
#define GB_EV_NAME_(id, name, what) name,
    GB_TRACE_EVENTS(GB_EV_NAME_)
#undef GB_EV_NAME_
  };
  return (unsigned)k < GB_EV_COUNT ? names[k] : "";
}

/* The kind an "ev" string names; GB_EV_NONE for NULL or an unknown string. */
static inline gb_event_kind gb_event_kind_of(const char *s) {
  if (!s) return GB_EV_NONE;
  for (int k = 1; k < GB_EV_COUNT; k++)
    if (!strcmp(s, gb_event_name((gb_event_kind)k))) return (gb_event_kind)k;
  return GB_EV_NONE;
}

/* Both syscall kinds: the table's and the unknown ones. */
static inline int gb_event_is_syscall(gb_event_kind k) {
  return k == GB_EV_SYSCALL || k == GB_EV_UNKNOWN_SYSCALL;
}

#endif
