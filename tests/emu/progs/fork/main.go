// fork: raw fork/vfork/clone and wait4/waitid, compared with a native run. Each child
// only makes raw syscalls (no Go runtime calls: the child of a raw fork has one
// thread), so it behaves the same natively. "bomb" forks until refused (run under
// goboot with --max-procs; never natively).
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func rawExit(code uintptr) {
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, code, 0, 0)
	}
}

func fork() uintptr {
	pid, _, e := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if e != 0 {
		fmt.Println("fork:", e)
		os.Exit(1)
	}
	return pid
}

// A data fault after forks: goboot locates it by replaying the first process, whose
// budget the other processes' turns must not move (emu/proc.c switch_to).
func nilDeref() (r string) {
	defer func() {
		if e := recover(); e != nil {
			r = fmt.Sprint(e)
		}
	}()
	var p *int
	fmt.Println(*p)
	return "no fault"
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bomb" {
		n := 0
		for {
			_, _, e := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
			if e != 0 {
				n++
				continue
			}
		}
	}
	// exit status through wait4, with rusage
	pid := fork()
	if pid == 0 {
		rawExit(3)
	}
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	got, err := syscall.Wait4(int(pid), &ws, 0, &ru)
	fmt.Println("wait4 same pid:", got == int(pid), err, "exited:", ws.Exited(), "status:", ws.ExitStatus())
	_, err = syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
	fmt.Println("no child left:", err)

	// a pipe shared across fork: the child writes, the parent reads to EOF
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fmt.Println(err)
		return
	}
	pid = fork()
	if pid == 0 {
		msg := []byte("hello from the child\n")
		syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(p[0]), 0, 0)
		syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p[1]), uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg)))
		rawExit(0)
	}
	syscall.Close(p[1])
	buf := make([]byte, 100)
	total := 0
	for {
		n, err := syscall.Read(p[0], buf[total:])
		if n <= 0 || err != nil {
			break
		}
		total += n
	}
	fmt.Printf("read %q\n", buf[:total])
	got, _ = syscall.Wait4(int(pid), &ws, 0, nil)
	fmt.Println("second child:", got == int(pid), ws.ExitStatus())

	// WNOHANG before the child ends: 0, then waitid with WNOWAIT leaves the zombie
	var q [2]int
	syscall.Pipe(q[:])
	pid = fork()
	if pid == 0 {
		var b [1]byte
		syscall.RawSyscall(syscall.SYS_READ, uintptr(q[0]), uintptr(unsafe.Pointer(&b[0])), 1)
		rawExit(uintptr(b[0]))
	}
	got, err = syscall.Wait4(int(pid), &ws, syscall.WNOHANG, nil)
	fmt.Println("WNOHANG while running:", got, err)
	syscall.Write(q[1], []byte{42})
	var si [128]byte
	_, _, e := syscall.Syscall6(syscall.SYS_WAITID, 1, pid, uintptr(unsafe.Pointer(&si[0])), 4|0x01000000, 0, 0)
	fmt.Println("waitid:", e, "signo", si[0], "code", si[8], "pid ok", *(*int32)(unsafe.Pointer(&si[16])) == int32(pid), "status", si[24])
	got, _ = syscall.Wait4(int(pid), &ws, 0, nil)
	fmt.Println("reaped after WNOWAIT:", got == int(pid), ws.ExitStatus())

	// ids
	fmt.Println("getpgrp == getpgid(0):", syscall.Getpgrp() == func() int { g, _ := syscall.Getpgid(0); return g }())
	_, err = syscall.Getpgid(0x3fffffff)
	fmt.Println("getpgid of nobody:", err)
	fmt.Println("fault after fork:", nilDeref())
}
