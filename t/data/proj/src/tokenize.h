/* Splits pseudo-text into words, numbers, quoted strings, punctuation and
   comments. Tokens point into the input; nothing is allocated. */
#ifndef PROJ_TOKENIZE_H
#define PROJ_TOKENIZE_H

#include <stddef.h>

enum tok_kind {
	TOK_EOF,
	TOK_WORD,
	TOK_NUMBER,
	TOK_STRING,
	TOK_PUNCT,
	TOK_COMMENT,
	TOK_KINDS
};

struct token {
	enum tok_kind kind;
	const char *s;
	size_t len;
};

struct tokenizer {
	const char *p, *end;
};

void tok_init(struct tokenizer *t, const char *s, size_t len);
/* Fills *out and returns its kind; TOK_EOF at the end of the input. */
enum tok_kind tok_next(struct tokenizer *t, struct token *out);

#endif
