#include "table.h"

#include <math.h>
#include <string.h>

Table *table_new(Heap *h)
{
	Table *t = heap_alloc(h, sizeof(Table), OBJ_TABLE);

	t->arr = NULL;
	t->alen = t->acap = 0;
	t->hash = NULL;
	t->hcap = t->hcount = t->hused = 0;
	return t;
}

void table_release(Heap *h, Table *t)
{
	heap_realloc(h, t->arr, (size_t)t->acap * sizeof(Value), 0);
	heap_realloc(h, t->hash, (size_t)t->hcap * sizeof(Entry), 0);
	t->arr = NULL;
	t->hash = NULL;
	t->alen = t->acap = t->hcap = t->hcount = t->hused = 0;
}

/* Bring a key to its canonical form; false when it cannot be a key. */
static bool key_normalize(Value *k)
{
	switch (k->type) {
	case VT_INT:
	case VT_STR:
	case VT_BOOL:
		return true;
	case VT_FLOAT:
		if (isnan(k->as.f))
			return false;
		if (k->as.f == floor(k->as.f) && k->as.f >= -9223372036854775808.0 &&
		    k->as.f < 9223372036854775808.0)
			*k = val_int((int64_t)k->as.f);
		return true;
	default:
		return false;
	}
}

static uint32_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static uint32_t key_hash(Value k)
{
	switch (k.type) {
	case VT_STR: return k.as.s->hash;
	case VT_INT: return mix64((uint64_t)k.as.i);
	case VT_FLOAT: {
		uint64_t bits;
		memcpy(&bits, &k.as.f, sizeof(bits));
		return mix64(bits ^ 0x5bd1e995u);
	}
	case VT_BOOL: return k.as.b ? 0x9e3779b9u : 0x7f4a7c15u;
	default: return 0;
	}
}

static bool key_eq(Value a, Value b)
{
	if (a.type != b.type)
		return false;
	switch (a.type) {
	case VT_STR: return str_eq(a.as.s, b.as.s);
	case VT_INT: return a.as.i == b.as.i;
	case VT_FLOAT: return a.as.f == b.as.f;
	case VT_BOOL: return a.as.b == b.as.b;
	default: return false;
	}
}

/* The entry holding key, or the slot where it would go. */
static Entry *find_slot(Entry *hash, uint32_t cap, Value key, uint32_t hv)
{
	uint32_t mask = cap - 1;
	uint32_t i = hv & mask;
	Entry *tomb = NULL;

	for (;;) {
		Entry *e = &hash[i];
		if (e->key.type == VT_NIL)
			return tomb ? tomb : e;
		if (e->key.type == VT_UNDEF) {
			if (!tomb)
				tomb = e;
		} else if (key_eq(e->key, key)) {
			return e;
		}
		i = (i + 1) & mask;
	}
}

static void hash_resize(Heap *h, Table *t, uint32_t cap)
{
	Entry *old = t->hash;
	uint32_t oldcap = t->hcap;

	t->hash = heap_realloc(h, NULL, 0, (size_t)cap * sizeof(Entry));
	for (uint32_t i = 0; i < cap; i++) {
		t->hash[i].key = val_nil();
		t->hash[i].val = val_nil();
	}
	t->hcap = cap;
	t->hused = t->hcount;
	for (uint32_t i = 0; i < oldcap; i++) {
		Entry *e = &old[i];
		if (e->key.type == VT_NIL || e->key.type == VT_UNDEF)
			continue;
		*find_slot(t->hash, cap, e->key, key_hash(e->key)) = *e;
	}
	heap_realloc(h, old, (size_t)oldcap * sizeof(Entry), 0);
}

static Entry *hash_lookup(const Table *t, Value key)
{
	Entry *e;

	if (t->hcount == 0)
		return NULL;
	e = find_slot(t->hash, t->hcap, key, key_hash(key));
	return e->key.type == VT_NIL || e->key.type == VT_UNDEF ? NULL : e;
}

bool table_get(const Table *t, Value key, Value *out)
{
	Entry *e;

	if (key.type == VT_INT && (uint64_t)key.as.i < t->alen) {
		*out = t->arr[key.as.i];
		return true;
	}
	if (!key_normalize(&key))
		return false;
	if (key.type == VT_INT && (uint64_t)key.as.i < t->alen) {
		*out = t->arr[key.as.i];
		return true;
	}
	e = hash_lookup(t, key);
	if (!e)
		return false;
	*out = e->val;
	return true;
}

bool table_get_str(const Table *t, Str *key, Value *out)
{
	Entry *e;

	if (t->hcount == 0)
		return false;
	e = find_slot(t->hash, t->hcap, val_str(key), key->hash);
	if (e->key.type != VT_STR)
		return false;
	*out = e->val;
	return true;
}

static void arr_grow(Heap *h, Table *t)
{
	uint32_t cap = t->acap ? t->acap * 2 : 4;

	if (t->acap >= UINT32_MAX / 2)
		die(3, "table too large");
	t->arr = heap_realloc(h, t->arr, (size_t)t->acap * sizeof(Value),
			      (size_t)cap * sizeof(Value));
	t->acap = cap;
}

void table_push(Heap *h, Table *t, Value val)
{
	if (t->alen == t->acap)
		arr_grow(h, t);
	t->arr[t->alen++] = val;
	/* Keys that went to the hash part because of a gap now join the array. */
	while (t->hcount > 0) {
		Entry *e = hash_lookup(t, val_int(t->alen));
		Value moved;

		if (!e)
			break;
		moved = e->val;
		e->key = val_undef();
		e->val = val_nil();
		t->hcount--;
		if (t->alen == t->acap)
			arr_grow(h, t);
		t->arr[t->alen++] = moved;
	}
}

Value table_pop(Table *t)
{
	if (t->alen == 0)
		return val_nil();
	return t->arr[--t->alen];
}

int table_set(Heap *h, Table *t, Value key, Value val)
{
	Entry *e;

	if (key.type != VT_INT && !key_normalize(&key))
		return -1;
	if (key.type == VT_INT && (uint64_t)key.as.i <= t->alen) {
		if ((uint64_t)key.as.i < t->alen) {
			t->arr[key.as.i] = val;
			/* A nil at the end shortens the list, as pop() would. */
			while (t->alen > 0 && t->arr[t->alen - 1].type == VT_NIL)
				t->alen--;
			return 0;
		}
		if (val.type != VT_NIL) {
			table_push(h, t, val);
			return 0;
		}
	}
	if (val.type == VT_NIL) {
		e = hash_lookup(t, key);
		if (e) {
			e->key = val_undef();
			e->val = val_nil();
			t->hcount--;
		}
		return 0;
	}
	if (t->hused + 1 > t->hcap / 4 * 3) {
		uint32_t cap = 8;
		while (cap / 4 * 3 < (t->hcount + 1) * 2)
			cap *= 2;
		hash_resize(h, t, cap);
	}
	e = find_slot(t->hash, t->hcap, key, key_hash(key));
	if (e->key.type == VT_NIL || e->key.type == VT_UNDEF) {
		if (e->key.type == VT_NIL)
			t->hused++;
		t->hcount++;
		e->key = key;
	}
	e->val = val;
	return 0;
}

uint32_t table_count(const Table *t)
{
	uint32_t n = t->hcount;

	for (uint32_t i = 0; i < t->alen; i++)
		n += t->arr[i].type != VT_NIL;
	return n;
}

bool table_next(const Table *t, uint32_t *pos, Value *key, Value *val)
{
	while (*pos < t->alen) {
		uint32_t i = (*pos)++;
		if (t->arr[i].type != VT_NIL) {
			*key = val_int(i);
			*val = t->arr[i];
			return true;
		}
	}
	while (*pos - t->alen < t->hcap) {
		const Entry *e = &t->hash[*pos - t->alen];
		(*pos)++;
		if (e->key.type != VT_NIL && e->key.type != VT_UNDEF) {
			*key = e->key;
			*val = e->val;
			return true;
		}
	}
	return false;
}

void table_mark(Heap *h, const Table *t)
{
	for (uint32_t i = 0; i < t->alen; i++)
		heap_mark_value(h, t->arr[i]);
	for (uint32_t i = 0; i < t->hcap; i++) {
		const Entry *e = &t->hash[i];
		if (e->key.type == VT_NIL || e->key.type == VT_UNDEF)
			continue;
		heap_mark_value(h, e->key);
		heap_mark_value(h, e->val);
	}
}
