/*
 * util: allocation, growable strings, errors and checked arithmetic.
 *
 * Every other module builds on these.  The guarantees:
 *  - x*alloc() never return NULL: on exhaustion they print one line and
 *    exit 128, the only place outside the command layer that exits.
 *  - A strbuf is never NULL-buffered and always NUL terminated, even when
 *    empty, so sb.buf can be handed to any C string function.
 *  - Library functions report failure by returning -1 (or NULL) after
 *    calling pgo_err(); the message can then be read with pgo_errmsg() and
 *    is printed once, by the command layer, as "pgo: error: MESSAGE".
 */
#ifndef PGO_UTIL_H
#define PGO_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PGO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PGO_NORETURN __attribute__((noreturn))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Reallocates p to hold nmemb elements of size bytes; dies on overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PGO_PRINTF(1, 2);

/* Grows *arr (of *alloc elements) so that it can hold at least need ones. */
#define ALLOC_GROW(arr, need, alloc)                                          \
	do {                                                                  \
		if ((need) > (alloc)) {                                       \
			size_t ag_n_ = (alloc) < 16 ? 16 : (alloc);           \
			while (ag_n_ < (need))                                \
				ag_n_ = pgo_size_mul(ag_n_, 2);               \
			(arr) = xreallocarray((arr), ag_n_, sizeof(*(arr)));  \
			(alloc) = ag_n_;                                      \
		}                                                             \
	} while (0)

/* Overflow-checked size arithmetic; die (exit 128) on overflow. */
size_t pgo_size_add(size_t a, size_t b);
size_t pgo_size_mul(size_t a, size_t b);
/* Saturating unsigned 64-bit arithmetic, as LLVM merges counters. */
uint64_t sat_add64(uint64_t a, uint64_t b);
uint64_t sat_mul64(uint64_t a, uint64_t b);

/* Growable string buffer (git's strbuf). */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }
extern char strbuf_slopbuf[1];
void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Takes ownership of the buffer; sb is reinitialized. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PGO_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) PGO_PRINTF(2, 0);
void strbuf_add_u64(struct strbuf *sb, uint64_t v);
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
void strbuf_trim_trailing_newline(struct strbuf *sb);

/*
 * Errors.  pgo_err() records a message (printf-style) and returns -1, so a
 * library function can say "return pgo_err(...)".  pgo_err_errno() appends
 * ": strerror(errno)".  pgo_err_prefix() wraps the message already recorded
 * in more context: "cannot import 'x': <previous message>".
 */
int pgo_err(const char *fmt, ...) PGO_PRINTF(1, 2);
int pgo_err_errno(const char *fmt, ...) PGO_PRINTF(1, 2);
int pgo_err_prefix(const char *fmt, ...) PGO_PRINTF(1, 2);
const char *pgo_errmsg(void);
void pgo_err_clear(void);

/* Command-layer reporting: "pgo: error: ..." / "pgo: warning: ...". */
void pgo_die(const char *fmt, ...) PGO_PRINTF(1, 2) PGO_NORETURN;
/* Prints pgo_errmsg() and exits with code. */
PGO_NORETURN void pgo_die_last(int code);
void pgo_warn(const char *fmt, ...) PGO_PRINTF(1, 2);

/* Parsing helpers: strict decimal, no sign, no spaces; 0 on success. */
int parse_u64(const char *s, size_t len, uint64_t *out);
int parse_u64_str(const char *s, uint64_t *out);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* True when [s, s+len) is valid UTF-8 with no NUL or control characters
   other than tab. */
bool valid_text(const char *s, size_t len);

/* Little-endian loads from untrusted buffers (no alignment assumed). */
uint16_t get_le16(const void *p);
uint32_t get_le32(const void *p);
uint64_t get_le64(const void *p);
uint32_t get_be32(const void *p);
void put_le32(void *p, uint32_t v);
void put_le64(void *p, uint64_t v);

#endif
