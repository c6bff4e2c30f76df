/*
 * value.h - calc's values, heap objects and garbage collector.
 *
 * A Value is a small tagged union passed by value.  Strings and tables live
 * on a garbage-collected heap; functions (Proto) belong to the compiled
 * program and builtins (Native) are static, so neither is collected.
 *
 * Collection is mark and sweep and only ever runs at a safe point chosen by
 * the VM (a call or a backward jump), when every live value is reachable
 * from the VM stack, the globals or the program's constants.  Code between
 * safe points, builtins included, can therefore allocate freely without
 * registering temporaries.
 */
#ifndef CALC_VALUE_H
#define CALC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

typedef enum ValueType {
	VT_NIL,
	VT_BOOL,
	VT_INT,
	VT_FLOAT,
	VT_STR,
	VT_TABLE,
	VT_FUNC,
	VT_NATIVE,
	/* Internal only: an unassigned global, an empty or deleted table slot. */
	VT_UNDEF
} ValueType;

typedef struct Obj Obj;
typedef struct Str Str;
typedef struct Table Table;
typedef struct Proto Proto;
typedef struct Native Native;

typedef struct Value {
	ValueType type;
	union {
		bool b;
		int64_t i;
		double f;
		Str *s;
		Table *t;
		Proto *fn;
		const Native *nat;
	} as;
} Value;

enum { OBJ_STR, OBJ_TABLE };

struct Obj {
	Obj *next;
	uint8_t kind;
	uint8_t marked;
};

struct Str {
	Obj obj;
	uint32_t hash;
	size_t len;
	char data[];
};

typedef struct Heap {
	Obj *objects;
	size_t bytes;
	size_t next_gc;
	/* Gray stack: marking is iterative so deep structures cannot overflow the C stack. */
	Obj **gray;
	size_t ngray, graycap;
	/* Every one-byte string, made once: s[i] and chr() are common in scripts. */
	Str *chars[256];
	Str *empty;
	size_t collections;
} Heap;

static inline Value val_nil(void) { Value v; v.type = VT_NIL; v.as.i = 0; return v; }
static inline Value val_undef(void) { Value v; v.type = VT_UNDEF; v.as.i = 0; return v; }
static inline Value val_bool(bool b) { Value v; v.type = VT_BOOL; v.as.i = 0; v.as.b = b; return v; }
static inline Value val_int(int64_t i) { Value v; v.type = VT_INT; v.as.i = i; return v; }
static inline Value val_float(double f) { Value v; v.type = VT_FLOAT; v.as.f = f; return v; }
static inline Value val_str(Str *s) { Value v; v.type = VT_STR; v.as.s = s; return v; }
static inline Value val_table(Table *t) { Value v; v.type = VT_TABLE; v.as.t = t; return v; }
static inline Value val_func(Proto *p) { Value v; v.type = VT_FUNC; v.as.fn = p; return v; }
static inline Value val_native(const Native *n) { Value v; v.type = VT_NATIVE; v.as.nat = n; return v; }

static inline bool val_truthy(Value v)
{
	return !(v.type == VT_NIL || (v.type == VT_BOOL && !v.as.b));
}

/* Arithmetic wraps around like the machine does instead of being undefined. */
static inline int64_t int_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t int_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t int_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

void heap_init(Heap *h);
/* Free every object, reachable or not. */
void heap_free(Heap *h);
void *heap_alloc(Heap *h, size_t size, uint8_t kind);
/* Account for memory an object owns outside its header (table arrays). */
void *heap_realloc(Heap *h, void *p, size_t oldsize, size_t newsize);
static inline bool heap_wants_gc(const Heap *h) { return h->bytes > h->next_gc; }
void heap_mark_value(Heap *h, Value v);
void heap_mark_obj(Heap *h, Obj *o);
/* Call after marking every root: traces the gray objects, then sweeps. */
void heap_collect(Heap *h);

uint32_t str_hash(const char *s, size_t len);
Str *str_new(Heap *h, const char *s, size_t len);
Str *str_concat(Heap *h, Str *a, Str *b);
static inline bool str_eq(const Str *a, const Str *b)
{
	return a == b || (a->hash == b->hash && a->len == b->len &&
			  memcmp(a->data, b->data, a->len) == 0);
}
int str_cmp(const Str *a, const Str *b);

const char *value_type_name(Value v);
/* Equality as the == operator sees it: 1 == 1.0, strings by content. */
bool values_equal(Value a, Value b);
/* Append the printed form of v; strings are quoted when quote is set. */
void value_format(Buf *b, Value v, bool quote);
/* Turn a value into a string, reusing it when it already is one. */
Str *value_tostr(Heap *h, Value v);

#endif
