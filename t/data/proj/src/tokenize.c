#include "compiler.h"
#include "tokenize.h"

enum cls { C_SPACE, C_ALPHA, C_DIGIT, C_QUOTE, C_HASH, C_MINUS, C_OTHER };

/* fsm.c has a classify() of its own: the two static functions must keep
   distinct profile names. */
static PROJ_NOINLINE enum cls classify(unsigned char c)
{
	if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
		return C_SPACE;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return C_ALPHA;
	if (c >= '0' && c <= '9')
		return C_DIGIT;
	if (c == '"')
		return C_QUOTE;
	if (c == '#')
		return C_HASH;
	if (c == '-')
		return C_MINUS;
	return C_OTHER;
}

static const char *scan_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	while (p < end && (classify((unsigned char)*p) == C_DIGIT || *p == '.' ||
			   *p == 'e' || (*p == '-' && p[-1] == 'e')))
		p++;
	return p;
}

static const char *scan_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return end;
}

void tok_init(struct tokenizer *t, const char *s, size_t len)
{
	t->p = s;
	t->end = s + len;
}

enum tok_kind tok_next(struct tokenizer *t, struct token *out)
{
	const char *p = t->p, *end = t->end;
	const char *q;

	while (p < end && classify((unsigned char)*p) == C_SPACE)
		p++;
	out->s = p;
	if (p == end) {
		out->kind = TOK_EOF;
		out->len = 0;
		t->p = p;
		return TOK_EOF;
	}
	switch (classify((unsigned char)*p)) {
	case C_ALPHA:
		for (q = p + 1; q < end && classify((unsigned char)*q) == C_ALPHA; q++)
			;
		out->kind = TOK_WORD;
		break;
	case C_DIGIT:
		q = scan_number(p, end);
		out->kind = TOK_NUMBER;
		break;
	case C_MINUS:
		if (p + 1 < end && classify((unsigned char)p[1]) == C_DIGIT) {
			q = scan_number(p, end);
			out->kind = TOK_NUMBER;
		} else {
			q = p + 1;
			out->kind = TOK_PUNCT;
		}
		break;
	case C_QUOTE:
		q = scan_string(p, end);
		out->kind = TOK_STRING;
		break;
	case C_HASH:
		for (q = p; q < end && *q != '\n'; q++)
			;
		out->kind = TOK_COMMENT;
		break;
	default:
		q = p + 1;
		out->kind = TOK_PUNCT;
		break;
	}
	out->len = (size_t)(q - p);
	t->p = q;
	return out->kind;
}
