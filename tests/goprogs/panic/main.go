// panic: an unrecovered panic; the runtime prints the message and a
// traceback to stderr and exits with code 2.
package main

import "fmt"

func main() {
	fmt.Println("about to panic")
	panic("goboot test panic")
}
