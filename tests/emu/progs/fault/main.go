// fault: main.main calls an assembly function that loads from an unmapped address a few
// instructions into a block entered by a jump, so the stop must name that load exactly
// (not the block start, not the caller). See fault_amd64.s.
package main

func fault()

func main() {
	fault()
	println("not reached")
}
