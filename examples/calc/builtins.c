#include "builtins.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static int arg_error(VM *vm, const char *fn, int i, const char *want, Value got)
{
	return vm_error(vm, "%s(): argument %d must be %s, not %s", fn, i + 1, want,
			value_type_name(got));
}

#define WANT(fn, i, vt, what) \
	do { \
		if (args[i].type != (vt)) \
			return arg_error(vm, fn, i, what, args[i]); \
	} while (0)

static int write_values(VM *vm, Value *args, int argc, bool newline)
{
	Buf b = {0};

	for (int i = 0; i < argc; i++) {
		if (i)
			buf_addc(&b, ' ');
		value_format(&b, args[i], false);
	}
	if (newline)
		buf_addc(&b, '\n');
	if (b.len && fwrite(b.data, 1, b.len, stdout) != b.len) {
		buf_free(&b);
		return vm_error(vm, "cannot write to standard output: %s", strerror(errno));
	}
	buf_free(&b);
	return 0;
}

static int b_print(VM *vm, Value *args, int argc, Value *out)
{
	*out = val_nil();
	return write_values(vm, args, argc, true);
}

static int b_write(VM *vm, Value *args, int argc, Value *out)
{
	*out = val_nil();
	return write_values(vm, args, argc, false);
}

static int b_len(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	if (args[0].type == VT_STR)
		*out = val_int((int64_t)args[0].as.s->len);
	else if (args[0].type == VT_TABLE)
		*out = val_int(args[0].as.t->alen);
	else
		return arg_error(vm, "len", 0, "a string or a table", args[0]);
	return 0;
}

static int b_count(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	WANT("count", 0, VT_TABLE, "a table");
	*out = val_int(table_count(args[0].as.t));
	return 0;
}

static int b_type(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	const char *name = value_type_name(args[0]);

	*out = val_str(str_new(vm_heap(vm), name, strlen(name)));
	return 0;
}

static int b_str(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	*out = val_str(value_tostr(vm_heap(vm), args[0]));
	return 0;
}

static int b_int(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Value v = args[0];

	switch (v.type) {
	case VT_INT:
		*out = v;
		return 0;
	case VT_FLOAT:
		if (!(v.as.f >= -9223372036854775808.0 && v.as.f < 9223372036854775808.0))
			return vm_error(vm, "int(): %g does not fit in an int", v.as.f);
		*out = val_int((int64_t)v.as.f);
		return 0;
	case VT_STR: {
		const char *s = v.as.s->data;
		char *end;
		long long n;
		errno = 0;
		n = strtoll(s, &end, 10);
		/* Not a number: nil, so scripts can test for it. */
		if (errno || end == s || *end != '\0' || v.as.s->len != strlen(s))
			*out = val_nil();
		else
			*out = val_int(n);
		return 0;
	}
	default:
		return arg_error(vm, "int", 0, "a number or a string", v);
	}
}

static int b_float(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Value v = args[0];

	if (v.type == VT_INT) {
		*out = val_float((double)v.as.i);
	} else if (v.type == VT_FLOAT) {
		*out = v;
	} else if (v.type == VT_STR) {
		char *end;
		double d = strtod(v.as.s->data, &end);
		*out = end == v.as.s->data || *end != '\0' ? val_nil() : val_float(d);
	} else {
		return arg_error(vm, "float", 0, "a number or a string", v);
	}
	return 0;
}

/* Clamp a possibly negative (from the end) index into 0..len. */
static size_t clamp_index(int64_t i, size_t len)
{
	if (i < 0)
		i += (int64_t)len;
	if (i < 0)
		return 0;
	return (uint64_t)i > len ? len : (size_t)i;
}

static int b_substr(VM *vm, Value *args, int argc, Value *out)
{
	Str *s;
	size_t start, n;

	WANT("substr", 0, VT_STR, "a string");
	WANT("substr", 1, VT_INT, "an int");
	s = args[0].as.s;
	start = clamp_index(args[1].as.i, s->len);
	n = s->len - start;
	if (argc > 2) {
		WANT("substr", 2, VT_INT, "an int");
		if (args[2].as.i < 0)
			return vm_error(vm, "substr(): negative length %lld", (long long)args[2].as.i);
		if ((uint64_t)args[2].as.i < n)
			n = (size_t)args[2].as.i;
	}
	*out = val_str(str_new(vm_heap(vm), s->data + start, n));
	return 0;
}

static int b_find(VM *vm, Value *args, int argc, Value *out)
{
	Str *s, *sub;
	size_t from = 0;

	WANT("find", 0, VT_STR, "a string");
	WANT("find", 1, VT_STR, "a string");
	s = args[0].as.s;
	sub = args[1].as.s;
	if (argc > 2) {
		WANT("find", 2, VT_INT, "an int");
		from = clamp_index(args[2].as.i, s->len);
	}
	*out = val_int(-1);
	if (sub->len == 0) {
		*out = val_int((int64_t)from);
		return 0;
	}
	for (size_t i = from; i + sub->len <= s->len; i++) {
		const char *p = memchr(s->data + i, sub->data[0], s->len - i);
		if (!p)
			break;
		i = (size_t)(p - s->data);
		if (i + sub->len > s->len)
			break;
		if (memcmp(p, sub->data, sub->len) == 0) {
			*out = val_int((int64_t)i);
			break;
		}
	}
	return 0;
}

static int b_split(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Heap *h = vm_heap(vm);
	Table *t;
	Str *s, *sep;
	size_t start = 0;

	WANT("split", 0, VT_STR, "a string");
	WANT("split", 1, VT_STR, "a string");
	s = args[0].as.s;
	sep = args[1].as.s;
	if (sep->len == 0)
		return vm_error(vm, "split(): empty separator");
	t = table_new(h);
	for (size_t i = 0; i + sep->len <= s->len;) {
		if (memcmp(s->data + i, sep->data, sep->len) == 0) {
			table_push(h, t, val_str(str_new(h, s->data + start, i - start)));
			i += sep->len;
			start = i;
		} else {
			i++;
		}
	}
	table_push(h, t, val_str(str_new(h, s->data + start, s->len - start)));
	*out = val_table(t);
	return 0;
}

static int b_join(VM *vm, Value *args, int argc, Value *out)
{
	Table *t;
	Buf b = {0};
	const Str *sep = NULL;

	WANT("join", 0, VT_TABLE, "a table");
	if (argc > 1) {
		WANT("join", 1, VT_STR, "a string");
		sep = args[1].as.s;
	}
	t = args[0].as.t;
	buf_add(&b, "", 0);
	for (uint32_t i = 0; i < t->alen; i++) {
		if (i && sep)
			buf_add(&b, sep->data, sep->len);
		if (t->arr[i].type == VT_TABLE) {
			buf_free(&b);
			return vm_error(vm, "join(): element %u is a table", i);
		}
		value_format(&b, t->arr[i], false);
	}
	*out = val_str(str_new(vm_heap(vm), b.data, b.len));
	buf_free(&b);
	return 0;
}

static int change_case(VM *vm, Value *args, Value *out, const char *fn, bool up)
{
	Str *s;
	char *tmp;

	WANT(fn, 0, VT_STR, "a string");
	s = args[0].as.s;
	tmp = xmalloc(s->len + 1);
	for (size_t i = 0; i < s->len; i++) {
		char c = s->data[i];
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!up && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		tmp[i] = c;
	}
	*out = val_str(str_new(vm_heap(vm), tmp, s->len));
	free(tmp);
	return 0;
}

static int b_upper(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	return change_case(vm, args, out, "upper", true);
}

static int b_lower(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	return change_case(vm, args, out, "lower", false);
}

static int b_ord(VM *vm, Value *args, int argc, Value *out)
{
	Str *s;
	int64_t i = 0;

	WANT("ord", 0, VT_STR, "a string");
	s = args[0].as.s;
	if (argc > 1) {
		WANT("ord", 1, VT_INT, "an int");
		i = args[1].as.i;
	}
	if (i < 0 || (uint64_t)i >= s->len)
		return vm_error(vm, "ord(): index %lld out of range (length %zu)", (long long)i, s->len);
	*out = val_int((unsigned char)s->data[i]);
	return 0;
}

static int b_chr(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	WANT("chr", 0, VT_INT, "an int");
	if (args[0].as.i < 0 || args[0].as.i > 255)
		return vm_error(vm, "chr(): %lld is not a byte", (long long)args[0].as.i);
	*out = val_str(vm_heap(vm)->chars[args[0].as.i]);
	return 0;
}

static int b_repeat(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Str *s;
	Buf b = {0};

	WANT("repeat", 0, VT_STR, "a string");
	WANT("repeat", 1, VT_INT, "an int");
	s = args[0].as.s;
	if (args[1].as.i < 0 || (s->len && (uint64_t)args[1].as.i > ((size_t)1 << 30) / s->len))
		return vm_error(vm, "repeat(): bad count %lld", (long long)args[1].as.i);
	buf_add(&b, "", 0);
	for (int64_t i = 0; i < args[1].as.i; i++)
		buf_add(&b, s->data, s->len);
	*out = val_str(str_new(vm_heap(vm), b.data, b.len));
	buf_free(&b);
	return 0;
}

static int b_push(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	WANT("push", 0, VT_TABLE, "a table");
	if (args[1].type == VT_NIL)
		return vm_error(vm, "push(): cannot push nil");
	table_push(vm_heap(vm), args[0].as.t, args[1]);
	*out = val_nil();
	return 0;
}

static int b_pop(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	WANT("pop", 0, VT_TABLE, "a table");
	*out = table_pop(args[0].as.t);
	return 0;
}

static int b_keys(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Heap *h = vm_heap(vm);
	Table *t, *keys;
	uint32_t pos = 0;
	Value k, v;

	WANT("keys", 0, VT_TABLE, "a table");
	t = args[0].as.t;
	keys = table_new(h);
	while (table_next(t, &pos, &k, &v))
		table_push(h, keys, k);
	*out = val_table(keys);
	return 0;
}

static int b_haskey(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Value v;

	WANT("has", 0, VT_TABLE, "a table");
	*out = val_bool(table_get(args[0].as.t, args[1], &v) && v.type != VT_NIL);
	return 0;
}

/* Order for sort(): numbers before strings, numbers by value, strings bytewise. */
static int sort_cmp(Value a, Value b)
{
	bool an = a.type == VT_INT || a.type == VT_FLOAT;
	bool bn = b.type == VT_INT || b.type == VT_FLOAT;

	if (an && bn) {
		if (a.type == VT_INT && b.type == VT_INT)
			return (a.as.i > b.as.i) - (a.as.i < b.as.i);
		double x = a.type == VT_INT ? (double)a.as.i : a.as.f;
		double y = b.type == VT_INT ? (double)b.as.i : b.as.f;
		return (x > y) - (x < y);
	}
	if (an != bn)
		return an ? -1 : 1;
	return str_cmp(a.as.s, b.as.s);
}

/* Merge sort: stable, so equal keys keep their order whatever the libc. */
static void merge_sort(Value *v, Value *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, o = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, mid);
	merge_sort(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[o++] = sort_cmp(v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof(Value));
}

static int b_sort(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Table *t;
	Value *tmp;

	WANT("sort", 0, VT_TABLE, "a table");
	t = args[0].as.t;
	for (uint32_t i = 0; i < t->alen; i++) {
		ValueType vt = t->arr[i].type;
		if (vt != VT_INT && vt != VT_FLOAT && vt != VT_STR)
			return vm_error(vm, "sort(): cannot order %s", value_type_name(t->arr[i]));
	}
	tmp = xmalloc((size_t)t->alen * sizeof(Value));
	merge_sort(t->arr, tmp, t->alen);
	free(tmp);
	*out = args[0];
	return 0;
}

static int want_number(VM *vm, const char *fn, Value *args, int i, double *d)
{
	if (args[i].type == VT_INT)
		*d = (double)args[i].as.i;
	else if (args[i].type == VT_FLOAT)
		*d = args[i].as.f;
	else
		return arg_error(vm, fn, i, "a number", args[i]);
	return 0;
}

static int b_abs(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	if (args[0].type == VT_INT)
		*out = val_int(args[0].as.i < 0 ? int_sub(0, args[0].as.i) : args[0].as.i);
	else if (args[0].type == VT_FLOAT)
		*out = val_float(fabs(args[0].as.f));
	else
		return arg_error(vm, "abs", 0, "a number", args[0]);
	return 0;
}

static int minmax(VM *vm, Value *args, int argc, Value *out, const char *fn, int sign)
{
	double d = 0;

	*out = args[0];
	for (int i = 0; i < argc; i++) {
		if (want_number(vm, fn, args, i, &d))
			return -1;
		if (sort_cmp(args[i], *out) * sign > 0)
			*out = args[i];
	}
	return 0;
}

static int b_min(VM *vm, Value *args, int argc, Value *out)
{
	return minmax(vm, args, argc, out, "min", -1);
}

static int b_max(VM *vm, Value *args, int argc, Value *out)
{
	return minmax(vm, args, argc, out, "max", 1);
}

static int b_floor(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	double d = 0;

	if (args[0].type == VT_INT) {
		*out = args[0];
		return 0;
	}
	if (want_number(vm, "floor", args, 0, &d))
		return -1;
	d = floor(d);
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return vm_error(vm, "floor(): %g does not fit in an int", d);
	*out = val_int((int64_t)d);
	return 0;
}

static int b_sqrt(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	double d = 0;

	if (want_number(vm, "sqrt", args, 0, &d))
		return -1;
	*out = val_float(sqrt(d));
	return 0;
}

static int b_assert(VM *vm, Value *args, int argc, Value *out)
{
	*out = val_nil();
	if (val_truthy(args[0]))
		return 0;
	if (argc > 1 && args[1].type == VT_STR)
		return vm_error(vm, "assertion failed: %s", args[1].as.s->data);
	return vm_error(vm, "assertion failed");
}

static int b_error(VM *vm, Value *args, int argc CALC_UNUSED, Value *out)
{
	Buf b = {0};
	int rc;

	*out = val_nil();
	value_format(&b, args[0], false);
	rc = vm_error(vm, "%s", b.data);
	buf_free(&b);
	return rc;
}

/* The order is the global numbering the compiler uses: append only. */
const Native calc_builtins[] = {
	{"print", b_print, 0, -1},
	{"write", b_write, 0, -1},
	{"len", b_len, 1, 1},
	{"count", b_count, 1, 1},
	{"type", b_type, 1, 1},
	{"str", b_str, 1, 1},
	{"int", b_int, 1, 1},
	{"float", b_float, 1, 1},
	{"substr", b_substr, 2, 3},
	{"find", b_find, 2, 3},
	{"split", b_split, 2, 2},
	{"join", b_join, 1, 2},
	{"upper", b_upper, 1, 1},
	{"lower", b_lower, 1, 1},
	{"ord", b_ord, 1, 2},
	{"chr", b_chr, 1, 1},
	{"repeat", b_repeat, 2, 2},
	{"push", b_push, 2, 2},
	{"pop", b_pop, 1, 1},
	{"keys", b_keys, 1, 1},
	{"has", b_haskey, 2, 2},
	{"sort", b_sort, 1, 1},
	{"abs", b_abs, 1, 1},
	{"min", b_min, 1, -1},
	{"max", b_max, 1, -1},
	{"floor", b_floor, 1, 1},
	{"sqrt", b_sqrt, 1, 1},
	{"assert", b_assert, 1, 2},
	{"error", b_error, 1, 1},
};

const size_t calc_nbuiltins = sizeof(calc_builtins) / sizeof(calc_builtins[0]);
