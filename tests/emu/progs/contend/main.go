// contend: 8 goroutines that wait for each other, the work a cooperative scheduler
// handles worst: a thread spinning for a lock burns its time slice while the thread
// holding it cannot run. Run with GOMAXPROCS > 1 (goboot run --ncpu 8).
//   contend [cas|mutex|chan|all] [N]   (default: all, N = 2000 rounds per goroutine)
// cas: a spin lock taken by a CompareAndSwap retry loop; mutex: a sync.Mutex hot
// loop; chan: an unbuffered channel ping-pong across goroutines. Each prints a
// total that does not depend on the interleaving.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

const workers = 8

func casLock(n int) int64 {
	var lock int32
	var total int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				for !atomic.CompareAndSwapInt32(&lock, 0, 1) {
				}
				total += int64(w + 1) // guarded by lock
				atomic.StoreInt32(&lock, 0)
			}
		}(w)
	}
	wg.Wait()
	return total
}

func mutexLoop(n int) int64 {
	var mu sync.Mutex
	var total int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				mu.Lock()
				total += int64(w + 1)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	return total
}

func chanPingPong(n int) int64 {
	c := make(chan int64)
	done := make(chan int64)
	for w := 0; w < workers; w++ {
		go func() {
			var sum int64
			for v := range c {
				sum += v
			}
			done <- sum
		}()
	}
	for i := 0; i < n*workers; i++ {
		c <- int64(i % 7)
	}
	close(c)
	var total int64
	for w := 0; w < workers; w++ {
		total += <-done
	}
	return total
}

func main() {
	mode, n := "all", 2000
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	if len(os.Args) > 2 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil || v < 1 {
			fmt.Fprintln(os.Stderr, "contend: N must be a positive number")
			os.Exit(2)
		}
		n = v
	}
	want := int64(n) * workers * (workers + 1) / 2
	ok := true
	run := func(name string, f func(int) int64, want int64) {
		if mode != "all" && mode != name {
			return
		}
		got := f(n)
		fmt.Printf("%s: total %d (want %d)\n", name, got, want)
		ok = ok && got == want
	}
	run("cas", casLock, want)
	run("mutex", mutexLoop, want)
	chanWant := int64(n*workers/7)*21 + int64((n*workers%7)*(n*workers%7-1)/2)
	run("chan", chanPingPong, chanWant)
	fmt.Printf("GOMAXPROCS %d\n", runtime.GOMAXPROCS(0))
	if !ok {
		os.Exit(1)
	}
}
