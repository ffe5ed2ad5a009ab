// futexwait: built with -ldflags=-E=main.start, so the Go runtime never starts: the only
// thread futex-waits on a zero word with no timeout and nothing can wake it — goboot's
// deadlock stop (exit 85). main.main exists only so the package builds.
package main

func start()

func main() { start() }
