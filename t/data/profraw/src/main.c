/* Test program for the profraw reader: several functions over two files,
   static functions of the same name in both, a loop, a never-called
   function, an indirect call and a multi-condition decision (MC/DC). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lib_work(int n);
int lib_pick(int a, int b, int c);

static int helper(int x) { return x * x % 7; }

static int collatz(long n)
{
	int steps = 0;
	while (n != 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

static int never_called(int x)
{
	if (x > 3)
		return x - 1;
	return x + 1;
}

typedef int (*fn)(int);
static int add1(int x) { return x + 1; }
static int dbl(int x) { return 2 * x; }

int apply(fn f, int x) { return f(x); }

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	long sum = 0;
	char buf[64];
	for (int i = 1; i < n; i++) {
		sum += collatz(i) + helper(i);
		sum += apply(i % 3 ? add1 : dbl, i);
		memset(buf, i, (size_t)(i % 64));
		sum += buf[0] + lib_pick(i & 1, i & 2, i & 4);
	}
	sum += lib_work(n);
	if (argc > 5)
		sum += never_called(argc);
	printf("%ld\n", sum);
	return 0;
}
