// netloop: sockets on the loopback only, printing nothing that depends on port numbers
// or timing, so goboot's output can be compared with a native run. Modes:
//   (none)   HTTP over 127.0.0.1 and [::1] (httptest), AF_UNIX stream/datagram/
//            socketpair/abstract, UDP echo, a refused connection
//   offnet   goboot only, never natively: a dial to 192.0.2.1 (TEST-NET) and a DNS
//            lookup of a name not in /etc/hosts must fail at once
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Println(what, "error:", err)
		os.Exit(1)
	}
}

func httpOn(network, addr string) {
	ln, err := net.Listen(network, addr)
	if err != nil {
		fmt.Println(network, "listen failed:", err)
		return
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Path", r.URL.Path)
		fmt.Fprintf(w, "hello %s %s body=%q", r.Method, r.URL.Path, body)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	for _, p := range []string{"/a", "/b/c"} {
		res, err := http.Get(srv.URL + p)
		check("get", err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(network, res.StatusCode, res.Header.Get("X-Path"), string(b))
	}
	res, err := http.Post(srv.URL+"/post", "text/plain", bytesReader("payload"))
	check("post", err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(network, res.StatusCode, string(b))
}

type strReader struct{ s string }

func (r *strReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p, r.s)
	r.s = r.s[n:]
	return n, nil
}
func bytesReader(s string) io.Reader { return &strReader{s} }

func echoStream(network, addr string) {
	ln, err := net.Listen(network, addr)
	check(network+" listen", err)
	done := make(chan bool)
	go func() {
		c, err := ln.Accept()
		check("accept", err)
		b, _ := io.ReadAll(c) // until the client's shutdown(SHUT_WR)
		c.Write([]byte("echo:" + string(b)))
		c.Close()
		done <- true
	}()
	c, err := net.Dial(network, ln.Addr().String())
	check(network+" dial", err)
	c.Write([]byte("ping"))
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		check("closewrite", cw.CloseWrite())
	}
	b, err := io.ReadAll(c)
	check("read", err)
	fmt.Println(network, addrKind(ln.Addr()), string(b))
	c.Close()
	<-done
	ln.Close()
}

func addrKind(a net.Addr) string {
	if u, ok := a.(*net.UnixAddr); ok {
		if len(u.Name) > 0 && u.Name[0] == '@' {
			return "abstract " + u.Name
		}
		return "path " + filepath.Base(u.Name)
	}
	return a.Network()
}

func unixgram(dir string) {
	sa := filepath.Join(dir, "srv.sock")
	srv, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sa, Net: "unixgram"})
	check("listenunixgram", err)
	ca := filepath.Join(dir, "cli.sock")
	cli, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: ca, Net: "unixgram"})
	check("client", err)
	_, err = cli.WriteToUnix([]byte("dgram-1"), srv.LocalAddr().(*net.UnixAddr))
	check("writeto", err)
	cli.WriteToUnix([]byte("dgram-2"), srv.LocalAddr().(*net.UnixAddr))
	buf := make([]byte, 100)
	for i := 0; i < 2; i++ {
		n, from, err := srv.ReadFromUnix(buf)
		check("readfrom", err)
		fmt.Println("unixgram got", string(buf[:n]), "from", filepath.Base(from.Name))
		srv.WriteToUnix([]byte("re:"+string(buf[:n])), from)
		n, _, err = cli.ReadFromUnix(buf)
		check("reply", err)
		fmt.Println("unixgram reply", string(buf[:n]))
	}
	fi, err := os.Stat(sa)
	if err == nil {
		fmt.Println("socket file mode", fi.Mode().Type() == os.ModeSocket)
	} else {
		fmt.Println("socket file: stat error")
	}
	srv.Close()
	cli.Close()
}

func pair() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	check("socketpair", err)
	syscall.Write(fds[0], []byte("through the pair"))
	buf := make([]byte, 64)
	n, err := syscall.Read(fds[1], buf)
	check("pair read", err)
	fmt.Println("socketpair", string(buf[:n]))
	syscall.Close(fds[0])
	n, err = syscall.Read(fds[1], buf)
	fmt.Println("socketpair after close", n, err)
	_, err = syscall.Write(fds[1], []byte("x"))
	fmt.Println("write to closed pair:", err)
	syscall.Close(fds[1])
	sp, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET, 0)
	check("seqpacket pair", err)
	syscall.Write(sp[0], []byte("one"))
	syscall.Write(sp[0], []byte("two"))
	n, _ = syscall.Read(sp[1], buf)
	m, _ := syscall.Read(sp[1], buf[n:])
	fmt.Println("seqpacket", string(buf[:n]), string(buf[n:n+m]))
	syscall.Close(sp[0])
	syscall.Close(sp[1])
}

func udpEcho(network, addr string) {
	pc, err := net.ListenPacket(network, addr)
	check("listenpacket", err)
	go func() {
		buf := make([]byte, 1500)
		for i := 0; i < 3; i++ {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(append([]byte("echo "), buf[:n]...), from)
		}
	}()
	c, err := net.Dial(network, pc.LocalAddr().String())
	check("udp dial", err)
	buf := make([]byte, 1500)
	for _, m := range []string{"a", "bb", "ccc"} {
		c.Write([]byte(m))
		n, err := c.Read(buf)
		check("udp read", err)
		fmt.Println(network, string(buf[:n]))
	}
	c.Close()
	pc.Close()
}

func refused() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check("listen", err)
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.Dial("tcp", addr)
	fmt.Println("dial closed port: refused =", errors.Is(err, syscall.ECONNREFUSED))
	_, err = net.Dial("unix", "@goboot-nobody-listens")
	fmt.Println("dial abstract nobody:", errors.Is(err, syscall.ECONNREFUSED))
}

func offnet() {
	start := time.Now()
	_, err := net.DialTimeout("tcp", "192.0.2.1:80", 30*time.Second)
	fmt.Println("dial 192.0.2.1: unreachable =", errors.Is(err, syscall.ENETUNREACH), err)
	_, err = net.Dial("udp", "[2001:db8::1]:53")
	fmt.Println("dial 2001:db8::1 udp: unreachable =", errors.Is(err, syscall.ENETUNREACH))
	addrs, err := net.LookupHost("localhost")
	fmt.Println("localhost:", addrs, err)
	_, err = net.LookupHost("nosuch.example.com")
	var de *net.DNSError
	fmt.Println("lookup nosuch.example.com fails:", errors.As(err, &de), err)
	fmt.Println("fast:", time.Since(start) < 5*time.Second)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "offnet" {
		offnet()
		return
	}
	httpOn("tcp4", "127.0.0.1:0")
	httpOn("tcp6", "[::1]:0")
	echoStream("tcp", "127.0.0.1:0")
	echoStream("tcp6", "[::1]:0")
	dir, err := os.MkdirTemp("", "netloop")
	check("mkdirtemp", err)
	defer os.RemoveAll(dir)
	echoStream("unix", filepath.Join(dir, "stream.sock"))
	echoStream("unix", "@goboot-netloop")
	unixgram(dir)
	pair()
	udpEcho("udp4", "127.0.0.1:0")
	udpEcho("udp6", "[::1]:0")
	refused()
}
