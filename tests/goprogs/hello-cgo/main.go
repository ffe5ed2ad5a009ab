// hello-cgo is externally linked: gcc links it statically against glibc, so the ELF
// entry is glibc's _start (not _rt0_amd64_linux), the binary has a PT_TLS segment,
// libc sets FS itself and rt0_go calls _cgo_init instead of settls.
package main

// #include <stdio.h>
// static void hello_c(void) { printf("hello from C\n"); fflush(stdout); }
import "C"

import "fmt"

func main() {
	C.hello_c()
	fmt.Println("hello from Go")
}
