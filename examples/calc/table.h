/*
 * table.h - calc's one data structure: a hash table with an array part.
 *
 * Keys 0..alen-1 live in a plain array, so lists built with push() or
 * t[len(t)] = v cost no hashing; every other key goes to an open-addressing
 * hash part.  Valid keys are integers, floats (an integral float is the same
 * key as the integer), strings and booleans.  Tables and functions are not
 * valid keys: hashing them by address would make iteration order depend on
 * where malloc put them, and calc's output is meant to be reproducible.
 */
#ifndef CALC_TABLE_H
#define CALC_TABLE_H

#include "value.h"

typedef struct Entry {
	Value key;
	Value val;
} Entry;

struct Table {
	Obj obj;
	Value *arr;
	uint32_t alen, acap;
	Entry *hash;
	uint32_t hcap;   /* 0 or a power of two */
	uint32_t hcount; /* live entries */
	uint32_t hused;  /* live entries and tombstones */
};

Table *table_new(Heap *h);
void table_release(Heap *h, Table *t);

/* Look key up; false when it is absent (or not a valid key). */
bool table_get(const Table *t, Value key, Value *out);
bool table_get_str(const Table *t, Str *key, Value *out);

/*
 * Set t[key] = val; setting nil removes a hash entry.  Returns -1 when key
 * is not a valid key, 0 otherwise.
 */
int table_set(Heap *h, Table *t, Value key, Value val);
void table_push(Heap *h, Table *t, Value val);
/* Remove and return the last array element, nil when there is none. */
Value table_pop(Table *t);
uint32_t table_count(const Table *t);

/*
 * Iterate: start with *pos = 0; returns false at the end.  The order is the
 * array part, then the hash part in slot order, which depends only on the
 * keys inserted and deleted.
 */
bool table_next(const Table *t, uint32_t *pos, Value *key, Value *val);

void table_mark(Heap *h, const Table *t);

#endif
