// selfexe finds and reads its own binary the way many CLIs do: os.Executable
// (readlink /proc/self/exe), then the file's build information.
package main

import (
	"debug/buildinfo"
	"fmt"
	"os"
)

func main() {
	exe, err := os.Executable()
	if err != nil {
		fmt.Println("os.Executable:", err)
		os.Exit(1)
	}
	fmt.Println("executable:", exe)
	b, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		fmt.Println("read /proc/self/exe:", err)
		os.Exit(1)
	}
	fmt.Printf("/proc/self/exe: %d bytes, ELF magic %v\n", len(b), string(b[1:4]) == "ELF")
	bi, err := buildinfo.ReadFile("/proc/self/exe")
	if err != nil {
		fmt.Println("buildinfo:", err)
		os.Exit(1)
	}
	fmt.Println("built with:", bi.GoVersion)
}
