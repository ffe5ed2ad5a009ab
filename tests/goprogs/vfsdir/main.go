// vfsdir: what real CLIs do at start-up with the file system and prctl, printed so the
// emulated answers can be checked (tests/emu/emu-test.sh vfsdir, golden vfsdir):
// the working directory (os.Getwd, stat "."), listing virtual directories (getdents64),
// path resolution (relative, "..", ".", trailing slash, openat on a directory fd),
// mkdir in the read-only tree, access modes, and prctl thread names and VMA names.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"
)

func errno(err error) string {
	if err == nil {
		return "ok"
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}

func en(e syscall.Errno) string {
	if e == 0 {
		return "ok"
	}
	return e.Error()
}

func list(dir string) {
	ents, err := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		t := "f"
		if e.IsDir() {
			t = "d"
		} else if e.Type()&os.ModeCharDevice != 0 {
			t = "c"
		}
		names = append(names, e.Name()+":"+t)
	}
	fmt.Printf("readdir %s: %s [%s]\n", dir, errno(err), strings.Join(names, " "))
}

func stat(p string) {
	fi, err := os.Stat(p)
	if err != nil {
		fmt.Printf("stat %q: %s\n", p, errno(err))
		return
	}
	fmt.Printf("stat %q: %s dir=%v\n", p, fi.Mode(), fi.IsDir())
}

func prctl(op, a2, a3, a4, a5 uintptr) string {
	r, _, e := syscall.Syscall6(syscall.SYS_PRCTL, op, a2, a3, a4, a5, 0)
	if e != 0 {
		return en(e)
	}
	return fmt.Sprint(r)
}

func main() {
	wd, err := os.Getwd()
	fmt.Printf("getwd: %q %s\n", wd, errno(err))
	for _, p := range []string{".", "/", "proc", "/proc/self/../version", "./dev//urandom",
		"/proc/version/", "/proc/version/x", "/nope/x", "/sys/kernel/mm"} {
		stat(p)
	}
	list("/")
	list("/proc/self")
	list("/dev")
	list("/proc/version")
	b, err := os.ReadFile("proc/../proc/version")
	fmt.Printf("read relative: %d bytes %s\n", len(b), errno(err))

	// openat relative to a directory fd, and a directory read as a file
	dfd, err := syscall.Open("/sys/kernel", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	fmt.Printf("open dir: %s\n", errno(err))
	fd, err := syscall.Openat(dfd, "mm/transparent_hugepage/hpage_pmd_size", syscall.O_RDONLY, 0)
	buf := make([]byte, 32)
	n, _ := syscall.Read(fd, buf)
	fmt.Printf("openat dirfd: %s %q\n", errno(err), buf[:n])
	_, err = syscall.Read(dfd, buf)
	fmt.Printf("read dir: %s\n", errno(err))
	_, err = syscall.Openat(dfd, "mm", syscall.O_RDWR, 0)
	fmt.Printf("open dir O_RDWR: %s\n", errno(err))
	_, err = syscall.Openat(fd, "x", syscall.O_RDONLY, 0)
	fmt.Printf("openat on a file fd: %s\n", errno(err))
	_, err = syscall.Open("/proc/version", syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	fmt.Printf("O_DIRECTORY on a file: %s\n", errno(err))

	fmt.Printf("mkdir v3: %s\n", errno(os.Mkdir("v3", 0o755)))
	fmt.Printf("mkdir /proc: %s\n", errno(os.Mkdir("/proc", 0o755)))
	fmt.Printf("mkdir /nope/x: %s\n", errno(os.Mkdir("/nope/x", 0o755)))
	_, err = os.Create("new.txt")
	fmt.Printf("create: %s\n", errno(err))
	fmt.Printf("access /proc w: %s\n", errno(syscall.Access("/proc", 2)))
	fmt.Printf("access /proc x: %s\n", errno(syscall.Access("/proc", 1)))
	fmt.Printf("access /proc/version r: %s\n", errno(syscall.Access("/proc/version", 4)))

	// prctl: thread name, VMA names (Go >= 1.25's runtime names its mappings this way)
	var name [16]byte
	e := prctl(16, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0) // PR_GET_NAME
	fmt.Printf("PR_GET_NAME: %s %q\n", e, strings.TrimRight(string(name[:]), "\x00"))
	nn := []byte("worker-with-a-long-name\x00")
	e = prctl(15, uintptr(unsafe.Pointer(&nn[0])), 0, 0, 0) // PR_SET_NAME
	name = [16]byte{}
	e2 := prctl(16, uintptr(unsafe.Pointer(&name[0])), 0, 0, 0)
	fmt.Printf("PR_SET_NAME: %s, then %s %q\n", e, e2, strings.TrimRight(string(name[:]), "\x00"))
	mem, err := syscall.Mmap(-1, 0, 8192, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	base := uintptr(unsafe.Pointer(&mem[0]))
	ok := []byte("goboot test\x00")
	bad := []byte("a$b\x00")
	const setVMA, anonName = 0x53564d41, 0
	fmt.Printf("PR_SET_VMA: %s\n", (prctl(setVMA, anonName, base, 8192, uintptr(unsafe.Pointer(&ok[0])))))
	fmt.Printf("PR_SET_VMA bad char: %s\n", (prctl(setVMA, anonName, base, 8192, uintptr(unsafe.Pointer(&bad[0])))))
	fmt.Printf("PR_SET_VMA unaligned: %s\n", (prctl(setVMA, anonName, base+1, 8192, uintptr(unsafe.Pointer(&ok[0])))))
	syscall.Munmap(mem)
	fmt.Printf("PR_SET_VMA unmapped: %s\n", (prctl(setVMA, anonName, base, 8192, uintptr(unsafe.Pointer(&ok[0])))))
	fmt.Printf("PR_GET_DUMPABLE: %s\n", prctl(3, 0, 0, 0, 0))
	fmt.Printf("prctl 9999: %s\n", (prctl(9999, 0, 0, 0, 0)))
}
