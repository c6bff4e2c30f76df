#include <stdlib.h>

#include "work.h"

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

unsigned long work_sort(long n)
{
	long *v = malloc(sizeof(long) * (size_t)(n > 0 ? n : 1));
	unsigned long acc = 0;
	for (long i = 0; i < n; i++)
		v[i] = (i * 7919) % 1009;
	qsort(v, (size_t)n, sizeof(long), cmp);
	for (long i = 0; i < n; i++) {
		if (util_rare(i))
			acc ^= (unsigned long)v[i];
		else
			acc += (unsigned long)v[i];
	}
	free(v);
	return acc;
}

unsigned long work_hash(long n)
{
	unsigned long h = 1469598103934665603UL;
	for (long i = 0; i < n; i++)
		h = util_mix(h, (unsigned long)i);
	return h;
}
