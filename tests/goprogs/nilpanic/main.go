// nilpanic: synchronous signals. Nil dereferences are recovered (the runtime's SIGSEGV
// handler turns each fault into a panic), then one is left unrecovered: the runtime
// prints the panic with its "[signal SIGSEGV ...]" line and a traceback, and exits 2.
// `nilpanic div` ends with an unrecovered integer division by zero instead. (Go on
// amd64 tests the divisor in software and calls runtime.panicdivide: no SIGFPE. The
// hardware #DE → SIGFPE path is tests/emu/progs/fault's "div" mode.)
package main

import (
	"fmt"
	"os"
)

type node struct {
	val  int
	next *node
}

//go:noinline
func load(n *node) int { return n.val }

var seven, zero = 7, 0

// no arguments: a traceback would print their spill slots, which natively hold
// leftovers of a heap whose addresses vary from run to run
//
//go:noinline
func div() int { return seven / zero }

func try(name string, f func()) {
	defer func() {
		r := recover()
		fmt.Printf("%s: recovered: %v\n", name, r)
		if e, ok := r.(error); ok {
			fmt.Printf("%s: error type %T\n", name, e)
		}
	}()
	f()
}

func main() {
	var n *node
	try("nil", func() { fmt.Println(load(n)) })
	try("div", func() { fmt.Println(div()) })
	try("nil again", func() { fmt.Println(load(&node{next: n}) + load(n)) })
	fmt.Println("after recovering")
	if len(os.Args) > 1 && os.Args[1] == "div" {
		fmt.Println(div())
	}
	fmt.Println(load(n))
}
