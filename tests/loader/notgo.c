/* notgo.c — a static C program: an ELF the loader accepts that has no Go metadata. */
#include <stdio.h>

int main(void) {
  puts("not Go");
  return 0;
}
