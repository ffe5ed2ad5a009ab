// reexec: main re-executes itself (os/exec, Go's forkExec: clone(CLONE_VM|CLONE_VFORK),
// execve, the error pipe), pipes data to the child's stdin, reads its stdout and exit
// status, kills a child (SIGKILL); exec of a missing file, a non-ELF file, a script whose interpreter is
// missing and a file without the execute bit fail with the kernel's errors. Run with
// the binary's folder mounted at the same path.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func report(what string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Printf("%s: %s: %v\n", what, pe.Op, pe.Err)
		return
	}
	fmt.Printf("%s: %v\n", what, err)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "child":
			b, _ := io.ReadAll(os.Stdin)
			fmt.Print(strings.ToUpper(string(b)))
			fmt.Fprintln(os.Stderr, "child's stderr, args", os.Args[1:], "ppid ok", os.Getppid() > 0)
			os.Exit(3)
		case "block": // waits on its stdin, which the parent never closes
			fmt.Println("blocking")
			io.ReadAll(os.Stdin)
			os.Exit(0)
		case "env":
			fmt.Println("GREETING =", os.Getenv("GREETING"), "pid differs", os.Getpid() != os.Getppid())
			return
		}
	}
	cmd := exec.Command(os.Args[0], "child", "two words")
	cmd.Stdin = strings.NewReader("data for the child\nsecond line\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	fmt.Printf("stdout %q\nerr %v, exit code %d\nstderr %q\n", out, err, cmd.ProcessState.ExitCode(), stderr.String())

	cmd = exec.Command(os.Args[0], "env")
	cmd.Env = []string{"GREETING=hello"}
	out, err = cmd.CombinedOutput()
	fmt.Printf("env child: %q %v\n", out, err)

	// a child killed by SIGKILL (its default action): the parent sees the signal
	cmd = exec.Command(os.Args[0], "block")
	w, _ := cmd.StdinPipe()
	r, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		return
	}
	line := make([]byte, 9)
	io.ReadFull(r, line)
	cmd.Process.Kill()
	err = cmd.Wait()
	w.Close()
	fmt.Printf("killed child said %q: %v, exit code %d\n", line, err, cmd.ProcessState.ExitCode())

	report("missing", exec.Command("/no/such/program").Run())
	dir, err := os.MkdirTemp("", "reexec")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	notelf := filepath.Join(dir, "notelf")
	os.WriteFile(notelf, []byte("just text\n"), 0755)
	report("not ELF", exec.Command(notelf).Run())
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#!/no/such/interpreter\necho hi\n"), 0755)
	report("script", exec.Command(script).Run())
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("\x7fELF"), 0644)
	report("not executable", exec.Command(noexec).Run())
	report("directory", exec.Command(dir).Run())
}
