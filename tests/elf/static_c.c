/* static_c.c — a static C program: a valid x86-64 ELF with no Go metadata, which goboot
 * must load and flag as "not a Go binary". */
#include <stdio.h>
int main(void) { puts("not go"); return 0; }
