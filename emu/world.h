/* world.h — what every guest process shares (world.c owns it): the process list and
 * pid allocation, the one deterministic order the scheduler runs processes in, the file
 * objects (the inode tree, pipes and fd 0's source: files.h's gb_fsys; each process
 * keeps its own descriptor table referring to them), the one trace, virtual time and
 * the budgets. A gb_machine (machine.h) is one process: its engine, address space,
 * threads and descriptor table; m->w is its world.
 *
 * Virtual time is one clock for all processes: the instructions every process has
 * counted (each on its own block count, one process running at a time, as on one CPU)
 * plus the idle time added when every thread of every process slept. So it stays a
 * pure function of the work done, whatever order the processes took turns in (which
 * is itself fixed by the scheduler). The running process's counter advances in the
 * block hook; tinsns_base holds what the others counted before its turn began. */
#ifndef GOBOOT_EMU_WORLD_H
#define GOBOOT_EMU_WORLD_H

#include <stdint.h>

#include "common.h"
#include "files.h"
#include "net.h"
#include "trace.h"

#define GB_FIRST_PID 1000     /* the first process's pid (and its main thread's tid) */
#define GB_DEFAULT_MAX_PROCS 64

struct gb_world {
  gb_machine **procs; int nprocs, capprocs; /* in creation order; procs[0] is the first */
  int cur;                /* the running process (index into procs) */
  int next_pid;           /* pids and tids come from one counter, as on Linux */
  int max_procs;          /* --max-procs: live processes (zombies count) */
  gb_fsys fs;             /* shared file objects (files.h) */
  gb_net net;             /* the sockets (net.h: socket.c, sys_net.c), shared like pipes */
  gb_trace trace;         /* one trace: events of processes but the first carry "pid" */
  uint64_t tinsns_base;   /* instructions counted by the processes before the running
                             one's turn (the clock above); insns_base the same for the
                             instruction budget */
  uint64_t insns_base;
  uint64_t max_insns;     /* the instruction budget of all processes together */
  cJSON *scratch;         /* what later processes' set-up writes for a header (dropped) */
  uint64_t cur_tinsns_in, cur_insns_in; /* the running process's counts when its turn began */
  uint64_t idle_ns;       /* virtual time added when every thread slept */
};

/* A world for FIRST (its first process, pid GB_FIRST_PID): 0 or -1 (host OOM). */
int gb_world_new(gb_machine *first);
/* Free the world FIRST opened: the other processes, the shared objects, the trace. */
void gb_world_free(gb_machine *first);

#endif
