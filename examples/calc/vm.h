/*
 * vm.h - runs a compiled calc program.
 *
 * Builtins are C functions called with their arguments in place on the VM
 * stack.  They return 0 with *out set, or -1 after vm_error() described the
 * problem; the VM adds the script's file and line and stops the program.
 */
#ifndef CALC_VM_H
#define CALC_VM_H

#include "compile.h"
#include "value.h"

typedef struct VM VM;

typedef int (*NativeFn)(VM *vm, Value *args, int argc, Value *out);

struct Native {
	const char *name;
	NativeFn fn;
	int min_args;
	int max_args; /* -1: any number */
};

/* Run prog to completion; 0 on success, -1 after reporting a runtime error. */
int vm_run(Program *prog, Heap *heap);

Heap *vm_heap(VM *vm);
CALC_PRINTF(2, 3) int vm_error(VM *vm, const char *fmt, ...);

#endif
