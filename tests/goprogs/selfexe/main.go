// selfexe finds and reads its own binary the way many CLIs do: os.Executable
// (readlink /proc/self/exe), then the file's build information, and hashes it the
// way self-updaters and integrity checks do: the bytes must be the file's, exactly.
// The hash is printed only with the argument "hash" (emu.selfexe compares it with
// sha256sum): Go's build ID depends on the source folder, so a golden must not hold it.
package main

import (
	"crypto/sha256"
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
	if len(os.Args) > 1 && os.Args[1] == "hash" {
		fmt.Printf("sha256: %x\n", sha256.Sum256(b))
	}
	bi, err := buildinfo.ReadFile("/proc/self/exe")
	if err != nil {
		fmt.Println("buildinfo:", err)
		os.Exit(1)
	}
	fmt.Println("built with:", bi.GoVersion)
}
