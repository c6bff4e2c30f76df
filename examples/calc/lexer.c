#include "lexer.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void lexer_init(Lexer *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->p = src;
	lx->end = src + len;
	lx->line = 1;
}

static const struct {
	const char *word;
	TokenKind kind;
} keywords[] = {
	{"let", T_LET}, {"fn", T_FN}, {"if", T_IF}, {"elif", T_ELIF},
	{"else", T_ELSE}, {"while", T_WHILE}, {"for", T_FOR},
	{"return", T_RETURN}, {"break", T_BREAK}, {"continue", T_CONTINUE},
	{"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"nil", T_NIL},
	{"true", T_TRUE}, {"false", T_FALSE},
};

const char *token_kind_name(TokenKind k)
{
	static const char *const names[] = {
		"end of file", "invalid token", "integer", "float", "string", "name",
		"'let'", "'fn'", "'if'", "'elif'", "'else'", "'while'", "'for'", "'return'",
		"'break'", "'continue'", "'and'", "'or'", "'not'", "'nil'", "'true'", "'false'",
		"'('", "')'", "'{'", "'}'", "'['", "']'",
		"','", "';'", "':'", "'.'", "'..'",
		"'='", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='",
		"'+'", "'-'", "'*'", "'/'", "'%'",
		"'&'", "'|'", "'^'", "'<<'", "'>>'",
		"'+='", "'-='", "'*='", "'/='", "'%='", "'..='",
	};
	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "token";
}

static Token make(Lexer *lx, TokenKind kind, const char *start)
{
	Token t;

	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.start = start;
	t.len = (size_t)(lx->p - start);
	t.line = lx->line;
	return t;
}

static Token error_token(Lexer *lx, const char *start, const char *msg)
{
	Token t = make(lx, T_ERROR, start);

	t.error = msg;
	return t;
}

static void skip_space(Lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (c == '\n') {
			lx->line++;
			lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

static Token number(Lexer *lx, const char *start)
{
	char buf[64];
	bool is_float = false;
	int base = 10;
	size_t n;
	Token t;

	if (lx->p + 1 < lx->end && lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X')) {
		base = 16;
		lx->p += 2;
		while (lx->p < lx->end && isxdigit((unsigned char)*lx->p))
			lx->p++;
	} else {
		while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
			lx->p++;
		if (lx->p + 1 < lx->end && lx->p[0] == '.' && isdigit((unsigned char)lx->p[1])) {
			is_float = true;
			lx->p++;
			while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
				lx->p++;
		}
		if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
			const char *q = lx->p + 1;
			if (q < lx->end && (*q == '+' || *q == '-'))
				q++;
			if (q < lx->end && isdigit((unsigned char)*q)) {
				is_float = true;
				lx->p = q;
				while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
					lx->p++;
			}
		}
	}
	if (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
		return error_token(lx, start, "malformed number");
	n = (size_t)(lx->p - start);
	if (n >= sizeof(buf))
		return error_token(lx, start, "number too long");
	memcpy(buf, start, n);
	buf[n] = '\0';
	t = make(lx, is_float ? T_FLOAT : T_INT, start);
	errno = 0;
	if (is_float) {
		t.fval = strtod(buf, NULL);
	} else {
		unsigned long long u = strtoull(base == 16 ? buf + 2 : buf, NULL, base);
		if (errno || n == (base == 16 ? 2u : 0u) ||
		    (base == 10 && u > (unsigned long long)INT64_MAX))
			return error_token(lx, start, "integer literal out of range");
		/* Hex literals may spell any 64-bit pattern, e.g. 0xffffffffffffffff. */
		t.ival = (int64_t)u;
	}
	return t;
}

static Token string(Lexer *lx, const char *start)
{
	lx->p++;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\n')
			return error_token(lx, start, "unterminated string");
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		lx->p++;
	}
	if (lx->p >= lx->end)
		return error_token(lx, start, "unterminated string");
	lx->p++;
	return make(lx, T_STR, start);
}

static bool match(Lexer *lx, char c)
{
	if (lx->p < lx->end && *lx->p == c) {
		lx->p++;
		return true;
	}
	return false;
}

Token lexer_next(Lexer *lx)
{
	const char *start;
	char c;

	skip_space(lx);
	start = lx->p;
	if (lx->p >= lx->end)
		return make(lx, T_EOF, start);
	c = *lx->p;
	if (isalpha((unsigned char)c) || c == '_') {
		size_t n;
		while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
			lx->p++;
		n = (size_t)(lx->p - start);
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, start, n) == 0)
				return make(lx, keywords[i].kind, start);
		return make(lx, T_NAME, start);
	}
	if (isdigit((unsigned char)c))
		return number(lx, start);
	if (c == '"')
		return string(lx, start);
	lx->p++;
	switch (c) {
	case '(': return make(lx, T_LPAREN, start);
	case ')': return make(lx, T_RPAREN, start);
	case '{': return make(lx, T_LBRACE, start);
	case '}': return make(lx, T_RBRACE, start);
	case '[': return make(lx, T_LBRACKET, start);
	case ']': return make(lx, T_RBRACKET, start);
	case ',': return make(lx, T_COMMA, start);
	case ';': return make(lx, T_SEMI, start);
	case ':': return make(lx, T_COLON, start);
	case '.':
		if (match(lx, '.'))
			return make(lx, match(lx, '=') ? T_DOTDOT_ASSIGN : T_DOTDOT, start);
		return make(lx, T_DOT, start);
	case '=': return make(lx, match(lx, '=') ? T_EQ : T_ASSIGN, start);
	case '!':
		if (match(lx, '='))
			return make(lx, T_NE, start);
		return error_token(lx, start, "unexpected '!' (use 'not')");
	case '<':
		if (match(lx, '<'))
			return make(lx, T_SHL, start);
		return make(lx, match(lx, '=') ? T_LE : T_LT, start);
	case '>':
		if (match(lx, '>'))
			return make(lx, T_SHR, start);
		return make(lx, match(lx, '=') ? T_GE : T_GT, start);
	case '+': return make(lx, match(lx, '=') ? T_PLUS_ASSIGN : T_PLUS, start);
	case '-': return make(lx, match(lx, '=') ? T_MINUS_ASSIGN : T_MINUS, start);
	case '*': return make(lx, match(lx, '=') ? T_STAR_ASSIGN : T_STAR, start);
	case '/': return make(lx, match(lx, '=') ? T_SLASH_ASSIGN : T_SLASH, start);
	case '%': return make(lx, match(lx, '=') ? T_PERCENT_ASSIGN : T_PERCENT, start);
	case '&': return make(lx, T_AMP, start);
	case '|': return make(lx, T_PIPE, start);
	case '^': return make(lx, T_CARET, start);
	default:
		return error_token(lx, start, "unexpected character");
	}
}
