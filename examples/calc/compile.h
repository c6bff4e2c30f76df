/*
 * compile.h - calc's bytecode and the compiler from syntax tree to bytecode.
 *
 * The VM is a stack machine.  An instruction is a one-byte opcode followed
 * by its operands: u8, u16 (little endian) or i8 as noted.  Each function
 * (Proto) has its own code, constants and a line per code byte for error
 * messages.  Variables are resolved at compile time: locals to frame slots,
 * everything else to a numbered global, builtins being the first globals.
 */
#ifndef CALC_COMPILE_H
#define CALC_COMPILE_H

#include "ast.h"
#include "value.h"

#define OPCODES(X) \
	X(CONST, 2)      /* u16 constant index */ \
	X(SMALLINT, 2)   /* i16 */ \
	X(NIL, 0) X(TRUE, 0) X(FALSE, 0) \
	X(POP, 0) \
	X(POPN, 1)       /* u8 count */ \
	X(DUP, 0)        /* a -> a a */ \
	X(DUP2, 0)       /* a b -> a b a b */ \
	X(GETLOCAL, 1)   /* u8 slot */ \
	X(SETLOCAL, 1)   /* u8 slot; pops */ \
	X(GETGLOBAL, 2)  /* u16 global */ \
	X(SETGLOBAL, 2)  /* u16 global; pops */ \
	X(ADD, 0) X(SUB, 0) X(MUL, 0) X(DIV, 0) X(MOD, 0) \
	X(ADDI, 1)       /* i8 immediate */ \
	X(CONCAT, 0) \
	X(BAND, 0) X(BOR, 0) X(BXOR, 0) X(SHL, 0) X(SHR, 0) \
	X(EQ, 0) X(NE, 0) X(LT, 0) X(LE, 0) X(GT, 0) X(GE, 0) \
	X(NEG, 0) X(NOT, 0) \
	X(JMP, 2)        /* u16 forward offset */ \
	X(JMPF, 2)       /* u16 forward offset; pops the condition */ \
	X(AND, 2)        /* u16: falsy: keep it and jump; else pop */ \
	X(OR, 2)         /* u16: truthy: keep it and jump; else pop */ \
	X(LOOP, 2)       /* u16 backward offset */ \
	X(FORPREP, 3)    /* u8 slot, u16 forward offset to the loop's end */ \
	X(FORLOOP, 3)    /* u8 slot, u16 backward offset to the body */ \
	X(CALL, 1)       /* u8 argument count */ \
	X(RETURN, 0) \
	X(NEWTABLE, 0) \
	X(APPEND, 0)     /* t v -> t */ \
	X(SETINIT, 0)    /* t k v -> t */ \
	X(GETINDEX, 0)   /* t k -> v */ \
	X(SETINDEX, 0)   /* t k v -> */ \
	X(GETFIELD, 2)   /* u16 constant name; t -> v */ \
	X(SETFIELD, 2)   /* u16 constant name; t v -> */

typedef enum Opcode {
#define X(name, operands) OP_##name,
	OPCODES(X)
#undef X
	OP__COUNT
} Opcode;

struct Proto {
	char *name;
	int arity;
	int maxstack;      /* slots above the frame base, locals included */
	uint8_t *code;
	int *lines;
	size_t len, cap;
	Value *consts;
	size_t nconsts, constcap;
};

typedef struct Program {
	const char *filename;
	Proto **protos;
	size_t nprotos;
	char **globals;    /* names; builtins come first */
	size_t nglobals;
	Proto *main;
} Program;

/* Compile a parsed program; errors end the process like syntax errors. */
Program *compile_program(Heap *h, Node *ast, const char *filename);
void program_free(Program *prog);
/* Mark the constants of every function as GC roots. */
void program_mark(Heap *h, const Program *prog);
/* Write a listing of every function's bytecode to stdout. */
void program_dump(const Program *prog);
int proto_line(const Proto *p, size_t offset);

#endif
