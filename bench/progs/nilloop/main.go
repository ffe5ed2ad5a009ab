// nilloop: recovers 150 nil-pointer dereferences in a loop and prints how many it
// recovered. Each one is a guest data fault delivered as SIGSEGV to the Go runtime's
// handler (sigpanic), so this measures what one handled fault costs (bench/bench.sh).
package main

import "fmt"

type node struct {
	val  int
	next *node
}

//go:noinline
func load(n *node) int { return n.val }

func try(n *node) (v int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return load(n), true
}

func main() {
	var nilp *node
	recovered := 0
	for i := 0; i < 150; i++ {
		if _, ok := try(nilp); !ok {
			recovered++
		}
	}
	fmt.Println("recovered", recovered)
}
