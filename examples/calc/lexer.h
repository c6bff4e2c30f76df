/*
 * lexer.h - turns calc source text into tokens.
 *
 * Tokens point into the source, which must outlive them; string literals
 * keep their quotes and escapes, the parser decodes them.
 */
#ifndef CALC_LEXER_H
#define CALC_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum TokenKind {
	T_EOF, T_ERROR, T_INT, T_FLOAT, T_STR, T_NAME,
	/* keywords */
	T_LET, T_FN, T_IF, T_ELIF, T_ELSE, T_WHILE, T_FOR, T_RETURN,
	T_BREAK, T_CONTINUE, T_AND, T_OR, T_NOT, T_NIL, T_TRUE, T_FALSE,
	/* punctuation */
	T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET,
	T_COMMA, T_SEMI, T_COLON, T_DOT, T_DOTDOT,
	T_ASSIGN, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT,
	T_AMP, T_PIPE, T_CARET, T_SHL, T_SHR,
	T_PLUS_ASSIGN, T_MINUS_ASSIGN, T_STAR_ASSIGN, T_SLASH_ASSIGN,
	T_PERCENT_ASSIGN, T_DOTDOT_ASSIGN
} TokenKind;

typedef struct Token {
	TokenKind kind;
	const char *start;
	size_t len;
	int line;
	int64_t ival;  /* T_INT */
	double fval;   /* T_FLOAT */
	const char *error; /* T_ERROR */
} Token;

typedef struct Lexer {
	const char *src;
	const char *end;
	const char *p;
	int line;
} Lexer;

void lexer_init(Lexer *lx, const char *src, size_t len);
Token lexer_next(Lexer *lx);
const char *token_kind_name(TokenKind k);

#endif
