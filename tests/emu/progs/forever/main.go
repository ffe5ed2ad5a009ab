// forever: prints "ready" and then never ends: sleeps in a loop ("sleep") or spins
// ("spin"). The test sends goboot SIGTERM after "ready".
package main

import (
	"fmt"
	"os"
	"time"
)

var n uint64

func main() {
	fmt.Println("ready")
	if len(os.Args) > 1 && os.Args[1] == "spin" {
		for {
			n++
		}
	}
	for {
		time.Sleep(time.Hour)
	}
}
