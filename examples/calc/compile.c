#include "compile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "lexer.h"

#define MAX_LOCALS 250
#define MAX_JUMP 65535

typedef struct Local {
	const char *name;
	size_t len;
	int scope;
} Local;

typedef struct Patches {
	size_t *at;
	size_t n, cap;
} Patches;

/* A hash index over an array kept elsewhere (constants, global names). */
typedef struct IndexSlot {
	uint32_t hash;
	uint32_t pos; /* array position + 1; 0 marks an empty slot */
} IndexSlot;

typedef struct Index {
	IndexSlot *slots;
	uint32_t cap, n;
} Index;

typedef bool (*IndexEq)(const void *ctx, uint32_t pos, const void *key);

/* The slot holding key, or the empty slot where it belongs. */
static IndexSlot *index_find(Index *ix, uint32_t hash, IndexEq eq, const void *ctx, const void *key)
{
	uint32_t i;

	if (ix->n * 2 >= ix->cap) {
		IndexSlot *old = ix->slots;
		uint32_t oldcap = ix->cap;
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->slots = xcalloc(ix->cap, sizeof(IndexSlot));
		for (uint32_t j = 0; j < oldcap; j++) {
			if (!old[j].pos)
				continue;
			for (i = old[j].hash & (ix->cap - 1); ix->slots[i].pos; i = (i + 1) & (ix->cap - 1))
				;
			ix->slots[i] = old[j];
		}
		free(old);
	}
	for (i = hash & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		IndexSlot *slot = &ix->slots[i];
		if (!slot->pos || (slot->hash == hash && eq(ctx, slot->pos - 1, key)))
			return slot;
	}
}

typedef struct Loop {
	struct Loop *outer;
	int nlocals;          /* locals alive when the body starts */
	bool is_for;
	size_t start;         /* while: where 'continue' jumps back to */
	Patches breaks;
	Patches continues;    /* for: forward jumps to the FORLOOP */
} Loop;

typedef struct FuncState {
	struct FuncState *enclosing;
	Proto *proto;
	Local locals[MAX_LOCALS];
	int nlocals;
	int scope;
	int depth;            /* stack slots in use: locals and temporaries */
	int line;
	Loop *loop;
	bool toplevel;
	Index consts;
} FuncState;

typedef struct Compiler {
	Heap *heap;
	Program *prog;
	const char *filename;
	Index globals;
} Compiler;

CALC_NORETURN CALC_PRINTF(3, 4) static void compile_error(Compiler *c, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	die(2, "%s:%d: %s", c->filename, line, msg);
}

static Proto *proto_new(Compiler *c, const char *name, size_t len)
{
	Program *prog = c->prog;
	Proto *p = xcalloc(1, sizeof(Proto));

	p->name = xstrndup(name, len);
	if ((prog->nprotos & (prog->nprotos - 1)) == 0)
		prog->protos = xrealloc(prog->protos, (prog->nprotos ? prog->nprotos * 2 : 1) * sizeof(Proto *));
	prog->protos[prog->nprotos++] = p;
	return p;
}

static void emit_byte(FuncState *fs, uint8_t b)
{
	Proto *p = fs->proto;

	if (p->len == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->code = xrealloc(p->code, p->cap);
		p->lines = xrealloc(p->lines, p->cap * sizeof(int));
	}
	p->lines[p->len] = fs->line;
	p->code[p->len++] = b;
}

static void adjust(FuncState *fs, int effect)
{
	fs->depth += effect;
	if (fs->depth > fs->proto->maxstack)
		fs->proto->maxstack = fs->depth;
}

static void emit_op(FuncState *fs, Opcode op, int effect)
{
	emit_byte(fs, (uint8_t)op);
	adjust(fs, effect);
}

static void emit_u16(FuncState *fs, unsigned v)
{
	emit_byte(fs, (uint8_t)(v & 0xff));
	emit_byte(fs, (uint8_t)(v >> 8));
}

static uint32_t const_hash(Value v)
{
	uint64_t bits = 0;

	switch (v.type) {
	case VT_STR: return v.as.s->hash;
	case VT_INT: bits = (uint64_t)v.as.i; break;
	case VT_FLOAT: memcpy(&bits, &v.as.f, sizeof(bits)); break;
	default: bits = (uint64_t)(uintptr_t)v.as.fn; break;
	}
	bits ^= bits >> 33;
	bits *= 0xff51afd7ed558ccdull;
	bits ^= bits >> 33;
	return (uint32_t)bits ^ (uint32_t)v.type;
}

static bool const_eq(const void *ctx, uint32_t pos, const void *key)
{
	const Value *k = &((const Proto *)ctx)->consts[pos];
	const Value *v = key;

	if (k->type != v->type)
		return false;
	switch (v->type) {
	case VT_INT: return k->as.i == v->as.i;
	case VT_STR: return str_eq(k->as.s, v->as.s);
	/* Floats compare by bits so 0.0 and -0.0 stay distinct. */
	case VT_FLOAT: return memcmp(&k->as.f, &v->as.f, sizeof(double)) == 0;
	default: return k->as.fn == v->as.fn;
	}
}

static unsigned add_const(Compiler *c, FuncState *fs, Value v)
{
	Proto *p = fs->proto;
	uint32_t hash = const_hash(v);
	IndexSlot *slot = index_find(&fs->consts, hash, const_eq, p, &v);

	if (slot->pos)
		return slot->pos - 1;
	if (p->nconsts > 65535)
		compile_error(c, fs->line, "too many constants in function '%s'", p->name);
	if (p->nconsts == p->constcap) {
		p->constcap = p->constcap ? p->constcap * 2 : 8;
		p->consts = xrealloc(p->consts, p->constcap * sizeof(Value));
	}
	p->consts[p->nconsts] = v;
	slot->hash = hash;
	slot->pos = (uint32_t)++p->nconsts;
	fs->consts.n++;
	return (unsigned)p->nconsts - 1;
}

static unsigned str_const(Compiler *c, FuncState *fs, const char *s, size_t len)
{
	return add_const(c, fs, val_str(str_new(c->heap, s, len)));
}

static void emit_const(Compiler *c, FuncState *fs, Value v)
{
	unsigned k = add_const(c, fs, v);

	emit_op(fs, OP_CONST, 1);
	emit_u16(fs, k);
}

static size_t emit_jump(FuncState *fs, Opcode op, int effect)
{
	emit_op(fs, op, effect);
	emit_u16(fs, 0xffff);
	return fs->proto->len - 2;
}

static void patch_jump(Compiler *c, FuncState *fs, size_t at)
{
	size_t dist = fs->proto->len - (at + 2);

	if (dist > MAX_JUMP)
		compile_error(c, fs->line, "jump too long in function '%s'", fs->proto->name);
	fs->proto->code[at] = (uint8_t)(dist & 0xff);
	fs->proto->code[at + 1] = (uint8_t)(dist >> 8);
}

static void emit_back(Compiler *c, FuncState *fs, size_t target)
{
	size_t dist = fs->proto->len + 2 - target;

	if (dist > MAX_JUMP)
		compile_error(c, fs->line, "loop too long in function '%s'", fs->proto->name);
	emit_u16(fs, (unsigned)dist);
}

static void patches_add(Patches *ps, size_t at)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 4;
		ps->at = xrealloc(ps->at, ps->cap * sizeof(size_t));
	}
	ps->at[ps->n++] = at;
}

static void emit_pops(FuncState *fs, int n)
{
	while (n > 0) {
		int k = n > 255 ? 255 : n;
		if (k == 1) {
			emit_op(fs, OP_POP, -1);
		} else {
			emit_op(fs, OP_POPN, -k);
			emit_byte(fs, (uint8_t)k);
		}
		n -= k;
	}
}

typedef struct Name {
	const char *s;
	size_t len;
} Name;

static bool global_eq(const void *ctx, uint32_t pos, const void *key)
{
	const char *g = ((const Program *)ctx)->globals[pos];
	const Name *name = key;

	return strlen(g) == name->len && memcmp(g, name->s, name->len) == 0;
}

static unsigned global_slot(Compiler *c, const char *s, size_t len)
{
	Program *prog = c->prog;
	Name name = {s, len};
	uint32_t hash = str_hash(s, len);
	IndexSlot *slot = index_find(&c->globals, hash, global_eq, prog, &name);

	if (slot->pos)
		return slot->pos - 1;
	if (prog->nglobals > 65535)
		compile_error(c, 0, "too many global variables");
	/* Grow at powers of two: big generated scripts have thousands of globals. */
	if ((prog->nglobals & (prog->nglobals - 1)) == 0)
		prog->globals = xrealloc(prog->globals, (prog->nglobals ? prog->nglobals * 2 : 1) * sizeof(char *));
	prog->globals[prog->nglobals] = xstrndup(s, len);
	slot->hash = hash;
	slot->pos = (uint32_t)++prog->nglobals;
	c->globals.n++;
	return (unsigned)prog->nglobals - 1;
}

static int find_local(const FuncState *fs, const char *name, size_t len)
{
	for (int i = fs->nlocals - 1; i >= 0; i--)
		if (fs->locals[i].len == len && memcmp(fs->locals[i].name, name, len) == 0)
			return i;
	return -1;
}

/* Declare the value on top of the stack as a local of the current scope. */
static void add_local(Compiler *c, FuncState *fs, const char *name, size_t len, int line)
{
	for (int i = fs->nlocals - 1; i >= 0 && fs->locals[i].scope == fs->scope; i--)
		if (fs->locals[i].len == len && memcmp(fs->locals[i].name, name, len) == 0)
			compile_error(c, line, "'%.*s' is already declared in this block", (int)len, name);
	if (fs->nlocals >= MAX_LOCALS)
		compile_error(c, line, "too many local variables in function '%s'", fs->proto->name);
	fs->locals[fs->nlocals].name = name;
	fs->locals[fs->nlocals].len = len;
	fs->locals[fs->nlocals].scope = fs->scope;
	fs->nlocals++;
}

static void begin_scope(FuncState *fs)
{
	fs->scope++;
}

static void end_scope(FuncState *fs)
{
	int n = 0;

	fs->scope--;
	while (fs->nlocals > 0 && fs->locals[fs->nlocals - 1].scope > fs->scope) {
		fs->nlocals--;
		n++;
	}
	emit_pops(fs, n);
}

static void expr(Compiler *c, FuncState *fs, Node *n);
static void stmt(Compiler *c, FuncState *fs, Node *n);
static Proto *function(Compiler *c, FuncState *enclosing, Node *n);

static int resolve_local(Compiler *c, FuncState *fs, Node *n)
{
	int slot = find_local(fs, n->name, n->namelen);

	if (slot >= 0)
		return slot;
	for (FuncState *up = fs->enclosing; up; up = up->enclosing)
		if (find_local(up, n->name, n->namelen) >= 0)
			compile_error(c, n->line,
				      "cannot use '%.*s' of the enclosing function (calc has no closures)",
				      (int)n->namelen, n->name);
	return -1;
}

static Opcode binary_opcode(int op)
{
	switch (op) {
	case T_PLUS: case T_PLUS_ASSIGN: return OP_ADD;
	case T_MINUS: case T_MINUS_ASSIGN: return OP_SUB;
	case T_STAR: case T_STAR_ASSIGN: return OP_MUL;
	case T_SLASH: case T_SLASH_ASSIGN: return OP_DIV;
	case T_PERCENT: case T_PERCENT_ASSIGN: return OP_MOD;
	case T_DOTDOT: case T_DOTDOT_ASSIGN: return OP_CONCAT;
	case T_AMP: return OP_BAND;
	case T_PIPE: return OP_BOR;
	case T_CARET: return OP_BXOR;
	case T_SHL: return OP_SHL;
	case T_SHR: return OP_SHR;
	case T_EQ: return OP_EQ;
	case T_NE: return OP_NE;
	case T_LT: return OP_LT;
	case T_LE: return OP_LE;
	case T_GT: return OP_GT;
	case T_GE: return OP_GE;
	default: return OP__COUNT;
	}
}

static bool small_int(const Node *n, int64_t lo, int64_t hi)
{
	return n->kind == N_INT && n->ival >= lo && n->ival <= hi;
}

static void expr(Compiler *c, FuncState *fs, Node *n)
{
	int saved_line = fs->line;

	fs->line = n->line;
	switch (n->kind) {
	case N_INT:
		if (small_int(n, -32768, 32767)) {
			emit_op(fs, OP_SMALLINT, 1);
			emit_u16(fs, (unsigned)(uint16_t)(int16_t)n->ival);
		} else {
			emit_const(c, fs, val_int(n->ival));
		}
		break;
	case N_FLOAT:
		emit_const(c, fs, val_float(n->fval));
		break;
	case N_STR:
		emit_op(fs, OP_CONST, 1);
		emit_u16(fs, str_const(c, fs, n->str, n->slen));
		break;
	case N_NIL: emit_op(fs, OP_NIL, 1); break;
	case N_TRUE: emit_op(fs, OP_TRUE, 1); break;
	case N_FALSE: emit_op(fs, OP_FALSE, 1); break;
	case N_NAME: {
		int slot = resolve_local(c, fs, n);
		if (slot >= 0) {
			emit_op(fs, OP_GETLOCAL, 1);
			emit_byte(fs, (uint8_t)slot);
		} else {
			emit_op(fs, OP_GETGLOBAL, 1);
			emit_u16(fs, global_slot(c, n->name, n->namelen));
		}
		break;
	}
	case N_UNARY:
		if (n->op == T_MINUS && n->a->kind == N_INT) {
			Node folded = *n->a;
			folded.ival = int_sub(0, n->a->ival);
			expr(c, fs, &folded);
			break;
		}
		expr(c, fs, n->a);
		emit_op(fs, n->op == T_MINUS ? OP_NEG : OP_NOT, 0);
		break;
	case N_BINARY:
		expr(c, fs, n->a);
		if ((n->op == T_PLUS && small_int(n->b, -128, 127)) ||
		    (n->op == T_MINUS && small_int(n->b, -127, 128))) {
			int64_t imm = n->op == T_PLUS ? n->b->ival : -n->b->ival;
			emit_op(fs, OP_ADDI, 0);
			emit_byte(fs, (uint8_t)(int8_t)imm);
			break;
		}
		expr(c, fs, n->b);
		fs->line = n->line;
		emit_op(fs, binary_opcode(n->op), -1);
		break;
	case N_AND:
	case N_OR: {
		size_t j;
		expr(c, fs, n->a);
		j = emit_jump(fs, n->kind == N_AND ? OP_AND : OP_OR, -1);
		expr(c, fs, n->b);
		patch_jump(c, fs, j);
		break;
	}
	case N_CALL: {
		if (n->ival > 255)
			compile_error(c, n->line, "too many arguments");
		expr(c, fs, n->a);
		for (Node *arg = n->b; arg; arg = arg->next)
			expr(c, fs, arg);
		fs->line = n->line;
		emit_op(fs, OP_CALL, -(int)n->ival);
		emit_byte(fs, (uint8_t)n->ival);
		break;
	}
	case N_INDEX:
		expr(c, fs, n->a);
		expr(c, fs, n->b);
		fs->line = n->line;
		emit_op(fs, OP_GETINDEX, -1);
		break;
	case N_FIELD:
		expr(c, fs, n->a);
		fs->line = n->line;
		emit_op(fs, OP_GETFIELD, 0);
		emit_u16(fs, str_const(c, fs, n->name, n->namelen));
		break;
	case N_LIST:
		emit_op(fs, OP_NEWTABLE, 1);
		for (Node *item = n->a; item; item = item->next) {
			expr(c, fs, item);
			emit_op(fs, OP_APPEND, -1);
		}
		break;
	case N_MAP:
		emit_op(fs, OP_NEWTABLE, 1);
		for (Node *pair = n->a; pair; pair = pair->next) {
			expr(c, fs, pair->a);
			expr(c, fs, pair->b);
			fs->line = pair->line;
			emit_op(fs, OP_SETINIT, -2);
		}
		break;
	case N_FUNC:
		emit_const(c, fs, val_func(function(c, fs, n)));
		break;
	default:
		compile_error(c, n->line, "statement used as an expression");
	}
	fs->line = saved_line;
}

static void assign(Compiler *c, FuncState *fs, Node *n)
{
	Node *target = n->a;
	bool compound = n->op != T_ASSIGN;

	switch (target->kind) {
	case N_NAME: {
		int slot = resolve_local(c, fs, target);
		unsigned g = 0;
		if (slot < 0)
			g = global_slot(c, target->name, target->namelen);
		if (compound) {
			expr(c, fs, target);
			expr(c, fs, n->b);
			emit_op(fs, binary_opcode(n->op), -1);
		} else {
			expr(c, fs, n->b);
		}
		if (slot >= 0) {
			emit_op(fs, OP_SETLOCAL, -1);
			emit_byte(fs, (uint8_t)slot);
		} else {
			emit_op(fs, OP_SETGLOBAL, -1);
			emit_u16(fs, g);
		}
		break;
	}
	case N_INDEX:
		expr(c, fs, target->a);
		expr(c, fs, target->b);
		if (compound) {
			emit_op(fs, OP_DUP2, 2);
			emit_op(fs, OP_GETINDEX, -1);
			expr(c, fs, n->b);
			emit_op(fs, binary_opcode(n->op), -1);
		} else {
			expr(c, fs, n->b);
		}
		emit_op(fs, OP_SETINDEX, -3);
		break;
	case N_FIELD: {
		unsigned k = str_const(c, fs, target->name, target->namelen);
		expr(c, fs, target->a);
		if (compound) {
			emit_op(fs, OP_DUP, 1);
			emit_op(fs, OP_GETFIELD, 0);
			emit_u16(fs, k);
			expr(c, fs, n->b);
			emit_op(fs, binary_opcode(n->op), -1);
		} else {
			expr(c, fs, n->b);
		}
		emit_op(fs, OP_SETFIELD, -2);
		emit_u16(fs, k);
		break;
	}
	default:
		compile_error(c, n->line, "cannot assign to this expression");
	}
}

static void block_body(Compiler *c, FuncState *fs, Node *list)
{
	for (Node *s = list; s; s = s->next)
		stmt(c, fs, s);
}

static void loop_end(Compiler *c, FuncState *fs, Loop *loop)
{
	for (size_t i = 0; i < loop->breaks.n; i++)
		patch_jump(c, fs, loop->breaks.at[i]);
	free(loop->breaks.at);
	free(loop->continues.at);
	fs->loop = loop->outer;
}

static void for_loop(Compiler *c, FuncState *fs, Node *n)
{
	Loop loop = {0};
	int base;
	size_t prep, body;

	begin_scope(fs);
	base = fs->nlocals;
	if (base + 3 > MAX_LOCALS)
		compile_error(c, n->line, "too many local variables in function '%s'", fs->proto->name);
	expr(c, fs, n->a);
	add_local(c, fs, "(for index)", 11, n->line);
	expr(c, fs, n->b);
	add_local(c, fs, "(for limit)", 11, n->line);
	emit_op(fs, OP_NIL, 1);
	add_local(c, fs, n->name, n->namelen, n->line);
	fs->line = n->line;
	emit_op(fs, OP_FORPREP, 0);
	emit_byte(fs, (uint8_t)base);
	emit_u16(fs, 0xffff);
	prep = fs->proto->len - 2;
	body = fs->proto->len;

	loop.outer = fs->loop;
	loop.nlocals = fs->nlocals;
	loop.is_for = true;
	fs->loop = &loop;
	begin_scope(fs);
	block_body(c, fs, n->c->a);
	end_scope(fs);
	for (size_t i = 0; i < loop.continues.n; i++)
		patch_jump(c, fs, loop.continues.at[i]);
	fs->line = n->line;
	emit_op(fs, OP_FORLOOP, 0);
	emit_byte(fs, (uint8_t)base);
	emit_back(c, fs, body);
	patch_jump(c, fs, prep);
	loop_end(c, fs, &loop);
	end_scope(fs);
}

static void stmt(Compiler *c, FuncState *fs, Node *n)
{
	fs->line = n->line;
	switch (n->kind) {
	case N_LET:
		if (fs->toplevel && fs->scope == 0) {
			unsigned g = global_slot(c, n->name, n->namelen);
			expr(c, fs, n->a);
			emit_op(fs, OP_SETGLOBAL, -1);
			emit_u16(fs, g);
		} else {
			expr(c, fs, n->a);
			add_local(c, fs, n->name, n->namelen, n->line);
		}
		break;
	case N_ASSIGN:
		assign(c, fs, n);
		break;
	case N_EXPR:
		expr(c, fs, n->a);
		emit_op(fs, OP_POP, -1);
		break;
	case N_IF: {
		size_t jelse, jend;
		expr(c, fs, n->a);
		jelse = emit_jump(fs, OP_JMPF, -1);
		stmt(c, fs, n->b);
		if (n->c) {
			jend = emit_jump(fs, OP_JMP, 0);
			patch_jump(c, fs, jelse);
			stmt(c, fs, n->c);
			patch_jump(c, fs, jend);
		} else {
			patch_jump(c, fs, jelse);
		}
		break;
	}
	case N_WHILE: {
		Loop loop = {0};
		size_t exit;
		loop.outer = fs->loop;
		loop.nlocals = fs->nlocals;
		loop.start = fs->proto->len;
		expr(c, fs, n->a);
		exit = emit_jump(fs, OP_JMPF, -1);
		fs->loop = &loop;
		stmt(c, fs, n->b);
		fs->line = n->line;
		emit_op(fs, OP_LOOP, 0);
		emit_back(c, fs, loop.start);
		patch_jump(c, fs, exit);
		loop_end(c, fs, &loop);
		break;
	}
	case N_FOR:
		for_loop(c, fs, n);
		break;
	case N_BREAK:
	case N_CONTINUE: {
		Loop *loop = fs->loop;
		int depth = fs->depth;
		if (!loop)
			compile_error(c, n->line, "'%s' outside a loop",
				      n->kind == N_BREAK ? "break" : "continue");
		emit_pops(fs, fs->nlocals - loop->nlocals);
		if (n->kind == N_BREAK) {
			patches_add(&loop->breaks, emit_jump(fs, OP_JMP, 0));
		} else if (loop->is_for) {
			patches_add(&loop->continues, emit_jump(fs, OP_JMP, 0));
		} else {
			emit_op(fs, OP_LOOP, 0);
			emit_back(c, fs, loop->start);
		}
		/* The pops only happen on this path; the block goes on with its locals. */
		fs->depth = depth;
		break;
	}
	case N_RETURN:
		if (n->a)
			expr(c, fs, n->a);
		else
			emit_op(fs, OP_NIL, 1);
		emit_op(fs, OP_RETURN, -1);
		break;
	case N_BLOCK:
		begin_scope(fs);
		block_body(c, fs, n->a);
		end_scope(fs);
		break;
	case N_FNDECL:
		if (!fs->toplevel || fs->scope != 0)
			compile_error(c, n->line,
				      "'fn %.*s' must be at the top level; use 'let %.*s = fn (...) {...};'",
				      (int)n->namelen, n->name, (int)n->namelen, n->name);
		/* Already defined before the first statement ran, see compile_program(). */
		break;
	default:
		expr(c, fs, n);
		emit_op(fs, OP_POP, -1);
	}
}

static Proto *function(Compiler *c, FuncState *enclosing, Node *n)
{
	FuncState *fs = xcalloc(1, sizeof(FuncState));
	Proto *p = proto_new(c, n->name, n->namelen);

	if (n->ival > MAX_LOCALS)
		compile_error(c, n->line, "too many parameters");
	fs->enclosing = enclosing;
	fs->proto = p;
	fs->line = n->line;
	fs->scope = 1;
	p->arity = (int)n->ival;
	for (Node *param = n->a; param; param = param->next) {
		adjust(fs, 1);
		add_local(c, fs, param->name, param->namelen, param->line);
	}
	block_body(c, fs, n->b->a);
	fs->line = n->line;
	emit_op(fs, OP_NIL, 1);
	emit_op(fs, OP_RETURN, -1);
	free(fs->consts.slots);
	free(fs);
	return p;
}

Program *compile_program(Heap *h, Node *ast, const char *filename)
{
	Compiler c = {0};
	FuncState *fs = xcalloc(1, sizeof(FuncState));
	Program *prog = xcalloc(1, sizeof(Program));

	c.heap = h;
	c.prog = prog;
	c.filename = filename;
	prog->filename = filename;
	for (size_t i = 0; i < calc_nbuiltins; i++)
		global_slot(&c, calc_builtins[i].name, strlen(calc_builtins[i].name));

	prog->main = proto_new(&c, "<main>", 6);
	fs->proto = prog->main;
	fs->toplevel = true;
	fs->line = 1;
	/* Functions are defined before any statement runs, so they can call each other in any order. */
	for (Node *s = ast->a; s; s = s->next) {
		if (s->kind != N_FNDECL)
			continue;
		unsigned g = global_slot(&c, s->name, s->namelen);
		fs->line = s->line;
		emit_const(&c, fs, val_func(function(&c, fs, s)));
		emit_op(fs, OP_SETGLOBAL, -1);
		emit_u16(fs, g);
	}
	block_body(&c, fs, ast->a);
	emit_op(fs, OP_NIL, 1);
	emit_op(fs, OP_RETURN, -1);
	free(fs->consts.slots);
	free(fs);
	free(c.globals.slots);
	return prog;
}

void program_free(Program *prog)
{
	if (!prog)
		return;
	for (size_t i = 0; i < prog->nprotos; i++) {
		Proto *p = prog->protos[i];
		free(p->name);
		free(p->code);
		free(p->lines);
		free(p->consts);
		free(p);
	}
	for (size_t i = 0; i < prog->nglobals; i++)
		free(prog->globals[i]);
	free(prog->protos);
	free(prog->globals);
	free(prog);
}

void program_mark(Heap *h, const Program *prog)
{
	for (size_t i = 0; i < prog->nprotos; i++) {
		const Proto *p = prog->protos[i];
		for (size_t k = 0; k < p->nconsts; k++)
			heap_mark_value(h, p->consts[k]);
	}
}

int proto_line(const Proto *p, size_t offset)
{
	return offset < p->len ? p->lines[offset] : 0;
}

static const struct {
	const char *name;
	int operands;
} opinfo[] = {
#define X(name, operands) {#name, operands},
	OPCODES(X)
#undef X
};

void program_dump(const Program *prog)
{
	Buf b = {0};

	for (size_t i = 0; i < prog->nprotos; i++) {
		const Proto *p = prog->protos[i];
		printf("function %s (arity %d, stack %d, %zu bytes)\n", p->name, p->arity,
		       p->maxstack, p->len);
		for (size_t pc = 0; pc < p->len;) {
			uint8_t op = p->code[pc];
			int nops = op < OP__COUNT ? opinfo[op].operands : 0;
			printf("  %5zu  %4d  %-10s", pc, p->lines[pc],
			       op < OP__COUNT ? opinfo[op].name : "?");
			if (nops == 1) {
				printf(" %d", op == OP_ADDI ? (int)(int8_t)p->code[pc + 1] : p->code[pc + 1]);
			} else if (nops == 2) {
				unsigned v = p->code[pc + 1] | (unsigned)p->code[pc + 2] << 8;
				if (op == OP_SMALLINT)
					printf(" %d", (int)(int16_t)v);
				else
					printf(" %u", v);
				if (op == OP_CONST || op == OP_GETFIELD || op == OP_SETFIELD) {
					b.len = 0;
					value_format(&b, p->consts[v], true);
					printf("  ; %s", b.data);
				} else if (op == OP_GETGLOBAL || op == OP_SETGLOBAL) {
					printf("  ; %s", prog->globals[v]);
				} else if (op == OP_JMP || op == OP_JMPF || op == OP_AND || op == OP_OR) {
					printf("  ; -> %zu", pc + 3 + v);
				} else if (op == OP_LOOP) {
					printf("  ; -> %zu", pc + 3 - v);
				}
			} else if (nops == 3) {
				unsigned v = p->code[pc + 2] | (unsigned)p->code[pc + 3] << 8;
				printf(" %u %u  ; -> %zu", p->code[pc + 1], v,
				       op == OP_FORPREP ? pc + 4 + v : pc + 4 - v);
			}
			putchar('\n');
			pc += 1 + (size_t)nops;
		}
	}
	buf_free(&b);
}
