#include "textflag.h"

// The load from 0x1008 faults; the instructions before it have run (CX = 0x2a), the one
// after it has not (DX is not 1). The jump makes the load's block start mid-function.
TEXT ·fault(SB), NOSPLIT, $0-0
	MOVQ $7, BX
	JMP  next
next:
	MOVQ $0x1000, AX
	ADDQ $8, AX
	MOVQ $0x2a, CX
	MOVQ (AX), DX
	MOVQ $1, DX
	RET

// A hardware divide error (#DE → SIGFPE, FPE_INTDIV): Go code never divides by zero in
// hardware (the compiler tests the divisor and calls runtime.panicdivide).
TEXT ·divzero(SB), NOSPLIT, $0-0
	MOVQ $7, AX
	XORL DX, DX
	XORL CX, CX
	IDIVQ CX
	RET

// An invalid instruction (#UD → SIGILL, ILL_ILLOPN).
TEXT ·ud2(SB), NOSPLIT, $0-0
	MOVQ $0x2a, CX
	BYTE $0x0f; BYTE $0x0b
	RET
