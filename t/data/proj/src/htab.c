#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "projutil.h"

void htab_init(struct htab *h)
{
	h->v = NULL;
	h->cap = 0;
	h->n = 0;
}

void htab_release(struct htab *h)
{
	size_t i;

	for (i = 0; i < h->cap; i++)
		free(h->v[i].key);
	free(h->v);
	htab_init(h);
}

static size_t probe(const struct htab_entry *v, size_t cap, uint64_t hash,
		    const char *key, size_t len)
{
	size_t i = (size_t)hash & (cap - 1);

	while (v[i].key && !(v[i].hash == hash && v[i].len == len &&
			     !memcmp(v[i].key, key, len)))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct htab *h)
{
	size_t cap = h->cap ? h->cap * 2 : 64, i;
	struct htab_entry *v = calloc(cap, sizeof(*v));

	if (!v)
		return -1;
	for (i = 0; i < h->cap; i++)
		if (h->v[i].key)
			v[probe(v, cap, h->v[i].hash, h->v[i].key, h->v[i].len)] = h->v[i];
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

unsigned long htab_add(struct htab *h, const char *key, size_t len)
{
	uint64_t hash = projutil_fnv1a(PROJUTIL_FNV_INIT, key, len);
	struct htab_entry *e;

	if ((h->n + 1) * 4 > h->cap * 3 && grow(h))
		return 0;
	e = &h->v[probe(h->v, h->cap, hash, key, len)];
	if (!e->key) {
		e->key = malloc(len + 1);
		if (!e->key)
			return 0;
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->len = len;
		e->hash = hash;
		e->count = 0;
		h->n++;
	}
	return ++e->count;
}

unsigned long htab_get(const struct htab *h, const char *key, size_t len)
{
	uint64_t hash = projutil_fnv1a(PROJUTIL_FNV_INIT, key, len);

	if (!h->cap)
		return 0;
	return h->v[probe(h->v, h->cap, hash, key, len)].count;
}

void htab_foreach(const struct htab *h,
		  void (*fn)(void *ctx, const struct htab_entry *e), void *ctx)
{
	size_t i;

	for (i = 0; i < h->cap; i++)
		if (h->v[i].key)
			fn(ctx, &h->v[i]);
}
