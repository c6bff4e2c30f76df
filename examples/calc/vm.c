#include "vm.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "table.h"

#define STACK_SLOTS (1u << 20)
#define MAX_FRAMES 20000

typedef struct Frame {
	Proto *proto;
	const uint8_t *ip;
	Value *base;
} Frame;

struct VM {
	Heap *heap;
	Program *prog;
	Value *stack;
	Value *stack_end;
	Value *sp;
	Frame *frames;
	int nframes;
	Value *globals;
	Buf err;
};

Heap *vm_heap(VM *vm)
{
	return vm->heap;
}

int vm_error(VM *vm, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm->err.len = 0;
	buf_add(&vm->err, msg, strlen(msg));
	return -1;
}

static void collect(VM *vm, Value *sp)
{
	Heap *h = vm->heap;

	for (Value *v = vm->stack; v < sp; v++)
		heap_mark_value(h, *v);
	for (size_t i = 0; i < vm->prog->nglobals; i++)
		heap_mark_value(h, vm->globals[i]);
	program_mark(h, vm->prog);
	heap_collect(h);
}

static void report(VM *vm)
{
	fflush(stdout);
	for (int i = vm->nframes - 1; i >= 0; i--) {
		const Frame *f = &vm->frames[i];
		int line = proto_line(f->proto, (size_t)(f->ip - f->proto->code) - 1);
		if (i == vm->nframes - 1)
			fprintf(stderr, "calc: error: %s:%d: %s\n", vm->prog->filename, line,
				vm->err.data ? vm->err.data : "unknown error");
		else
			fprintf(stderr, "  called from %s:%d (%s)\n", vm->prog->filename, line,
				f->proto->name);
		if (vm->nframes - i > 20 && i > 0) {
			fprintf(stderr, "  ... %d more\n", i);
			break;
		}
	}
}

static int type_error(VM *vm, const char *what, Value a, Value b)
{
	if (b.type == VT_UNDEF)
		return vm_error(vm, "cannot %s %s", what, value_type_name(a));
	return vm_error(vm, "cannot %s %s and %s", what, value_type_name(a),
			value_type_name(b));
}

static bool to_number(Value v, double *out)
{
	if (v.type == VT_INT) {
		*out = (double)v.as.i;
		return true;
	}
	if (v.type == VT_FLOAT) {
		*out = v.as.f;
		return true;
	}
	return false;
}

/* Division rounds down, to agree with the modulo: a == a / b * b + a % b. */
static int64_t int_div(int64_t a, int64_t b)
{
	int64_t q;

	if (b == -1)
		return int_sub(0, a);
	q = a / b;
	if (a % b != 0 && (a ^ b) < 0)
		q--;
	return q;
}

static int64_t int_mod(int64_t a, int64_t b)
{
	int64_t r;

	if (b == -1)
		return 0;
	r = a % b;
	/* The result takes the divisor's sign: -7 % 3 == 2, as in Python. */
	if (r != 0 && (r ^ b) < 0)
		r += b;
	return r;
}

/*
 * The binary operators.  Each family (arithmetic, comparison, bitwise) is
 * one function that knows every combination of operand types, so the
 * rules of the language are written once; the dispatch loop calls it from
 * each opcode's case with the opcode as a constant.  They compute
 * *a = *a op b, or return -1 after setting the error message.
 */
static int arith(VM *vm, Opcode op, Value *a, Value b)
{
	double x, y, r;

	if (a->type == VT_INT && b.type == VT_INT) {
		int64_t i = a->as.i, j = b.as.i;
		switch (op) {
		case OP_ADD: a->as.i = int_add(i, j); return 0;
		case OP_SUB: a->as.i = int_sub(i, j); return 0;
		case OP_MUL: a->as.i = int_mul(i, j); return 0;
		case OP_DIV:
		case OP_MOD:
			if (j == 0)
				return vm_error(vm, "%s by zero", op == OP_DIV ? "division" : "modulo");
			a->as.i = op == OP_DIV ? int_div(i, j) : int_mod(i, j);
			return 0;
		default:
			break;
		}
	}
	if (!to_number(*a, &x) || !to_number(b, &y)) {
		static const char *const verbs[] = {"add", "subtract", "multiply", "divide", "take the modulo of"};
		return type_error(vm, verbs[op - OP_ADD], *a, b);
	}
	switch (op) {
	case OP_ADD: r = x + y; break;
	case OP_SUB: r = x - y; break;
	case OP_MUL: r = x * y; break;
	case OP_DIV: r = x / y; break;
	default:
		r = fmod(x, y);
		if (r != 0 && (r < 0) != (y < 0))
			r += y;
		break;
	}
	*a = val_float(r);
	return 0;
}

/* == ~= < <= > >=: *a becomes the boolean. */
static int compare(VM *vm, Opcode op, Value *a, Value b)
{
	double x, y;
	int c; /* -1, 0 or 1; 2 when unordered (NaN): every ordering is false */
	bool r;

	if (a->type == VT_INT && b.type == VT_INT) {
		c = (a->as.i > b.as.i) - (a->as.i < b.as.i);
	} else if (op == OP_EQ || op == OP_NE) {
		c = values_equal(*a, b) ? 0 : 1;
	} else if (a->type == VT_STR && b.type == VT_STR) {
		int d = str_cmp(a->as.s, b.as.s);
		c = (d > 0) - (d < 0);
	} else if (to_number(*a, &x) && to_number(b, &y)) {
		if (x != x || y != y)
			c = 2;
		else
			c = (x > y) - (x < y);
	} else {
		return type_error(vm, "compare", *a, b);
	}
	switch (op) {
	case OP_EQ: r = c == 0; break;
	case OP_NE: r = c != 0; break;
	case OP_LT: r = c == -1; break;
	case OP_LE: r = c == -1 || c == 0; break;
	case OP_GT: r = c == 1; break;
	default: r = c == 1 || c == 0; break;
	}
	*a = val_bool(r);
	return 0;
}

static Str *concat_operand(VM *vm, Value v)
{
	if (v.type == VT_STR)
		return v.as.s;
	if (v.type == VT_INT || v.type == VT_FLOAT)
		return value_tostr(vm->heap, v);
	return NULL;
}

static int bitwise(VM *vm, Opcode op, Value *a, Value b)
{
	static const char *const verbs[] = {"and", "or", "xor", "shift", "shift"};
	int64_t x, y;

	if (a->type != VT_INT || b.type != VT_INT)
		return vm_error(vm, "cannot bitwise-%s %s and %s", verbs[op - OP_BAND],
				value_type_name(*a), value_type_name(b));
	x = a->as.i;
	y = b.as.i;
	switch (op) {
	case OP_BAND: *a = val_int(x & y); break;
	case OP_BOR: *a = val_int(x | y); break;
	case OP_BXOR: *a = val_int(x ^ y); break;
	case OP_SHL:
	case OP_SHR:
		if (y < 0)
			return vm_error(vm, "negative shift count %lld", (long long)y);
		if (op == OP_SHL)
			*a = val_int(y > 63 ? 0 : (int64_t)((uint64_t)x << y));
		else
			*a = val_int(y > 63 ? (x < 0 ? -1 : 0) : x >> y);
		break;
	default:
		break;
	}
	return 0;
}

static int index_other(VM *vm, Value obj, Value key, Value *out)
{
	if (obj.type == VT_STR) {
		Str *s = obj.as.s;
		if (key.type != VT_INT)
			return vm_error(vm, "string index must be an int, not %s", value_type_name(key));
		if (key.as.i < 0 || (uint64_t)key.as.i >= s->len)
			return vm_error(vm, "string index %lld out of range (length %zu)",
					(long long)key.as.i, s->len);
		*out = val_str(vm->heap->chars[(unsigned char)s->data[key.as.i]]);
		return 0;
	}
	return vm_error(vm, "cannot index %s", value_type_name(obj));
}

static const char *global_name(VM *vm, unsigned idx)
{
	return vm->prog->globals[idx];
}

static int execute(VM *vm)
{
	Heap *heap = vm->heap;
	Value *globals = vm->globals;
	Frame *frame = &vm->frames[vm->nframes - 1];
	const uint8_t *ip = frame->ip;
	Value *base = frame->base;
	Value *k = frame->proto->consts;
	Value *sp = vm->sp;

#define READ_U8() (*ip++)
#define READ_U16() (ip += 2, (unsigned)(ip[-2] | (unsigned)ip[-1] << 8))
#define PUSH(v) (*sp++ = (v))
/* a b -> (a op b) */
#define BINARY(fn, opcode) \
	case opcode: \
		if (fn(vm, opcode, &sp[-2], sp[-1])) \
			goto error; \
		sp--; \
		break
#define GC_POINT() \
	do { \
		if (heap_wants_gc(heap)) \
			collect(vm, sp); \
	} while (0)

	for (;;) {
		Opcode op = (Opcode)*ip++;

		switch (op) {
		case OP_CONST:
			PUSH(k[READ_U16()]);
			break;
		case OP_SMALLINT:
			PUSH(val_int((int16_t)READ_U16()));
			break;
		case OP_NIL:
			PUSH(val_nil());
			break;
		case OP_TRUE:
			PUSH(val_bool(true));
			break;
		case OP_FALSE:
			PUSH(val_bool(false));
			break;
		case OP_POP:
			sp--;
			break;
		case OP_POPN:
			sp -= READ_U8();
			break;
		case OP_DUP:
			sp[0] = sp[-1];
			sp++;
			break;
		case OP_DUP2:
			sp[0] = sp[-2];
			sp[1] = sp[-1];
			sp += 2;
			break;
		case OP_GETLOCAL:
			PUSH(base[READ_U8()]);
			break;
		case OP_SETLOCAL:
			base[READ_U8()] = *--sp;
			break;
		case OP_GETGLOBAL: {
			unsigned g = READ_U16();
			if (globals[g].type == VT_UNDEF) {
				vm_error(vm, "undefined variable '%s'", global_name(vm, g));
				goto error;
			}
			PUSH(globals[g]);
			break;
		}
		case OP_SETGLOBAL:
			globals[READ_U16()] = *--sp;
			break;

		BINARY(arith, OP_ADD);
		BINARY(arith, OP_SUB);
		BINARY(arith, OP_MUL);
		BINARY(arith, OP_DIV);
		BINARY(arith, OP_MOD);
		case OP_ADDI:
			if (arith(vm, OP_ADD, &sp[-1], val_int((int8_t)READ_U8())))
				goto error;
			break;
		case OP_CONCAT: {
			Str *a = concat_operand(vm, sp[-2]);
			Str *b = concat_operand(vm, sp[-1]);
			if (!a || !b) {
				type_error(vm, "concatenate", sp[-2], sp[-1]);
				goto error;
			}
			sp[-2] = val_str(str_concat(heap, a, b));
			sp--;
			break;
		}
		BINARY(bitwise, OP_BAND);
		BINARY(bitwise, OP_BOR);
		BINARY(bitwise, OP_BXOR);
		BINARY(bitwise, OP_SHL);
		BINARY(bitwise, OP_SHR);

		BINARY(compare, OP_EQ);
		BINARY(compare, OP_NE);
		BINARY(compare, OP_LT);
		BINARY(compare, OP_LE);
		BINARY(compare, OP_GT);
		BINARY(compare, OP_GE);
		case OP_NEG:
			if (sp[-1].type == VT_INT) {
				sp[-1].as.i = int_sub(0, sp[-1].as.i);
			} else if (sp[-1].type == VT_FLOAT) {
				sp[-1].as.f = -sp[-1].as.f;
			} else {
				vm_error(vm, "cannot negate %s", value_type_name(sp[-1]));
				goto error;
			}
			break;
		case OP_NOT:
			sp[-1] = val_bool(!val_truthy(sp[-1]));
			break;

		case OP_JMP: {
			unsigned off = READ_U16();
			ip += off;
			break;
		}
		case OP_JMPF: {
			unsigned off = READ_U16();
			if (!val_truthy(*--sp))
				ip += off;
			break;
		}
		case OP_AND: {
			unsigned off = READ_U16();
			if (!val_truthy(sp[-1]))
				ip += off;
			else
				sp--;
			break;
		}
		case OP_OR: {
			unsigned off = READ_U16();
			if (val_truthy(sp[-1]))
				ip += off;
			else
				sp--;
			break;
		}
		case OP_LOOP: {
			unsigned off = READ_U16();
			ip -= off;
			GC_POINT();
			break;
		}
		case OP_FORPREP: {
			Value *v = &base[READ_U8()];
			unsigned off = READ_U16();
			if (v[0].type != VT_INT || v[1].type != VT_INT) {
				vm_error(vm, "'for' bounds must be ints, not %s and %s",
					 value_type_name(v[0]), value_type_name(v[1]));
				goto error;
			}
			if (v[0].as.i < v[1].as.i)
				v[2] = v[0];
			else
				ip += off;
			break;
		}
		case OP_FORLOOP: {
			Value *v = &base[READ_U8()];
			unsigned off = READ_U16();
			/* No overflow: the index is below the limit, itself an int64. */
			int64_t i = v[0].as.i + 1;
			if (i < v[1].as.i) {
				v[0].as.i = i;
				v[2] = val_int(i);
				ip -= off;
				GC_POINT();
			}
			break;
		}

		case OP_CALL: {
			int argc = READ_U8();
			Value *callee = sp - argc - 1;
			if (callee->type == VT_FUNC) {
				Proto *p = callee->as.fn;
				if (argc != p->arity) {
					vm_error(vm, "%s() takes %d argument%s, got %d", p->name, p->arity,
						 p->arity == 1 ? "" : "s", argc);
					goto error;
				}
				if (vm->nframes == MAX_FRAMES || p->maxstack > vm->stack_end - (callee + 1)) {
					vm_error(vm, "stack overflow (recursion too deep) calling %s()", p->name);
					goto error;
				}
				frame->ip = ip;
				frame = &vm->frames[vm->nframes++];
				frame->proto = p;
				frame->base = base = callee + 1;
				frame->ip = ip = p->code;
				k = p->consts;
				GC_POINT();
				break;
			}
			if (callee->type == VT_NATIVE) {
				const Native *nat = callee->as.nat;
				Value out;
				if (argc < nat->min_args || (nat->max_args >= 0 && argc > nat->max_args)) {
					if (nat->min_args == nat->max_args)
						vm_error(vm, "%s() takes %d argument%s, got %d", nat->name,
							 nat->min_args, nat->min_args == 1 ? "" : "s", argc);
					else
						vm_error(vm, "%s() takes %d to %d arguments, got %d", nat->name,
							 nat->min_args, nat->max_args, argc);
					goto error;
				}
				if (nat->fn(vm, callee + 1, argc, &out))
					goto error;
				*callee = out;
				sp = callee + 1;
				break;
			}
			vm_error(vm, "cannot call %s", value_type_name(*callee));
			goto error;
		}
		case OP_RETURN: {
			Value result = sp[-1];
			if (--vm->nframes == 0) {
				vm->sp = sp;
				return 0;
			}
			sp = base - 1;
			*sp++ = result;
			frame = &vm->frames[vm->nframes - 1];
			ip = frame->ip;
			base = frame->base;
			k = frame->proto->consts;
			break;
		}

		case OP_NEWTABLE:
			PUSH(val_table(table_new(heap)));
			break;
		case OP_APPEND:
			table_push(heap, sp[-2].as.t, sp[-1]);
			sp--;
			break;
		case OP_SETINIT:
			if (table_set(heap, sp[-3].as.t, sp[-2], sp[-1])) {
				vm_error(vm, "%s cannot be a table key", value_type_name(sp[-2]));
				goto error;
			}
			sp -= 2;
			break;
		case OP_GETINDEX: {
			Value obj = sp[-2], key = sp[-1];
			if (obj.type == VT_TABLE) {
				Table *t = obj.as.t;
				if (key.type == VT_INT && (uint64_t)key.as.i < t->alen) {
					sp[-2] = t->arr[key.as.i];
				} else if (!table_get(t, key, &sp[-2])) {
					sp[-2] = val_nil();
				}
			} else if (index_other(vm, obj, key, &sp[-2])) {
				goto error;
			}
			sp--;
			break;
		}
		case OP_SETINDEX: {
			Value obj = sp[-3], key = sp[-2];
			if (obj.type != VT_TABLE) {
				vm_error(vm, obj.type == VT_STR ? "strings are immutable" : "cannot index %s",
					 value_type_name(obj));
				goto error;
			}
			if (key.type == VT_INT && (uint64_t)key.as.i < obj.as.t->alen &&
			    sp[-1].type != VT_NIL) {
				obj.as.t->arr[key.as.i] = sp[-1];
			} else if (table_set(heap, obj.as.t, key, sp[-1])) {
				vm_error(vm, "%s cannot be a table key", value_type_name(key));
				goto error;
			}
			sp -= 3;
			break;
		}
		case OP_GETFIELD: {
			Str *name = k[READ_U16()].as.s;
			if (sp[-1].type != VT_TABLE) {
				vm_error(vm, "cannot read field '%s' of %s", name->data,
					 value_type_name(sp[-1]));
				goto error;
			}
			if (!table_get_str(sp[-1].as.t, name, &sp[-1]))
				sp[-1] = val_nil();
			break;
		}
		case OP_SETFIELD: {
			Str *name = k[READ_U16()].as.s;
			if (sp[-2].type != VT_TABLE) {
				vm_error(vm, "cannot set field '%s' of %s", name->data,
					 value_type_name(sp[-2]));
				goto error;
			}
			table_set(heap, sp[-2].as.t, val_str(name), sp[-1]);
			sp -= 2;
			break;
		}
		default:
			vm_error(vm, "invalid opcode %d", (int)op);
			goto error;
		}
	}

error:
	frame->ip = ip;
	vm->sp = sp;
	return -1;
#undef READ_U8
#undef READ_U16
#undef PUSH
#undef BINARY
#undef GC_POINT
}

int vm_run(Program *prog, Heap *heap)
{
	VM vm;
	int rc;

	memset(&vm, 0, sizeof(vm));
	vm.heap = heap;
	vm.prog = prog;
	vm.stack = xmalloc(STACK_SLOTS * sizeof(Value));
	vm.stack_end = vm.stack + STACK_SLOTS;
	vm.frames = xmalloc(MAX_FRAMES * sizeof(Frame));
	vm.globals = xmalloc(prog->nglobals * sizeof(Value));
	for (size_t i = 0; i < prog->nglobals; i++)
		vm.globals[i] = i < calc_nbuiltins ? val_native(&calc_builtins[i]) : val_undef();

	vm.stack[0] = val_func(prog->main);
	vm.sp = vm.stack + 1;
	vm.frames[0].proto = prog->main;
	vm.frames[0].ip = prog->main->code;
	vm.frames[0].base = vm.sp;
	vm.nframes = 1;
	if ((size_t)prog->main->maxstack + 1 > STACK_SLOTS) {
		vm_error(&vm, "program needs too many stack slots");
		rc = -1;
	} else {
		rc = execute(&vm);
	}
	if (rc)
		report(&vm);
	buf_free(&vm.err);
	free(vm.stack);
	free(vm.frames);
	free(vm.globals);
	return rc;
}
