#include <stdio.h>
#include <stdlib.h>

static unsigned long mix(unsigned long x)
{
	x ^= x >> 13;
	x *= 0x9e3779b97f4a7c15ul;
	return x ^ (x >> 29);
}

__attribute__((noinline)) static unsigned long work(unsigned long n)
{
	unsigned long acc = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (i % 3 == 0)
			acc += mix(i);
		else
			acc ^= mix(acc + i);
	}
	return acc;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000000ul;
	printf("%lu\n", work(n));
	return 0;
}
