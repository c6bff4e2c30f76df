#include "parser.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "util.h"

struct ArenaChunk {
	ArenaChunk *next;
	size_t used, size;
	_Alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(Arena *a, size_t size)
{
	ArenaChunk *c = a->chunks;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		size_t csize = size > 60000 ? size : 60000;
		c = xmalloc(sizeof(ArenaChunk) + csize);
		c->size = csize;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

void arena_free(Arena *a)
{
	while (a->chunks) {
		ArenaChunk *next = a->chunks->next;
		free(a->chunks);
		a->chunks = next;
	}
}

typedef struct Parser {
	Lexer lx;
	Token cur;
	Token prev;
	Arena *arena;
	const char *filename;
	int depth;
} Parser;

#define MAX_DEPTH 200

CALC_NORETURN static void syntax_error(Parser *p, const Token *at, const char *msg)
{
	if (at->kind == T_ERROR)
		die(2, "%s:%d: syntax error: %s", p->filename, at->line, at->error);
	if (at->kind == T_EOF)
		die(2, "%s:%d: syntax error: %s at end of file", p->filename, at->line, msg);
	die(2, "%s:%d: syntax error: %s near '%.*s'", p->filename, at->line, msg,
	    (int)(at->len > 20 ? 20 : at->len), at->start);
}

static void advance(Parser *p)
{
	p->prev = p->cur;
	p->cur = lexer_next(&p->lx);
	if (p->cur.kind == T_ERROR)
		syntax_error(p, &p->cur, "");
}

static bool accept(Parser *p, TokenKind k)
{
	if (p->cur.kind != k)
		return false;
	advance(p);
	return true;
}

static void expect(Parser *p, TokenKind k, const char *what)
{
	char msg[96];

	if (accept(p, k))
		return;
	snprintf(msg, sizeof(msg), "expected %s %s", token_kind_name(k), what);
	syntax_error(p, &p->cur, msg);
}

static Node *node(Parser *p, NodeKind kind, int line)
{
	Node *n = arena_alloc(p->arena, sizeof(Node));

	n->kind = kind;
	n->line = line;
	return n;
}

static void enter(Parser *p)
{
	if (++p->depth > MAX_DEPTH)
		syntax_error(p, &p->cur, "nesting too deep");
}

static Node *expression(Parser *p);
static Node *block(Parser *p);

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static Node *string_literal(Parser *p, const Token *t)
{
	Node *n = node(p, N_STR, t->line);
	const char *s = t->start + 1, *end = t->start + t->len - 1;
	char *out = arena_alloc(p->arena, t->len);
	size_t len = 0;

	while (s < end) {
		char c = *s++;
		if (c != '\\') {
			out[len++] = c;
			continue;
		}
		c = *s++;
		switch (c) {
		case 'n': out[len++] = '\n'; break;
		case 't': out[len++] = '\t'; break;
		case 'r': out[len++] = '\r'; break;
		case '0': out[len++] = '\0'; break;
		case '\\': out[len++] = '\\'; break;
		case '"': out[len++] = '"'; break;
		case 'x':
			if (end - s >= 2 && hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
				out[len++] = (char)(hexval(s[0]) * 16 + hexval(s[1]));
				s += 2;
				break;
			}
			syntax_error(p, t, "invalid \\x escape in string");
		default:
			syntax_error(p, t, "invalid escape in string");
		}
	}
	n->str = out;
	n->slen = len;
	return n;
}

static Node *function_rest(Parser *p, Node *fn)
{
	Node **tail = &fn->a;

	expect(p, T_LPAREN, "before parameters");
	if (p->cur.kind != T_RPAREN) {
		do {
			Node *param;
			expect(p, T_NAME, "as parameter name");
			param = node(p, N_NAME, p->prev.line);
			param->name = p->prev.start;
			param->namelen = p->prev.len;
			*tail = param;
			tail = &param->next;
			fn->ival++;
		} while (accept(p, T_COMMA));
	}
	expect(p, T_RPAREN, "after parameters");
	fn->b = block(p);
	return fn;
}

/* Parse a comma-separated list up to the closing token; returns its head. */
static Node *expr_list(Parser *p, TokenKind close, const char *what)
{
	Node *head = NULL, **tail = &head;

	if (p->cur.kind != close) {
		do {
			if (p->cur.kind == close)
				break; /* trailing comma */
			*tail = expression(p);
			tail = &(*tail)->next;
		} while (accept(p, T_COMMA));
	}
	expect(p, close, what);
	return head;
}

static Node *map_literal(Parser *p, int line)
{
	Node *n = node(p, N_MAP, line);
	Node **tail = &n->a;

	if (p->cur.kind != T_RBRACE) {
		do {
			Node *pair;
			if (p->cur.kind == T_RBRACE)
				break;
			pair = node(p, N_PAIR, p->cur.line);
			if (accept(p, T_NAME)) {
				pair->a = node(p, N_STR, p->prev.line);
				pair->a->str = arena_alloc(p->arena, p->prev.len + 1);
				memcpy(pair->a->str, p->prev.start, p->prev.len);
				pair->a->slen = p->prev.len;
			} else if (accept(p, T_STR)) {
				pair->a = string_literal(p, &p->prev);
			} else if (accept(p, T_LBRACKET)) {
				pair->a = expression(p);
				expect(p, T_RBRACKET, "after key");
			} else {
				syntax_error(p, &p->cur, "expected a key (name, string or [expression])");
			}
			expect(p, T_COLON, "after key");
			pair->b = expression(p);
			*tail = pair;
			tail = &pair->next;
		} while (accept(p, T_COMMA));
	}
	expect(p, T_RBRACE, "to close the table");
	return n;
}

static Node *primary(Parser *p)
{
	Token t = p->cur;
	Node *n;

	advance(p);
	switch (t.kind) {
	case T_INT:
		n = node(p, N_INT, t.line);
		n->ival = t.ival;
		return n;
	case T_FLOAT:
		n = node(p, N_FLOAT, t.line);
		n->fval = t.fval;
		return n;
	case T_STR:
		return string_literal(p, &t);
	case T_NIL: return node(p, N_NIL, t.line);
	case T_TRUE: return node(p, N_TRUE, t.line);
	case T_FALSE: return node(p, N_FALSE, t.line);
	case T_NAME:
		n = node(p, N_NAME, t.line);
		n->name = t.start;
		n->namelen = t.len;
		return n;
	case T_LPAREN:
		n = expression(p);
		expect(p, T_RPAREN, "after expression");
		return n;
	case T_LBRACKET:
		n = node(p, N_LIST, t.line);
		n->a = expr_list(p, T_RBRACKET, "to close the list");
		return n;
	case T_LBRACE:
		return map_literal(p, t.line);
	case T_FN:
		n = node(p, N_FUNC, t.line);
		n->name = "<anonymous>";
		n->namelen = strlen(n->name);
		return function_rest(p, n);
	default:
		syntax_error(p, &t, "expected an expression");
	}
}

static Node *postfix(Parser *p)
{
	Node *n = primary(p);

	for (;;) {
		Node *m;
		int line = p->cur.line;
		if (accept(p, T_LPAREN)) {
			m = node(p, N_CALL, line);
			m->a = n;
			m->b = expr_list(p, T_RPAREN, "after arguments");
			for (Node *arg = m->b; arg; arg = arg->next)
				m->ival++;
		} else if (accept(p, T_LBRACKET)) {
			m = node(p, N_INDEX, line);
			m->a = n;
			m->b = expression(p);
			expect(p, T_RBRACKET, "after index");
		} else if (accept(p, T_DOT)) {
			m = node(p, N_FIELD, line);
			expect(p, T_NAME, "after '.'");
			m->a = n;
			m->name = p->prev.start;
			m->namelen = p->prev.len;
		} else {
			return n;
		}
		n = m;
	}
}

static Node *unary(Parser *p)
{
	if (p->cur.kind == T_MINUS || p->cur.kind == T_NOT) {
		Node *n = node(p, N_UNARY, p->cur.line);
		n->op = p->cur.kind;
		advance(p);
		enter(p);
		n->a = unary(p);
		p->depth--;
		return n;
	}
	return postfix(p);
}

/* Binding power of a binary operator; 0 when the token is not one. */
static int precedence(TokenKind k)
{
	switch (k) {
	case T_OR: return 1;
	case T_AND: return 2;
	case T_EQ: case T_NE: case T_LT: case T_LE: case T_GT: case T_GE: return 3;
	case T_PIPE: return 4;
	case T_CARET: return 5;
	case T_AMP: return 6;
	case T_SHL: case T_SHR: return 7;
	case T_DOTDOT: return 8;
	case T_PLUS: case T_MINUS: return 9;
	case T_STAR: case T_SLASH: case T_PERCENT: return 10;
	default: return 0;
	}
}

static Node *binary(Parser *p, int min_prec)
{
	Node *left;

	enter(p);
	left = unary(p);
	for (;;) {
		TokenKind op = p->cur.kind;
		int prec = precedence(op);
		int line = p->cur.line;
		Node *n;

		if (prec == 0 || prec < min_prec)
			break;
		advance(p);
		n = node(p, op == T_AND ? N_AND : op == T_OR ? N_OR : N_BINARY, line);
		n->op = op;
		n->a = left;
		/* '..' is right-associative so "a" .. b .. "c" copies less. */
		n->b = binary(p, op == T_DOTDOT ? prec : prec + 1);
		left = n;
	}
	p->depth--;
	return left;
}

static Node *expression(Parser *p)
{
	return binary(p, 1);
}

static Node *statement(Parser *p);

static Node *block(Parser *p)
{
	Node *n = node(p, N_BLOCK, p->cur.line);
	Node **tail = &n->a;

	expect(p, T_LBRACE, "to open a block");
	enter(p);
	while (p->cur.kind != T_RBRACE && p->cur.kind != T_EOF) {
		*tail = statement(p);
		tail = &(*tail)->next;
	}
	p->depth--;
	expect(p, T_RBRACE, "to close the block");
	return n;
}

static Node *if_rest(Parser *p, int line)
{
	Node *n = node(p, N_IF, line);

	n->a = expression(p);
	n->b = block(p);
	if (accept(p, T_ELIF))
		n->c = if_rest(p, p->prev.line);
	else if (accept(p, T_ELSE))
		n->c = block(p);
	return n;
}

static bool is_assign_op(TokenKind k)
{
	return k == T_ASSIGN || k == T_PLUS_ASSIGN || k == T_MINUS_ASSIGN ||
	       k == T_STAR_ASSIGN || k == T_SLASH_ASSIGN ||
	       k == T_PERCENT_ASSIGN || k == T_DOTDOT_ASSIGN;
}

static Node *statement(Parser *p)
{
	int line = p->cur.line;
	Node *n;

	if (accept(p, T_LET)) {
		n = node(p, N_LET, line);
		expect(p, T_NAME, "after 'let'");
		n->name = p->prev.start;
		n->namelen = p->prev.len;
		expect(p, T_ASSIGN, "after the variable name");
		n->a = expression(p);
		expect(p, T_SEMI, "after 'let'");
		return n;
	}
	if (accept(p, T_FN)) {
		n = node(p, N_FNDECL, line);
		expect(p, T_NAME, "after 'fn'");
		n->name = p->prev.start;
		n->namelen = p->prev.len;
		return function_rest(p, n);
	}
	if (accept(p, T_IF))
		return if_rest(p, line);
	if (accept(p, T_WHILE)) {
		n = node(p, N_WHILE, line);
		n->a = expression(p);
		n->b = block(p);
		return n;
	}
	if (accept(p, T_FOR)) {
		n = node(p, N_FOR, line);
		expect(p, T_NAME, "after 'for'");
		n->name = p->prev.start;
		n->namelen = p->prev.len;
		expect(p, T_ASSIGN, "after the loop variable");
		n->a = expression(p);
		expect(p, T_COMMA, "between the loop bounds");
		n->b = expression(p);
		n->c = block(p);
		return n;
	}
	if (accept(p, T_RETURN)) {
		n = node(p, N_RETURN, line);
		if (p->cur.kind != T_SEMI)
			n->a = expression(p);
		expect(p, T_SEMI, "after 'return'");
		return n;
	}
	if (accept(p, T_BREAK)) {
		expect(p, T_SEMI, "after 'break'");
		return node(p, N_BREAK, line);
	}
	if (accept(p, T_CONTINUE)) {
		expect(p, T_SEMI, "after 'continue'");
		return node(p, N_CONTINUE, line);
	}
	if (p->cur.kind == T_LBRACE)
		return block(p);

	n = expression(p);
	if (is_assign_op(p->cur.kind)) {
		Node *a = node(p, N_ASSIGN, line);
		if (n->kind != N_NAME && n->kind != N_INDEX && n->kind != N_FIELD)
			syntax_error(p, &p->cur, "cannot assign to this expression");
		a->op = p->cur.kind;
		advance(p);
		a->a = n;
		a->b = expression(p);
		n = a;
	} else {
		Node *e = node(p, N_EXPR, line);
		e->a = n;
		n = e;
	}
	expect(p, T_SEMI, "after statement");
	return n;
}

Node *parse_program(Arena *arena, const char *src, size_t len, const char *filename)
{
	Parser p;
	Node *prog;
	Node **tail;

	memset(&p, 0, sizeof(p));
	p.arena = arena;
	p.filename = filename;
	lexer_init(&p.lx, src, len);
	advance(&p);
	prog = node(&p, N_BLOCK, 1);
	tail = &prog->a;
	while (p.cur.kind != T_EOF) {
		*tail = statement(&p);
		tail = &(*tail)->next;
	}
	return prog;
}
