// faultsite: data faults handled by a handler of its own (site_amd64.s), which records
// what the signal frame says and resumes after the faulting instruction. The same
// instructions fault several times, from blocks that set the flags just before them and
// from two different block starts, among faults elsewhere, and again after running
// thousands of times without a fault (its hook is gone by then), and new ones after
// 100 M instructions without a fault, with stdin read before and between them (the
// replay that locates a fault reads it too): the printed RIP, RFLAGS,
// si_addr, si_code, error code and registers must be the real kernel's, line for line
// (tests/emu/emu-test.sh faultsite), for the first fault at an instruction and the later
// ones alike. Nothing printed depends on addresses that vary between runs.
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
	"unsafe"
)

func loadcmp(p uintptr) uintptr
func storeadd(p uintptr)
func twoways(p, w uintptr) uintptr
func late(p uintptr)
func handler()
func restorer()
func pcs() (h, r uintptr)

type record struct{ rip, flags, addr, code, err, rcx, rbx, rdx uint64 }

var (
	nseen uint64
	seen  [64]record
)

func main() {
	h, r := pcs()
	const saSiginfo, saRestorer = 0x4, 0x04000000
	act := [4]uint64{uint64(h), saSiginfo | saRestorer, uint64(r), 0}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGSEGV),
		uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0); e != 0 {
		panic(e)
	}
	head := make([]byte, 6)
	n, _ := os.Stdin.Read(head)
	for i := 0; i < 4; i++ {
		loadcmp(uintptr(8 * i))
	}
	rest, _ := io.ReadAll(os.Stdin)
	storeadd(0x10)
	for i := 0; i < 3; i++ {
		twoways(0x20, uintptr(i%2))
		twoways(0x28, 1)
	}
	storeadd(0x18)
	var word uint64
	for i := 0; i < 5000; i++ {
		loadcmp(uintptr(unsafe.Pointer(&word)))
	}
	loadcmp(0x30)
	twoways(0x38, 0)
	sum := 0
	for i := 0; i < 30000000; i++ {
		sum += i & 7
	}
	late(0x40)
	twoways(0x48, 1)
	late(0x50)
	fmt.Println("faults:", nseen, sum)
	fmt.Printf("stdin: %q %q\n", head[:n], rest)
	for i := uint64(0); i < nseen; i++ {
		s := &seen[i]
		fmt.Printf("%2d rip=%#x flags=%#x addr=%#x code=%d err=%d rcx=%#x rbx=%#x rdx=%#x\n",
			i, s.rip, s.flags, s.addr, s.code, s.err, s.rcx, s.rbx, s.rdx)
	}
}
