// compute: CPU-bound work for benchmarks (SHA-256 over 4 MiB, twice, and a
// 300k-entry map); deterministic, prints a checksum.
package main

import (
	"crypto/sha256"
	"fmt"
)

func main() {
	buf := make([]byte, 4<<20)
	x := uint32(2463534242) // xorshift32: deterministic filler
	for i := range buf {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		buf[i] = byte(x)
	}
	var sum [32]byte
	for r := 0; r < 2; r++ {
		copy(buf, sum[:])
		sum = sha256.Sum256(buf)
	}

	m := make(map[uint64]uint64)
	for i := uint64(0); i < 300000; i++ {
		m[i*2654435761] = i ^ uint64(sum[i%32])
	}
	var acc uint64
	for i := uint64(0); i < 300000; i++ {
		acc += m[i*2654435761] * (i | 1)
	}
	fmt.Printf("sha256=%x\nmap=%d acc=%d\n", sum, len(m), acc)
}
