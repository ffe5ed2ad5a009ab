/* start_amd64.S — goboot-rtc's ELF entry: hand the kernel's stack pointer to C.
 *
 * At entry RSP points at argc (create_elf_tables; 16-aligned on Linux, but this code
 * does not rely on it). Like _rt0_amd64, nothing but RSP is read: RDX (an rtld
 * finaliser in the SysV ABI) and the other registers are ignored. */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* outermost frame for unwinders */
	movq	%rsp, %rdi		/* rtc_main(entry_sp) */
	andq	$-16, %rsp		/* SysV: RSP % 16 == 0 at the call */
	call	rtc_main
	movl	%eax, %edi
	movl	$231, %eax		/* exit_group(status) */
	syscall
	hlt				/* not reached */
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
