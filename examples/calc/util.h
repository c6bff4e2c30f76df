/*
 * util.h - allocation wrappers, a growable byte buffer and fatal errors.
 *
 * calc is a command-line program, so running out of memory ends it with a
 * message instead of being threaded through every caller.
 */
#ifndef CALC_UTIL_H
#define CALC_UTIL_H

#include <stddef.h>

#if defined(__GNUC__)
#define CALC_NORETURN __attribute__((noreturn))
#define CALC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define CALC_UNUSED __attribute__((unused))
#else
#define CALC_NORETURN
#define CALC_PRINTF(f, a)
#define CALC_UNUSED
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);

/* Print "calc: error: ..." to stderr and exit with status. */
CALC_NORETURN CALC_PRINTF(2, 3) void die(int status, const char *fmt, ...);

/* Growable byte buffer; data is always NUL terminated once anything was added. */
typedef struct Buf {
	char *data;
	size_t len;
	size_t cap;
} Buf;

void buf_reserve(Buf *b, size_t extra);
void buf_add(Buf *b, const char *s, size_t n);
void buf_addc(Buf *b, char c);
CALC_PRINTF(2, 3) void buf_addf(Buf *b, const char *fmt, ...);
void buf_free(Buf *b);

/* Read a whole file; returns NULL and sets errno on failure. */
char *read_file(const char *path, size_t *len);

#endif
