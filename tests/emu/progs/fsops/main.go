// fsops: what CLIs do with their own files under $HOME (a cache, a state file, temp
// files), printed without paths so the output is the same natively (in a fresh
// directory) and in goboot's in-memory tree (tests/emu/emu-test.sh fsops).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
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

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %s\n", what, e(err))
		os.Exit(1)
	}
}

func list(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return e(err)
	}
	var names []string
	for _, d := range ents {
		t := "f"
		switch {
		case d.IsDir():
			t = "d"
		case d.Type()&os.ModeSymlink != 0:
			t = "l"
		}
		names = append(names, d.Name()+":"+t)
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

// fill: write 64 KiB blocks to one file until the file system says no (--max-fs).
func fill(path string) {
	f, err := os.Create(path)
	must("create", err)
	total := 0
	block := make([]byte, 64<<10)
	for total < 64<<20 {
		n, err := f.Write(block)
		total += n
		if err != nil {
			fmt.Printf("filled %d: %s\n", total, e(err))
			break
		}
	}
	f.Close()
	must("remove", os.Remove(path))
	f, err = os.Create(path) // the space is back
	must("create again", err)
	n, err := f.Write(block)
	fmt.Printf("after remove: %d %s\n", n, e(err))
}

// mount: what a read-only mount (--mount HOST:DIR) offers and refuses.
func mount(dir string) {
	fmt.Printf("listing: %s\n", list(dir))
	b, err := os.ReadFile(filepath.Join(dir, "sub", "data.txt"))
	fmt.Printf("read: %q %s\n", b, e(err))
	b, err = os.ReadFile(filepath.Join(dir, "link"))
	fmt.Printf("through link: %q %s\n", b, e(err))
	t, err := os.Readlink(filepath.Join(dir, "link"))
	fmt.Printf("readlink: %s %s\n", t, e(err))
	_, err = os.OpenFile(filepath.Join(dir, "sub", "data.txt"), os.O_WRONLY, 0)
	fmt.Printf("open for write: %s\n", e(err))
	fmt.Printf("create: %s\n", e(os.WriteFile(filepath.Join(dir, "new"), nil, 0o644)))
	fmt.Printf("mkdir: %s\n", e(os.Mkdir(filepath.Join(dir, "d"), 0o755)))
	fmt.Printf("remove: %s\n", e(os.Remove(filepath.Join(dir, "sub", "data.txt"))))
	fmt.Printf("chmod: %s\n", e(os.Chmod(filepath.Join(dir, "sub"), 0o700)))
	fmt.Printf("rename out: %s\n", e(os.Rename(filepath.Join(dir, "link"), "/tmp/link")))
}

// leave: files a run leaves behind for --export (tests/emu/emu-test.sh export): nested
// directories, modes, an executable, symlinks leading out (never to be followed), a
// read-only directory with a file in it.
func leave(dir string) {
	must("mkdirall", os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	must("write", os.WriteFile(filepath.Join(dir, "a", "b", "f.txt"), []byte("left behind\n"), 0o640))
	must("write exe", os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	must("write empty", os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600))
	must("chmod", os.Chmod(filepath.Join(dir, "a", "b"), 0o750))
	must("symlink up", os.Symlink("../../../../etc/passwd", filepath.Join(dir, "a", "up")))
	must("symlink abs", os.Symlink("/etc/passwd", filepath.Join(dir, "abs")))
	must("mkdir ro", os.Mkdir(filepath.Join(dir, "ro"), 0o755))
	must("write in ro", os.WriteFile(filepath.Join(dir, "ro", "x"), []byte("x"), 0o644))
	must("chmod ro", os.Chmod(filepath.Join(dir, "ro"), 0o555))
	fmt.Println("left")
}

// fds: /proc/self/fd and /dev/std* (tests/emu/emu-test.sh procfd).
func fds() {
	f, err := os.Create("/tmp/open.txt")
	must("create", err)
	r, w, err := os.Pipe()
	must("pipe", err)
	ents, err := os.ReadDir("/proc/self/fd")
	must("readdir", err)
	for _, d := range ents {
		t, err := os.Readlink("/proc/self/fd/" + d.Name())
		fmt.Printf("fd %s -> %s %s\n", d.Name(), t, e(err))
	}
	t, err := os.Readlink("/dev/stdout")
	fmt.Printf("/dev/stdout -> %s %s\n", t, e(err))
	out, err := os.OpenFile("/dev/stdout", os.O_WRONLY, 0)
	must("open /dev/stdout", err)
	fmt.Fprintf(out, "through /dev/stdout\n")
	pw, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", w.Fd()), os.O_WRONLY, 0)
	must("reopen pipe", err)
	pw.Write([]byte("x"))
	b := make([]byte, 1)
	n, _ := r.Read(b)
	fmt.Printf("pipe read %d %q\n", n, b[:n])
	f.WriteString("abc")
	again, err := os.ReadFile(fmt.Sprintf("/dev/fd/%d", f.Fd()))
	fmt.Printf("file again: %q %s\n", again, e(err))
	fmt.Printf("create in /proc/self/fd: %s\n", e(os.WriteFile("/proc/self/fd/x", nil, 0o644)))
	fmt.Printf("remove a link: %s\n", e(os.Remove("/proc/self/fd/0")))
	fmt.Printf("link a link: %s\n", e(os.Link("/proc/self/fd/0", "/tmp/l")))
}

func main() {
	if len(os.Args) > 2 && os.Args[1] == "mount" {
		mount(os.Args[2])
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "fds" {
		fds()
		return
	}
	if len(os.Args) > 2 && os.Args[1] == "leave" {
		leave(os.Args[2])
		return
	}
	if len(os.Args) > 2 && os.Args[1] == "fill" {
		fill(os.Args[2])
		return
	}
	home := os.Getenv("HOME")
	dir := filepath.Join(home, ".cache", "app", "v1")
	must("mkdirall", os.MkdirAll(dir, 0o755))
	fi, err := os.Stat(dir)
	must("stat dir", err)
	fmt.Printf("dir: %s\n", fi.Mode())
	fmt.Printf("mkdir again: %s\n", e(os.Mkdir(dir, 0o755)))

	state := filepath.Join(dir, "state.json")
	must("write tmp", os.WriteFile(state+".tmp", []byte(`{"runs":1}`), 0o644))
	must("rename", os.Rename(state+".tmp", state))
	_, err = os.Stat(state + ".tmp")
	fmt.Printf("old name: %v\n", os.IsNotExist(err))
	b, err := os.ReadFile(state)
	fmt.Printf("state: %s %s\n", b, e(err))
	// rename over an existing file
	must("write new", os.WriteFile(state+".new", []byte(`{"runs":2}`), 0o644))
	must("rename over", os.Rename(state+".new", state))
	b, _ = os.ReadFile(state)
	fmt.Printf("state now: %s\n", b)

	// O_APPEND, O_EXCL, O_TRUNC
	logf := filepath.Join(dir, "log")
	for i := 0; i < 3; i++ {
		f, err := os.OpenFile(logf, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		must("open log", err)
		fmt.Fprintf(f, "line %d\n", i)
		f.Close()
	}
	b, _ = os.ReadFile(logf)
	fmt.Printf("log: %q\n", b)
	_, err = os.OpenFile(logf, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	fmt.Printf("excl: %s\n", e(err))
	f, err := os.OpenFile(logf, os.O_TRUNC|os.O_WRONLY, 0)
	must("trunc", err)
	f.Close()
	fi, _ = os.Stat(logf)
	fmt.Printf("truncated: %d %s\n", fi.Size(), fi.Mode())

	// a temp file: write, seek, read, ReadAt, Truncate, Chmod
	tf, err := os.CreateTemp(dir, "x-*.tmp")
	must("createtemp", err)
	fmt.Printf("temp name ok: %v\n", strings.HasPrefix(filepath.Base(tf.Name()), "x-") &&
		strings.HasSuffix(tf.Name(), ".tmp"))
	fi, _ = tf.Stat()
	fmt.Printf("temp mode: %s\n", fi.Mode())
	n, err := tf.WriteString("0123456789")
	fmt.Printf("write: %d %s\n", n, e(err))
	off, err := tf.Seek(3, io.SeekStart)
	fmt.Printf("seek: %d %s\n", off, e(err))
	buf := make([]byte, 4)
	n, err = tf.Read(buf)
	fmt.Printf("read: %q %d %s\n", buf[:n], n, e(err))
	n, err = tf.ReadAt(buf, 7)
	fmt.Printf("readat: %q %d %s\n", buf[:n], n, e(err))
	off, _ = tf.Seek(0, io.SeekCurrent)
	fmt.Printf("pos after readat: %d\n", off)
	must("truncate", tf.Truncate(5))
	fi, _ = tf.Stat()
	fmt.Printf("after truncate: %d\n", fi.Size())
	must("extend", tf.Truncate(8))
	b, _ = os.ReadFile(tf.Name())
	fmt.Printf("extended: %q\n", b)
	_, err = tf.WriteAt([]byte("AB"), 10)
	fmt.Printf("writeat: %s\n", e(err))
	b, _ = os.ReadFile(tf.Name())
	fmt.Printf("with hole: %q\n", b)
	must("chmod", tf.Chmod(0o640))
	fi, _ = os.Stat(tf.Name())
	fmt.Printf("chmod: %s\n", fi.Mode())
	must("sync", tf.Sync())
	tf.Close()
	must("remove temp", os.Remove(tf.Name()))

	// symlinks, hard links
	link := filepath.Join(dir, "current")
	must("symlink", os.Symlink("state.json", link))
	tgt, err := os.Readlink(link)
	fmt.Printf("readlink: %s %s\n", tgt, e(err))
	li, _ := os.Lstat(link)
	si, _ := os.Stat(link)
	fmt.Printf("lstat: %v stat size: %d\n", li.Mode()&os.ModeSymlink != 0, si.Size())
	b, _ = os.ReadFile(link)
	fmt.Printf("through link: %s\n", b)
	fmt.Printf("symlink again: %s\n", e(os.Symlink("x", link)))
	hard := filepath.Join(dir, "hard")
	must("link", os.Link(state, hard))
	si, _ = os.Stat(state)
	fmt.Printf("nlink: %d same: %v\n", si.Sys().(*syscall.Stat_t).Nlink, func() bool {
		h, _ := os.Stat(hard)
		return os.SameFile(si, h)
	}())
	dangling := filepath.Join(dir, "dangling")
	must("dangling", os.Symlink("nowhere", dangling))
	_, err = os.Stat(dangling)
	fmt.Printf("dangling stat: %v\n", os.IsNotExist(err))
	fmt.Printf("listing: %s\n", list(dir))

	// times
	when := time.Date(2020, 1, 2, 3, 4, 5, 600, time.UTC)
	must("chtimes", os.Chtimes(state, when, when))
	si, _ = os.Stat(state)
	fmt.Printf("mtime: %s\n", si.ModTime().UTC().Format(time.RFC3339Nano))

	// a removed file stays readable through its descriptor
	rf, err := os.Open(hard)
	must("open hard", err)
	must("remove hard", os.Remove(hard))
	must("remove state", os.Remove(state))
	b, err = io.ReadAll(rf)
	fmt.Printf("unlinked but open: %s %s\n", b, e(err))
	rf.Close()
	_, err = os.Stat(link)
	fmt.Printf("link now dangling: %v\n", os.IsNotExist(err))

	// directories: rmdir rules, rename of a directory, chdir
	sub := filepath.Join(dir, "sub")
	must("mkdir sub", os.Mkdir(sub, 0o700))
	must("write in sub", os.WriteFile(filepath.Join(sub, "f"), []byte("x"), 0o600))
	fmt.Printf("rmdir non-empty: %s\n", e(syscall.Rmdir(sub)))
	fmt.Printf("unlink a dir: %s\n", e(syscall.Unlink(sub)))
	fmt.Printf("rmdir a file: %s\n", e(syscall.Rmdir(filepath.Join(sub, "f"))))
	fmt.Printf("rename into itself: %s\n", e(os.Rename(sub, filepath.Join(sub, "x"))))
	moved := filepath.Join(dir, "moved")
	must("rename dir", os.Rename(sub, moved))
	b, err = os.ReadFile(filepath.Join(moved, "f"))
	fmt.Printf("after dir rename: %s %s\n", b, e(err))
	must("chdir", os.Chdir(moved))
	wd, _ := os.Getwd()
	fmt.Printf("getwd: %s\n", strings.TrimPrefix(wd, home))
	b, err = os.ReadFile("f")
	fmt.Printf("relative: %s %s\n", b, e(err))
	b, err = os.ReadFile("../../v1/moved/./f")
	fmt.Printf("dotdot: %s %s\n", b, e(err))
	must("chdir home", os.Chdir(home))

	// devices
	dn, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	must("open null", err)
	n, err = dn.Write(make([]byte, 1000))
	fmt.Printf("/dev/null: %d %s\n", n, e(err))
	dn.Close()
	z, _ := os.Open("/dev/zero")
	n, _ = io.ReadFull(z, buf)
	fmt.Printf("/dev/zero: %d %v\n", n, buf[:n])
	z.Close()
	full, _ := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	_, err = full.Write([]byte("x"))
	fmt.Printf("/dev/full: %s\n", e(err))
	full.Close()

	// dup'ed descriptors share one offset and one set of status flags
	sh := filepath.Join(home, "shared")
	must("write shared", os.WriteFile(sh, []byte("abcdefghij"), 0o644))
	fd, err := syscall.Open(sh, syscall.O_RDWR, 0)
	must("open shared", err)
	fd2, err := syscall.Dup(fd)
	must("dup", err)
	three := make([]byte, 3)
	syscall.Read(fd, three)
	n, _ = syscall.Read(fd2, three)
	fmt.Printf("dup read: %q\n", three[:n])
	off, _ = syscall.Seek(fd2, 1, io.SeekStart)
	cur, _ := syscall.Seek(fd, 0, io.SeekCurrent)
	fmt.Printf("dup seek: %d %d\n", off, cur)
	fd3 := 40
	must("dup2", syscall.Dup2(fd2, fd3))
	syscall.Close(fd2)
	n, _ = syscall.Read(fd3, three)
	cur, _ = syscall.Seek(fd, 0, io.SeekCurrent)
	fmt.Printf("dup2 read: %q now %d\n", three[:n], cur)
	fl, _ := unix_fcntl(fd, syscall.F_GETFL, 0)
	unix_fcntl(fd3, syscall.F_SETFL, fl|syscall.O_APPEND)
	fl3, _ := unix_fcntl(fd, syscall.F_GETFL, 0)
	fmt.Printf("shared O_APPEND: %v\n", fl3&syscall.O_APPEND != 0)
	syscall.Write(fd, []byte("K"))
	syscall.Close(fd)
	n, _ = syscall.Read(fd3, three)
	syscall.Close(fd3)
	b, _ = os.ReadFile(sh)
	fmt.Printf("after append: %q, read at end %d\n", b, n)

	must("remove shared", os.Remove(sh))
	must("removeall", os.RemoveAll(filepath.Join(home, ".cache")))
	_, err = os.Stat(dir)
	fmt.Printf("after removeall: %v\n", os.IsNotExist(err))
	fmt.Printf("home: %s\n", list(home))
}

func unix_fcntl(fd, cmd, arg int) (int, error) {
	r, _, en := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), uintptr(arg))
	if en != 0 {
		return 0, en
	}
	return int(r), nil
}
