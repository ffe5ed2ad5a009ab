// goroutines: 8 goroutines fed through channels, joined with a WaitGroup,
// sharing a map under a Mutex, plus a time.Timer and time.After. The output
// does not depend on scheduling order.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

func main() {
	const workers = 8
	jobs := make(chan int)
	results := make(chan int, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int]int{} // job -> square

	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum := 0
			for j := range jobs {
				mu.Lock()
				seen[j] = j * j
				mu.Unlock()
				sum += j * j
			}
			results <- sum
		}()
	}
	for j := 1; j <= 100; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(results)

	total := 0
	for s := range results {
		total += s
	}

	// A timer and time.After: both must fire (virtual time is fine).
	t := time.NewTimer(5 * time.Millisecond)
	<-t.C
	select {
	case <-time.After(10 * time.Millisecond):
	}

	keys := make([]int, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	fmt.Printf("workers=%d jobs=%d total=%d first=%d last=%d\n",
		workers, len(keys), total, seen[keys[0]], seen[keys[len(keys)-1]])
	fmt.Println("timers fired")
}
