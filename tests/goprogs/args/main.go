// args: prints os.Args then os.Environ(), one per line, so a test can see
// exactly what argv and envp the guest received.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args {
		fmt.Printf("arg[%d]=%s\n", i, a)
	}
	env := os.Environ()
	fmt.Printf("envc=%d\n", len(env))
	for _, e := range env {
		fmt.Printf("env=%s\n", e)
	}
}
