// fault: main.main calls an assembly function that loads from an unmapped address a few
// instructions into a block entered by a jump, so the stop must name that load exactly
// (not the block start, not the caller). See fault_amd64.s. With no argument SIGSEGV is
// first set back to SIG_DFL, so nothing handles the fault and the run stops there; with
// "handled" Go's own handler gets it (a fatal "unexpected fault address"); "div" and
// "ill" raise SIGFPE and SIGILL for Go's handler.
package main

import (
	"os"
	"syscall"
	"unsafe"
)

func fault()
func divzero()
func ud2()

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "handled":
		fault()
	case "div":
		divzero()
	case "ill":
		ud2()
	default:
		var dfl [4]uint64 // sa_handler = SIG_DFL, no flags, no restorer, empty mask
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGSEGV),
			uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
		fault()
	}
	println("not reached")
}
