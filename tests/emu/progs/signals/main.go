// signals: os/signal and the signal syscalls within one process, compared with a native
// run: Notify + Kill(self) for SIGUSR1/SIGHUP/SIGTERM, Stop, Ignore, Reset, a blocked
// signal left pending, tgkill to this thread, rt_sigtimedwait with a timeout, nanosleep
// and kill of another pid.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

func recv(c chan os.Signal, what string) {
	select {
	case s := <-c:
		fmt.Printf("%s: got %v\n", what, s)
	case <-time.After(2 * time.Second):
		fmt.Printf("%s: nothing\n", what)
	}
}

func main() {
	pid := os.Getpid()
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGHUP, syscall.SIGTERM)
	for _, s := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGHUP, syscall.SIGTERM} {
		if err := syscall.Kill(pid, s); err != nil {
			fmt.Println("kill:", err)
		}
		recv(c, s.String())
	}
	// tgkill to this very thread
	runtime.LockOSThread()
	syscall.Tgkill(pid, syscall.Gettid(), syscall.SIGHUP)
	recv(c, "tgkill")
	runtime.UnlockOSThread()
	signal.Stop(c)
	// Ignore: the signal is discarded, the process lives on
	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(pid, syscall.SIGUSR2)
	fmt.Println("ignored SIGUSR2, still here; Ignored:", signal.Ignored(syscall.SIGUSR2))
	signal.Reset(syscall.SIGUSR2)
	fmt.Println("after Reset, Ignored:", signal.Ignored(syscall.SIGUSR2))
	// another pid: no such process
	fmt.Println("kill 1234567:", syscall.Kill(1234567, 0))
	fmt.Println("kill self 0:", syscall.Kill(pid, 0))
	// rt_sigtimedwait with a timeout on a blocked signal nobody sent: EAGAIN. Not SIGUSR2:
	// natively, the kill of an ignored SIGUSR2 above stays pending when it finds the
	// main thread with every signal blocked (around a clone: "blocked signals are never
	// ignored"), and sigtimedwait would take it here now and then.
	runtime.LockOSThread()
	var set, old uint64 = 1 << (syscall.SIGXCPU - 1), 0
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	ts := syscall.Timespec{Sec: 0, Nsec: 50000000}
	r, _, e := syscall.Syscall6(syscall.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&set)), 0, uintptr(unsafe.Pointer(&ts)), 8, 0, 0)
	fmt.Println("sigtimedwait, nothing sent:", int(r), e == syscall.EAGAIN)
	// now one pending (blocked): rt_sigpending shows it, sigtimedwait takes it
	syscall.Tgkill(pid, syscall.Gettid(), syscall.SIGXCPU)
	var pend uint64
	syscall.RawSyscall(syscall.SYS_RT_SIGPENDING, uintptr(unsafe.Pointer(&pend)), 8, 0)
	fmt.Printf("pending has SIGXCPU: %v\n", pend&set != 0)
	var info [128]byte
	r, _, e = syscall.Syscall6(syscall.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&ts)), 8, 0, 0)
	code := *(*int32)(unsafe.Pointer(&info[8]))
	spid := *(*int32)(unsafe.Pointer(&info[16]))
	fmt.Printf("sigtimedwait: %d %v signo %d code %d pid is self %v\n", r, e, info[0], code, int(spid) == pid)
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 2, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	runtime.UnlockOSThread()
	// a default-ignore signal sent to self: nothing happens
	syscall.Kill(pid, syscall.SIGWINCH)
	fmt.Println("SIGWINCH: still here")
	// the last one: SIGTERM with the default action ends the process (exit 143 in a shell)
	signal.Reset(syscall.SIGTERM)
	os.Stdout.Sync()
	syscall.Kill(pid, syscall.SIGTERM)
	time.Sleep(time.Second)
	fmt.Println("not reached")
}
