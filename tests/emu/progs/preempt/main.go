// preempt: a goroutine spinning in `for {}` next to a ticker, with GOMAXPROCS=1. Only
// asynchronous preemption (sysmon's SIGURG) lets main run again: on Linux it does.
package main

import (
	"fmt"
	"runtime"
	"time"
)

var n uint64

func main() {
	runtime.GOMAXPROCS(1)
	go func() {
		for {
			n++
		}
	}()
	t := time.NewTicker(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-t.C
		fmt.Println("tick", i)
	}
	fmt.Println("done")
}
