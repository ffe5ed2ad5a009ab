// pipes: os.Pipe through the netpoller, raw blocking pipes between goroutines, pipe
// sizes, EOF, EPIPE, EAGAIN and many pipes at once; printed so a native run and goboot
// can be compared (tests/emu/emu-test.sh pipes).
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"unsafe"
)

func e(err error) string {
	if err == nil {
		return "ok"
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		return en.Error()
	}
	return err.Error()
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func main() {
	// 256 KiB through os.Pipe from a goroutine (non-blocking ends, epoll waits)
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Println("pipe:", e(err))
		return
	}
	want := pattern(256 << 10)
	go func() {
		n, err := w.Write(want)
		if err != nil || n != len(want) {
			fmt.Println("writer:", n, e(err))
		}
		w.Close()
	}()
	got, err := io.ReadAll(r)
	fmt.Printf("os.Pipe: %d bytes %s same=%v\n", len(got), e(err), sha256.Sum256(got) == sha256.Sum256(want))
	r.Close()

	// raw blocking pipe: the writer blocks when it is full, the reader when it is empty
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		fmt.Println("pipe2:", e(err))
		return
	}
	sz, _, en := syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[0]), 1032, 0)
	fmt.Printf("F_GETPIPE_SZ: %d %s\n", sz, e(errnoOrNil(en)))
	done := make(chan int)
	go func() {
		data := pattern(200 << 10)
		off := 0
		for off < len(data) {
			n, err := syscall.Write(p[1], data[off:])
			if err != nil {
				fmt.Println("raw write:", e(err))
				break
			}
			off += n
		}
		syscall.Close(p[1])
		done <- off
	}()
	h := sha256.New()
	total := 0
	buf := make([]byte, 10000)
	for {
		n, err := syscall.Read(p[0], buf)
		if err != nil {
			fmt.Println("raw read:", e(err))
			break
		}
		if n == 0 {
			break
		}
		h.Write(buf[:n])
		total += n
	}
	wrote := <-done
	ws := sha256.Sum256(pattern(200 << 10))
	fmt.Printf("raw: wrote %d read %d same=%v\n", wrote, total, string(h.Sum(nil)) == string(ws[:]))
	syscall.Close(p[0])

	// sizes, EAGAIN, EPIPE
	if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK); err != nil {
		fmt.Println("pipe2:", e(err))
		return
	}
	sz, _, en = syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), 1031, 1<<20)
	fmt.Printf("F_SETPIPE_SZ 1M: %d %s\n", sz, e(errnoOrNil(en)))
	_, _, en = syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), 1031, 1<<30)
	fmt.Printf("F_SETPIPE_SZ 1G: %s\n", e(errnoOrNil(en)))
	sz, _, en = syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), 1031, 5000)
	fmt.Printf("F_SETPIPE_SZ 5000: %d %s\n", sz, e(errnoOrNil(en)))
	_, err = syscall.Read(p[0], buf)
	fmt.Printf("empty non-blocking read: %s\n", e(err))
	n, err := syscall.Write(p[1], pattern(20000))
	fmt.Printf("write into 8 KiB: %d %s\n", n, e(err))
	_, err = syscall.Write(p[1], []byte("x"))
	fmt.Printf("full non-blocking write: %s\n", e(err))
	syscall.Close(p[0])
	_, err = syscall.Write(p[1], []byte("x"))
	fmt.Printf("no reader: %s\n", e(err))
	syscall.Close(p[1])

	// EOF after the last writer closes, even with a dup of it closed first
	r, w, _ = os.Pipe()
	w2fd, _ := syscall.Dup(int(w.Fd()))
	w.Write([]byte("hi"))
	w.Close()
	syscall.Write(w2fd, []byte(" there"))
	syscall.Close(w2fd)
	got, err = io.ReadAll(r)
	fmt.Printf("after both writers closed: %q %s\n", got, e(err))
	r.Close()

	// poll readiness: an empty pipe is writable, not readable; with data, readable
	syscall.Pipe2(p[:], 0)
	pfd := [2]struct {
		fd             int32
		events, revent int16
	}{{int32(p[0]), 1, 0}, {int32(p[1]), 4, 0}}
	n1, _, _ := syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&pfd[0])), 2, 0)
	fmt.Printf("poll empty: %d in=%d out=%d\n", n1, pfd[0].revent, pfd[1].revent)
	syscall.Write(p[1], []byte("x"))
	n1, _, _ = syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&pfd[0])), 2, 0)
	fmt.Printf("poll data: %d in=%d out=%d\n", n1, pfd[0].revent, pfd[1].revent)
	syscall.Close(p[1])
	syscall.Read(p[0], buf)
	n1, _, _ = syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&pfd[0])), 1, 0)
	fmt.Printf("poll no writer: %d in=%d\n", n1, pfd[0].revent)
	syscall.Close(p[0])

	// select over descriptor sets: zero timeout, then one that blocks until a
	// goroutine writes, then a timeout that expires; the sets keep only the ready fds
	syscall.Pipe2(p[:], 0)
	fdset := func(fds ...int) *syscall.FdSet {
		var s syscall.FdSet
		for _, fd := range fds {
			s.Bits[fd/64] |= 1 << (uint(fd) % 64)
		}
		return &s
	}
	isset := func(s *syscall.FdSet, fd int) bool { return s.Bits[fd/64]&(1<<(uint(fd)%64)) != 0 }
	rs, wset := fdset(p[0]), fdset(p[1])
	ns, err := syscall.Select(p[1]+1, rs, wset, nil, &syscall.Timeval{})
	fmt.Printf("select empty: %d %s r=%v w=%v\n", ns, e(err), isset(rs, p[0]), isset(wset, p[1]))
	go func() { syscall.Write(p[1], []byte("y")) }()
	rs = fdset(p[0])
	ns, err = syscall.Select(p[0]+1, rs, nil, nil, nil)
	fmt.Printf("select blocking: %d %s r=%v\n", ns, e(err), isset(rs, p[0]))
	syscall.Read(p[0], buf)
	rs = fdset(p[0])
	ns, err = syscall.Select(p[0]+1, rs, nil, nil, &syscall.Timeval{Usec: 1000})
	fmt.Printf("select timeout: %d %s r=%v\n", ns, e(err), isset(rs, p[0]))
	// a descriptor number made closed here: a fixed number such as 99 may be open
	// in the native run's process (CI's harness hands one down)
	closed, _ := syscall.Dup(p[1])
	syscall.Close(closed)
	ns, err = syscall.Select(closed+1, fdset(p[1], closed), nil, nil, &syscall.Timeval{})
	fmt.Printf("select closed fd: %s\n", e(err))
	syscall.Close(p[0])
	syscall.Close(p[1])

	// more pipes than the old limit of 16
	var files []*os.File
	for i := 0; i < 60; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			fmt.Println("pipe", i, e(err))
			break
		}
		files = append(files, r, w)
	}
	fmt.Printf("open pipes: %d\n", len(files)/2)
	for _, f := range files {
		f.Close()
	}
	// zero-length reads and writes return 0 before anything is checked (a nil buffer,
	// an empty pipe, no reader): testing's examples and text/tabwriter write 0 bytes
	var z [2]int
	syscall.Pipe2(z[:], syscall.O_NONBLOCK)
	wn, werr := syscall.Write(z[1], nil)
	rn, rerr := syscall.Read(z[0], nil)
	syscall.Close(z[0])
	wn2, werr2 := syscall.Write(z[1], nil)
	fmt.Printf("zero-length: write %d %v, read %d %v, write without reader %d %v\n", wn, werr, rn, rerr, wn2, werr2)
	syscall.Close(z[1])
	blockingWrites()
}

// blockingWrites: one write(2) of 1 MiB on a blocking pipe writes it all (the writer
// sleeps while the pipe is full), writes of PIPE_BUF bytes from several goroutines
// never interleave, and non-blocking writes are atomic up to PIPE_BUF, partial past it.
func blockingWrites() {
	var p [2]int
	syscall.Pipe2(p[:], syscall.O_CLOEXEC)
	big := pattern(1 << 20)
	type res struct {
		n   int
		err error
	}
	done := make(chan res)
	go func() {
		n, err := syscall.Write(p[1], big)
		syscall.Close(p[1])
		done <- res{n, err}
	}()
	var got []byte
	buf := make([]byte, 10000)
	for {
		n, err := syscall.Read(p[0], buf)
		if n <= 0 || err != nil {
			break
		}
		got = append(got, buf[:n]...)
	}
	wr := <-done
	syscall.Close(p[0])
	fmt.Printf("one blocking write of 1 MiB: wrote %d %s, read %d same=%v\n", wr.n, e(wr.err),
		len(got), sha256.Sum256(got) == sha256.Sum256(big))

	// 4 writers x 64 writes of 4096 bytes of their own letter into a blocking pipe
	syscall.Pipe2(p[:], syscall.O_CLOEXEC)
	fin := make(chan int)
	for k := 0; k < 4; k++ {
		go func(k int) {
			b := make([]byte, 4096)
			for i := range b {
				b[i] = byte('a' + k)
			}
			short := 0
			for i := 0; i < 64; i++ {
				if n, _ := syscall.Write(p[1], b); n != len(b) {
					short++
				}
			}
			fin <- short
		}(k)
	}
	go func() {
		short := 0
		for k := 0; k < 4; k++ {
			short += <-fin
		}
		syscall.Close(p[1])
		fin <- short
	}()
	got = got[:0]
	for {
		n, err := syscall.Read(p[0], buf)
		if n <= 0 || err != nil {
			break
		}
		got = append(got, buf[:n]...)
	}
	mixed := 0
	for off := 0; off+4096 <= len(got); off += 4096 {
		for _, c := range got[off : off+4096] {
			if c != got[off] {
				mixed++
				break
			}
		}
	}
	fmt.Printf("PIPE_BUF writes from 4 goroutines: read %d, short writes %d, mixed blocks %d\n", len(got), <-fin, mixed)
	syscall.Close(p[0])

	// non-blocking: 15 pages and 100 bytes in; 4000 bytes do not fit whole, 3000 do;
	// then 14 pages in and 16 KiB asked: the 8 KiB of room
	syscall.Pipe2(p[:], syscall.O_NONBLOCK)
	n1, _ := syscall.Write(p[1], make([]byte, 15*4096+100))
	n2, err2 := syscall.Write(p[1], make([]byte, 4000))
	n3, err3 := syscall.Write(p[1], make([]byte, 3000))
	syscall.Close(p[0])
	syscall.Close(p[1])
	syscall.Pipe2(p[:], syscall.O_NONBLOCK)
	n4, _ := syscall.Write(p[1], make([]byte, 14*4096))
	n5, err5 := syscall.Write(p[1], make([]byte, 16384))
	n6, err6 := syscall.Write(p[1], make([]byte, 1))
	syscall.Close(p[0])
	syscall.Close(p[1])
	fmt.Printf("non-blocking: %d, then 4000 -> %d %s, 3000 -> %d %s; %d, then 16384 -> %d %s, 1 -> %d %s\n",
		n1, n2, e(err2), n3, e(err3), n4, n5, e(err5), n6, e(err6))
}

func errnoOrNil(en syscall.Errno) error {
	if en == 0 {
		return nil
	}
	return en
}
