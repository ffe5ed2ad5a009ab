#include "textflag.h"

// Data faults whose block sets the flags before the faulting load or store, so the
// signal frame's RIP and RFLAGS are right only if the fault is located exactly (Unicorn
// leaves both stale: docs/unicorn.md § Where a data fault happened). Each faulting
// instruction is 3 bytes; the handler resumes after it.

// func loadcmp(p uintptr) uintptr: CMP sets CF|SF, then a load from p.
TEXT ·loadcmp(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ $5, BX
	MOVQ $3, CX
	CMPQ CX, BX
	MOVQ (AX), DX // 48 8b 10
	MOVQ $0x77, CX
	MOVQ DX, ret+8(FP)
	RET

// func storeadd(p uintptr): ADD leaves ZF|CF (0xffff + 1 in 16 bits), then a store to p.
TEXT ·storeadd(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	MOVW $0xffff, BX
	MOVQ $0x55, CX
	ADDW $1, BX
	MOVQ CX, (AX) // 48 89 08
	MOVQ $0x66, CX
	RET

// func twoways(p, w uintptr) uintptr: the load at mid is in two blocks: entered by the
// jump (w == 0: the block starts at the load, the flags are CMP's from the block before)
// or run into from the ADD above it (w != 0: three instructions into that block).
TEXT ·twoways(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), AX
	MOVQ w+8(FP), BX
	MOVQ $0, DX
	CMPQ BX, $0
	JEQ  mid
	MOVQ $0x7fffffffffffffff, CX
	ADDQ BX, CX
mid:
	MOVQ (AX), DX // 48 8b 10
	MOVQ DX, ret+16(FP)
	RET

// func late(p uintptr): a load first faulting long after the others (the twin that
// located them is gone by then: emu/signal.c).
TEXT ·late(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	MOVQ $9, CX
	SUBQ $10, CX
	MOVQ (AX), BX // 48 8b 18
	RET

// The handler, entered by the kernel (DI = signo, SI = &siginfo, DX = &ucontext): keep
// what the frame says in ·seen[·nseen], then resume 3 bytes further on.
TEXT ·handler(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ ·nseen(SB), AX
	CMPQ AX, $64
	JAE  skip
	SHLQ $6, AX
	LEAQ ·seen(SB), CX
	ADDQ AX, CX
	MOVQ 168(DX), R8 // uc_mcontext.gregs[REG_RIP]
	MOVQ R8, 0(CX)
	MOVQ 176(DX), R8 // REG_EFL
	MOVQ R8, 8(CX)
	MOVQ 16(SI), R8  // si_addr
	MOVQ R8, 16(CX)
	MOVLQSX 8(SI), R8 // si_code
	MOVQ R8, 24(CX)
	MOVQ 192(DX), R8 // REG_ERR
	MOVQ R8, 32(CX)
	MOVQ 152(DX), R8 // REG_RCX
	MOVQ R8, 40(CX)
	MOVQ 128(DX), R8 // REG_RBX
	MOVQ R8, 48(CX)
	MOVQ 136(DX), R8 // REG_RDX
	MOVQ R8, 56(CX)
	INCQ ·nseen(SB)
skip:
	ADDQ $3, 168(DX)
	RET

// rt_sigreturn, the handler's return address (sa_restorer)
TEXT ·restorer(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ $15, AX
	SYSCALL
	INT  $3

// func pcs() (handler, restorer uintptr): the ABI0 entry points, for rt_sigaction
TEXT ·pcs(SB), NOSPLIT, $0-16
	LEAQ ·handler(SB), AX
	MOVQ AX, h+0(FP)
	LEAQ ·restorer(SB), AX
	MOVQ AX, r+8(FP)
	RET
