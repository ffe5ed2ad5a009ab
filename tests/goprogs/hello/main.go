// hello: the smallest useful Go program; the first thing goboot must boot.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
