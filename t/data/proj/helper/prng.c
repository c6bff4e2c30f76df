#include <stdlib.h>
#include <string.h>

#include "prng.h"

static const char *const syllables[16] = {
	"ka", "ri", "to", "mu", "sel", "an", "dor", "vi",
	"que", "lo", "ex", "par", "zu", "in", "ter", "os",
};

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

void prng_seed(struct prng *p, uint64_t seed)
{
	p->s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (!p->s)
		p->s = 1;
}

uint64_t prng_next(struct prng *p)
{
	uint64_t x = p->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

uint32_t prng_below(struct prng *p, uint32_t n)
{
	return (uint32_t)((prng_next(p) >> 32) % n);
}

static void put(struct buf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->n + len + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Vocabulary word k spells k in base 16 with one syllable per digit. */
static void put_word(struct buf *b, uint32_t k)
{
	do {
		put_str(b, syllables[k % 16]);
		k /= 16;
	} while (k);
}

static void put_uint(struct buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, tmp + i, sizeof(tmp) - i);
}

static void put_number(struct buf *b, struct prng *p)
{
	if (prng_below(p, 4) == 0)
		put_str(b, "-");
	put_uint(b, prng_below(p, 100000));
	if (prng_below(p, 3) == 0) {
		put_str(b, ".");
		put_uint(b, prng_below(p, 1000));
	}
	if (prng_below(p, 5) == 0) {
		put_str(b, prng_below(p, 2) ? "e" : "e-");
		put_uint(b, prng_below(p, 40));
	}
	/* A few malformed numbers keep the state machine's error path warm. */
	if (prng_below(p, 17) == 0)
		put_str(b, "e");
}

static void put_string(struct buf *b, struct prng *p)
{
	uint32_t i, n = 1 + prng_below(p, 4);

	put_str(b, "\"");
	for (i = 0; i < n; i++) {
		if (i)
			put_str(b, " ");
		put_word(b, prng_below(p, 64));
		if (prng_below(p, 6) == 0)
			put_str(b, "\\\"");
	}
	put_str(b, "\"");
}

char *prng_text(uint64_t seed, size_t nwords, enum text_style style, size_t *len)
{
	static const char *const punct[] = { ",", ".", ";", ":", "(", ")", "=" };
	struct buf b = { NULL, 0, 0, 0 };
	struct prng p;
	size_t i;
	uint32_t num_every = style == TEXT_DATA ? 3 : 11;
	uint32_t str_every = style == TEXT_DATA ? 5 : 29;

	prng_seed(&p, seed);
	put(&b, "", 0);
	for (i = 0; i < nwords && !b.oom; i++) {
		uint32_t r = prng_below(&p, 1000);

		if (i)
			put_str(&b, prng_below(&p, 13) ? " " : "\n");
		if (r % num_every == 0) {
			put_number(&b, &p);
		} else if (r % str_every == 1) {
			put_string(&b, &p);
		} else if (r == 999) {
			put_str(&b, "# note ");
			put_word(&b, prng_below(&p, 256));
			put_str(&b, "\n");
		} else {
			/* Skewed towards small indices, like real word counts. */
			put_word(&b, prng_below(&p, prng_below(&p, 700) + 1));
			if (prng_below(&p, 7) == 0)
				put_str(&b, punct[prng_below(&p, 7)]);
		}
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}
