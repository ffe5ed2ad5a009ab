// nosys: calls a syscall number Linux does not have and prints the errno it got.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	_, _, e := syscall.RawSyscall(4000, 1, 2, 3)
	fmt.Printf("syscall 4000: errno %d (%v)\n", int(e), e)
}
