/* Static helper library: a seeded generator and the pseudo-text that the
   workloads read, so that every run sees the same bytes. */
#ifndef PROJ_PRNG_H
#define PROJ_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct prng {
	uint64_t s;
};

void prng_seed(struct prng *p, uint64_t seed);
uint64_t prng_next(struct prng *p);
/* A value in [0, n); n must not be 0. */
uint32_t prng_below(struct prng *p, uint32_t n);

enum text_style {
	TEXT_PROSE,	/* mostly words: the training mix */
	TEXT_DATA	/* mostly numbers and strings: the evaluation mix */
};

/* Returns a malloc'd NUL-terminated text of nwords items and sets *len;
   NULL when out of memory. */
char *prng_text(uint64_t seed, size_t nwords, enum text_style style, size_t *len);

#endif
