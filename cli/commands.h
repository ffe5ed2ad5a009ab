/* commands.h — the goboot subcommands. Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit code (exitcodes.h). */
#ifndef GOBOOT_CLI_COMMANDS_H
#define GOBOOT_CLI_COMMANDS_H

#include "exitcodes.h"

int cmd_inspect(int argc, char **argv);
int cmd_stack(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_golden(int argc, char **argv);

/* Shared by record, replay and golden (defined in cmd_record.c). */
#include <cjson/cJSON.h>
#include "emu.h"
/* Parse [run options] BINARY [-- guest args] like `goboot run` (argv[0] is the command;
 * WHO names it in messages; -o FILE / --quiet only when OUT_PATH / QUIET are given),
 * boot the binary and return the recording in *REC (NULL when nothing ran). Returns the
 * run's exit code (the guest's, or 80-86), a 64-84 code when nothing ran, or -1 after
 * --help. */
int gb_record_run(int argc, char **argv, const char *who, const char **out_path, int *quiet,
                  cJSON **rec);
/* A recording of one run; takes ownership of TRACE. */
cJSON *gb_recording_new(const gb_image *img, const gb_stack *st, const gb_stack_spec *spec,
                        int mimic_host, const gb_emu_opts *o, cJSON *trace, int exit_code);
void gb_stack_sha256(const gb_stack *st, char out[65]);
int cmd_timeline(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
