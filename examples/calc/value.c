#include "value.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* The heap size below which no collection happens; -DGC_MIN_BYTES=1 tests the collector. */
#ifndef GC_MIN_BYTES
#define GC_MIN_BYTES ((size_t)4 << 20)
#endif

void heap_init(Heap *h)
{
	memset(h, 0, sizeof(*h));
	h->next_gc = GC_MIN_BYTES;
	h->empty = str_new(h, "", 0);
	for (int c = 0; c < 256; c++) {
		char ch = (char)c;
		h->chars[c] = str_new(h, &ch, 1);
	}
}

static void obj_free(Heap *h, Obj *o)
{
	if (o->kind == OBJ_TABLE) {
		Table *t = (Table *)o;
		table_release(h, t);
		h->bytes -= sizeof(Table);
	} else {
		h->bytes -= sizeof(Str) + ((Str *)o)->len + 1;
	}
	free(o);
}

void heap_free(Heap *h)
{
	Obj *o = h->objects;

	while (o) {
		Obj *next = o->next;
		obj_free(h, o);
		o = next;
	}
	free(h->gray);
	memset(h, 0, sizeof(*h));
}

void *heap_alloc(Heap *h, size_t size, uint8_t kind)
{
	Obj *o = xmalloc(size);

	o->kind = kind;
	o->marked = 0;
	o->next = h->objects;
	h->objects = o;
	h->bytes += size;
	return o;
}

void *heap_realloc(Heap *h, void *p, size_t oldsize, size_t newsize)
{
	h->bytes = h->bytes - oldsize + newsize;
	if (newsize == 0) {
		free(p);
		return NULL;
	}
	return xrealloc(p, newsize);
}

void heap_mark_obj(Heap *h, Obj *o)
{
	if (o->marked)
		return;
	o->marked = 1;
	/* Strings hold no references: no need to visit them again. */
	if (o->kind == OBJ_STR)
		return;
	if (h->ngray == h->graycap) {
		h->graycap = h->graycap ? h->graycap * 2 : 256;
		h->gray = xrealloc(h->gray, h->graycap * sizeof(*h->gray));
	}
	h->gray[h->ngray++] = o;
}

void heap_mark_value(Heap *h, Value v)
{
	if (v.type == VT_STR)
		heap_mark_obj(h, &v.as.s->obj);
	else if (v.type == VT_TABLE)
		heap_mark_obj(h, &v.as.t->obj);
}

void heap_collect(Heap *h)
{
	Obj **link = &h->objects;

	heap_mark_obj(h, &h->empty->obj);
	for (int c = 0; c < 256; c++)
		heap_mark_obj(h, &h->chars[c]->obj);
	while (h->ngray > 0) {
		Obj *o = h->gray[--h->ngray];
		table_mark(h, (Table *)o);
	}
	while (*link) {
		Obj *o = *link;
		if (o->marked) {
			o->marked = 0;
			link = &o->next;
		} else {
			*link = o->next;
			obj_free(h, o);
		}
	}
	h->next_gc = h->bytes * 2 > (size_t)GC_MIN_BYTES ? h->bytes * 2 : (size_t)GC_MIN_BYTES;
	h->collections++;
}

uint32_t str_hash(const char *s, size_t len)
{
	uint32_t x = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		x ^= (unsigned char)s[i];
		x *= 16777619u;
	}
	return x;
}

Str *str_new(Heap *h, const char *s, size_t len)
{
	Str *str;

	if (len == 1 && h->chars[(unsigned char)s[0]])
		return h->chars[(unsigned char)s[0]];
	str = heap_alloc(h, sizeof(Str) + len + 1, OBJ_STR);
	str->len = len;
	if (len)
		memcpy(str->data, s, len);
	str->data[len] = '\0';
	str->hash = str_hash(s, len);
	return str;
}

Str *str_concat(Heap *h, Str *a, Str *b)
{
	Str *str;
	size_t len;

	if (a->len == 0)
		return b;
	if (b->len == 0)
		return a;
	len = a->len + b->len;
	str = heap_alloc(h, sizeof(Str) + len + 1, OBJ_STR);
	str->len = len;
	memcpy(str->data, a->data, a->len);
	memcpy(str->data + a->len, b->data, b->len);
	str->data[len] = '\0';
	str->hash = str_hash(str->data, len);
	return str;
}

int str_cmp(const Str *a, const Str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->data, b->data, n) : 0;

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

const char *value_type_name(Value v)
{
	switch (v.type) {
	case VT_NIL: return "nil";
	case VT_BOOL: return "bool";
	case VT_INT: return "int";
	case VT_FLOAT: return "float";
	case VT_STR: return "string";
	case VT_TABLE: return "table";
	case VT_FUNC:
	case VT_NATIVE: return "function";
	case VT_UNDEF: break;
	}
	return "undefined";
}

bool values_equal(Value a, Value b)
{
	if (a.type != b.type) {
		if (a.type == VT_INT && b.type == VT_FLOAT)
			return (double)a.as.i == b.as.f;
		if (a.type == VT_FLOAT && b.type == VT_INT)
			return a.as.f == (double)b.as.i;
		return false;
	}
	switch (a.type) {
	case VT_NIL: return true;
	case VT_BOOL: return a.as.b == b.as.b;
	case VT_INT: return a.as.i == b.as.i;
	case VT_FLOAT: return a.as.f == b.as.f;
	case VT_STR: return str_eq(a.as.s, b.as.s);
	case VT_TABLE: return a.as.t == b.as.t;
	case VT_FUNC: return a.as.fn == b.as.fn;
	case VT_NATIVE: return a.as.nat == b.as.nat;
	case VT_UNDEF: break;
	}
	return false;
}

static void format_float(Buf *b, double f)
{
	char tmp[64];
	size_t n;

	if (isnan(f)) {
		buf_add(b, "nan", 3);
		return;
	}
	if (isinf(f)) {
		buf_add(b, f < 0 ? "-inf" : "inf", f < 0 ? 4 : 3);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.14g", f);
	n = strlen(tmp);
	buf_add(b, tmp, n);
	/* Keep floats recognisable: 2.0 prints as 2.0, not as the int 2. */
	if (strspn(tmp, "-0123456789") == n)
		buf_add(b, ".0", 2);
}

static void format_str(Buf *b, const Str *s)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->data[i];
		switch (c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(b, "\\x%02x", c);
			else
				buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

static void format_table(Buf *b, const Table *t, int depth)
{
	uint32_t pos = 0;
	Value k, v;
	bool first = true;

	if (depth > 8) {
		buf_add(b, "{...}", 5);
		return;
	}
	buf_addc(b, '{');
	while (table_next(t, &pos, &k, &v)) {
		if (!first)
			buf_add(b, ", ", 2);
		first = false;
		value_format(b, k, true);
		buf_add(b, ": ", 2);
		if (v.type == VT_TABLE)
			format_table(b, v.as.t, depth + 1);
		else
			value_format(b, v, true);
	}
	buf_addc(b, '}');
}

void value_format(Buf *b, Value v, bool quote)
{
	switch (v.type) {
	case VT_NIL: buf_add(b, "nil", 3); break;
	case VT_BOOL: v.as.b ? buf_add(b, "true", 4) : buf_add(b, "false", 5); break;
	case VT_INT: buf_addf(b, "%" PRId64, v.as.i); break;
	case VT_FLOAT: format_float(b, v.as.f); break;
	case VT_STR:
		if (quote)
			format_str(b, v.as.s);
		else
			buf_add(b, v.as.s->data, v.as.s->len);
		break;
	case VT_TABLE: format_table(b, v.as.t, 0); break;
	case VT_FUNC: buf_add(b, "<function>", 10); break;
	case VT_NATIVE: buf_add(b, "<builtin>", 9); break;
	case VT_UNDEF: buf_add(b, "<undefined>", 11); break;
	}
}

Str *value_tostr(Heap *h, Value v)
{
	Buf b = {0};
	Str *s;

	if (v.type == VT_STR)
		return v.as.s;
	if (v.type == VT_INT && v.as.i >= 0 && v.as.i < 10)
		return h->chars['0' + v.as.i];
	value_format(&b, v, false);
	s = str_new(h, b.data, b.len);
	buf_free(&b);
	return s;
}
