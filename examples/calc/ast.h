/*
 * ast.h - the syntax tree the parser builds and the compiler walks.
 *
 * All nodes of one parse come from one arena and are freed together.
 */
#ifndef CALC_AST_H
#define CALC_AST_H

#include <stddef.h>
#include <stdint.h>

typedef enum NodeKind {
	/* expressions */
	N_INT, N_FLOAT, N_STR, N_NIL, N_TRUE, N_FALSE, N_NAME,
	N_UNARY,  /* op a */
	N_BINARY, /* a op b */
	N_AND, N_OR,
	N_CALL,   /* a(b...) */
	N_INDEX,  /* a[b] */
	N_FIELD,  /* a.name */
	N_LIST,   /* [a...] */
	N_MAP,    /* {a...}, a list of N_PAIR */
	N_PAIR,   /* a: b */
	N_FUNC,   /* fn (a...) b */
	/* statements */
	N_LET,    /* let name = a */
	N_ASSIGN, /* a op b, op is T_ASSIGN or a compound operator */
	N_EXPR,
	N_IF,     /* if a b else c */
	N_WHILE,  /* while a b */
	N_FOR,    /* for name = a, b c */
	N_BREAK, N_CONTINUE,
	N_RETURN, /* return a */
	N_BLOCK,  /* { a... } */
	N_FNDECL  /* fn name(a...) b */
} NodeKind;

typedef struct Node Node;
struct Node {
	NodeKind kind;
	int line;
	int op;
	Node *a, *b, *c;
	Node *next; /* the following node in a list */
	const char *name;
	size_t namelen;
	char *str;  /* N_STR, decoded */
	size_t slen;
	int64_t ival;
	double fval;
};

typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
	ArenaChunk *chunks;
} Arena;

void *arena_alloc(Arena *a, size_t size);
void arena_free(Arena *a);

#endif
