// spin: never ends (a busy loop with no syscall), for the instruction-budget stop.
package main

var sink uint64

func main() {
	for i := uint64(0); ; i++ {
		sink += i
	}
}
