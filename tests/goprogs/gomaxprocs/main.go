// gomaxprocs: run with GODEBUG and GOMAXPROCS set; prints what the runtime
// made of them (GOMAXPROCS is read by schedinit, GODEBUG by parsedebugvars).
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("GOMAXPROCS(0)=%d\n", runtime.GOMAXPROCS(0))
	fmt.Printf("NumCPU=%d\n", runtime.NumCPU())
	fmt.Printf("GOMAXPROCS env=%q\n", os.Getenv("GOMAXPROCS"))
	fmt.Printf("GODEBUG env=%q\n", os.Getenv("GODEBUG"))
}
