#include <string.h>

#include "compiler.h"
#include "fsm.h"

enum cls { K_SPACE, K_ALPHA, K_DIGIT, K_MINUS, K_DOT, K_E, K_QUOTE,
	   K_BACKSLASH, K_HASH, K_NEWLINE, K_OTHER };

/* Same name as the one in tokenize.c, on purpose. */
static PROJ_NOINLINE enum cls classify(unsigned char c)
{
	switch (c) {
	case ' ': case '\t': case '\r':
		return K_SPACE;
	case '\n':
		return K_NEWLINE;
	case '-':
		return K_MINUS;
	case '.':
		return K_DOT;
	case 'e':
		return K_E;
	case '"':
		return K_QUOTE;
	case '\\':
		return K_BACKSLASH;
	case '#':
		return K_HASH;
	default:
		if (c >= '0' && c <= '9')
			return K_DIGIT;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
			return K_ALPHA;
		return K_OTHER;
	}
}

static int is_number_state(enum fsm_state s)
{
	return s == S_SIGN || s == S_INT || s == S_FRAC || s == S_EXP_MARK ||
	       s == S_EXP_SIGN || s == S_EXP || s == S_BAD;
}

static enum fsm_state from_gap(enum cls k)
{
	switch (k) {
	case K_ALPHA: case K_E:
		return S_WORD;
	case K_DIGIT:
		return S_INT;
	case K_MINUS:
		return S_SIGN;
	case K_QUOTE:
		return S_STRING;
	case K_HASH:
		return S_COMMENT;
	default:
		return S_GAP;
	}
}

static enum fsm_state step(enum fsm_state s, enum cls k)
{
	int end = k == K_SPACE || k == K_NEWLINE || k == K_OTHER;

	switch (s) {
	case S_GAP:
		return from_gap(k);
	case S_WORD:
		return (k == K_ALPHA || k == K_E) ? S_WORD : from_gap(k);
	case S_SIGN:
		return k == K_DIGIT ? S_INT : end ? S_GAP : S_BAD;
	case S_INT:
		if (k == K_DIGIT)
			return S_INT;
		if (k == K_DOT)
			return S_FRAC;
		if (k == K_E)
			return S_EXP_MARK;
		return end ? S_GAP : S_BAD;
	case S_FRAC:
		if (k == K_DIGIT)
			return S_FRAC;
		if (k == K_E)
			return S_EXP_MARK;
		return end ? S_GAP : S_BAD;
	case S_EXP_MARK:
		if (k == K_DIGIT)
			return S_EXP;
		if (k == K_MINUS)
			return S_EXP_SIGN;
		return S_BAD;
	case S_EXP_SIGN:
		return k == K_DIGIT ? S_EXP : S_BAD;
	case S_EXP:
		if (k == K_DIGIT)
			return S_EXP;
		return end ? S_GAP : S_BAD;
	case S_STRING:
		if (k == K_BACKSLASH)
			return S_ESCAPE;
		return k == K_QUOTE ? S_GAP : S_STRING;
	case S_ESCAPE:
		return S_STRING;
	case S_COMMENT:
		return k == K_NEWLINE ? S_GAP : S_COMMENT;
	case S_BAD:
		return end ? S_GAP : S_BAD;
	default:
		return S_GAP;
	}
}

void fsm_run(const char *s, size_t len, struct fsm_stats *st)
{
	enum fsm_state cur = S_GAP, next;
	int bad = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i <= len; i++) {
		/* A NUL past the end flushes the last token. */
		next = step(cur, i < len ? classify((unsigned char)s[i]) : K_SPACE);
		if (next == cur)
			continue;
		st->enter[next]++;
		if (next == S_BAD)
			bad = 1;
		if (is_number_state(cur) && !is_number_state(next)) {
			if (bad || cur == S_SIGN || cur == S_EXP_MARK || cur == S_EXP_SIGN)
				st->bad_numbers++;
			else
				st->good_numbers++;
			bad = 0;
		}
		cur = next;
	}
}
