/* Open-addressing hash table counting byte strings (keys are copied). */
#ifndef PROJ_HTAB_H
#define PROJ_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_entry {
	char *key;
	size_t len;
	uint64_t hash;
	unsigned long count;
};

struct htab {
	struct htab_entry *v;
	size_t cap, n;
};

void htab_init(struct htab *h);
void htab_release(struct htab *h);
/* Adds one to the key's count and returns the new count; 0 when out of
   memory. */
unsigned long htab_add(struct htab *h, const char *key, size_t len);
unsigned long htab_get(const struct htab *h, const char *key, size_t len);
/* Visits every entry in slot order (deterministic for a given input). */
void htab_foreach(const struct htab *h,
		  void (*fn)(void *ctx, const struct htab_entry *e), void *ctx);

#endif
