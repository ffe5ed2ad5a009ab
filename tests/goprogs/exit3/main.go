// exit3: exits with code 3 through os.Exit (exit_group without a panic).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("exiting with 3")
	os.Exit(3)
}
