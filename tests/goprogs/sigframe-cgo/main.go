// sigframe-cgo runs sigframe.c: C signal handlers with SA_NODEFER, SA_RESETHAND and
// SA_ONSTACK, and what each sees of its frame, compared with the real kernel by
// tests/emu/emu-test.sh. Externally linked (-cgo), so glibc's sigaction and
// siglongjmp do the work, as in any C program.
package main

// #include "sigframe.c"
import "C"

func main() { C.sigframe_main() }
