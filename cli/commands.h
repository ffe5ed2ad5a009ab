/* commands.h — the goboot subcommands. Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit code. */
#ifndef GOBOOT_CLI_COMMANDS_H
#define GOBOOT_CLI_COMMANDS_H

int cmd_inspect(int argc, char **argv);
int cmd_stack(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
