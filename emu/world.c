/* world.c — the state every guest process shares (world.h): made with the first
 * process, freed with it. The first process owns the world; the others are freed here. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

int gb_world_new(gb_machine *first) {
  gb_world *w = calloc(1, sizeof *w);
  if (!w || !(w->procs = calloc(4, sizeof *w->procs))) {
    free(w);
    return -1;
  }
  w->capprocs = 4;
  w->procs[w->nprocs++] = first;
  w->next_pid = GB_FIRST_PID;
  w->max_procs = first->o.max_procs > 0 ? first->o.max_procs : GB_DEFAULT_MAX_PROCS;
  w->max_insns = first->o.max_insns;
  first->w = w;
  first->pid = first->pgid = first->sid = w->next_pid; /* the main thread takes it too */
  first->ppid = GB_FIRST_PID - 1;                        /* the shell that ran it */
  return 0;
}

void gb_world_free(gb_machine *first) {
  gb_world *w = first->w;
  if (!w) return;
  for (int i = 1; i < w->nprocs; i++) gb_machine_close(w->procs[i]);
  gb_fsys_free(first);
  gb_net_free(first);
  gb_trace_free(first);
  cJSON_Delete(w->scratch);
  free(w->procs);
  free(w);
  first->w = NULL;
}
