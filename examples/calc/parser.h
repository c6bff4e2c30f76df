/*
 * parser.h - builds the syntax tree of a calc program.
 *
 * Syntax errors are reported as "FILE:LINE: syntax error: ..." and end the
 * program: calc runs scripts, it has nothing to recover to.
 */
#ifndef CALC_PARSER_H
#define CALC_PARSER_H

#include "ast.h"

/* Returns an N_BLOCK of the program's statements, allocated from arena. */
Node *parse_program(Arena *arena, const char *src, size_t len, const char *filename);

#endif
