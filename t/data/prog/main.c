/* A small deterministic program for pgo's tests: the counts it produces
   depend only on its arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	const char *mode = argc > 2 ? argv[2] : "mix";
	unsigned long acc = 0;

	if (!strcmp(mode, "sort"))
		acc = work_sort(n);
	else if (!strcmp(mode, "hash"))
		acc = work_hash(n);
	else
		acc = work_sort(n / 2) + work_hash(n / 2);
	printf("%lu\n", acc);
	return 0;
}
