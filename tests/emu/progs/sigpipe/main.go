// sigpipe: writes to pipes whose reader is gone. To an os.Pipe (fd > 2): EPIPE, and Go's
// handler ignores the SIGPIPE. Then to fd 1, which the test makes a pipe with no reader:
// Go dies of SIGPIPE (exit status 141 as a shell reports it).
package main

import (
	"fmt"
	"os"
)

func main() {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	r.Close()
	_, err = w.Write([]byte("x"))
	fmt.Fprintln(os.Stderr, "write to a closed pipe:", err)
	_, err = os.Stdout.Write([]byte("to stdout\n"))
	fmt.Fprintln(os.Stderr, "not reached:", err)
}
