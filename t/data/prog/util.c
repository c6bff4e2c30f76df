#include "work.h"

unsigned long util_mix(unsigned long a, unsigned long b)
{
	a ^= b;
	a *= 1099511628211UL;
	if ((a & 255) == 7)
		a ^= a >> 13;
	return a;
}

int util_rare(long i)
{
	return i % 97 == 0;
}
