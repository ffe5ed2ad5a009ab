// sigpipe: writes to pipes whose reader is gone. To an os.Pipe (fd > 2): EPIPE, and Go's
// handler ignores the SIGPIPE. Then fd 1 is made such a pipe (dup2): Go dies of SIGPIPE
// (os.epipecheck), exit status 141 as a shell reports it.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	r.Close()
	_, err = w.Write([]byte("x"))
	fmt.Println("write to a closed pipe:", err)
	if err := syscall.Dup2(int(w.Fd()), 1); err != nil {
		panic(err)
	}
	_, err = os.Stdout.Write([]byte("to stdout\n"))
	fmt.Fprintln(os.Stderr, "not reached:", err)
}
