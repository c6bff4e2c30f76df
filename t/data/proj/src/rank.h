/* C++ part of the program: a std::map word counter that ranks words by
   count (descending) then by name, behind a C interface. */
#ifndef PROJ_RANK_H
#define PROJ_RANK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rank;

typedef void rank_fn(void *ctx, size_t pos, const char *word, unsigned long count);

struct rank *rank_new(void);
void rank_free(struct rank *r);
void rank_add(struct rank *r, const char *word, size_t len, unsigned long count);
/* Adds to the histogram of word lengths. */
void rank_add_length(struct rank *r, size_t len, unsigned long count);
/* Calls fn for the k best words; returns how many there were. */
size_t rank_top(const struct rank *r, size_t k, rank_fn *fn, void *ctx);
/* Calls fn for each word length, shortest first, with pos = the length
   and word = NULL; returns how many lengths there were. */
size_t rank_lengths(const struct rank *r, rank_fn *fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
