/* Source of the profiles in this directory (see gen.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*fn_t)(int);

static int sq(int x) { return x * x; }
static int cube(int x) { return x * x * x; }
int neg(int x) { return -x; }
int twice(int x) { return 2 * x; }
static int never(int x) { return x + 1; }

int apply(fn_t f, int x) { return f(x); }

static void copy(char *dst, const char *src, size_t n) { memcpy(dst, src, n); }
static void clear(char *dst, size_t n) { memset(dst, 0, n); }

int cond(int a, int b, int c)
{
	if ((a && b) || c)
		return 1;
	return 0;
}

/* Five conditions: an MC/DC bitmap of several bytes. */
int cond5(int v)
{
	if (((v & 1) && (v & 2)) || ((v & 4) && (v & 8)) || (v & 16))
		return 1;
	return 0;
}

/* Target frequencies 5:4:3:2:1 (abs is not instrumented: an external
   symbol), copy sizes 4:3:2:1 and clear sizes 3:2:1, so that no two
   values of a site have the same count. */
static fn_t pick(int i)
{
	int r = i % 15;
	return r < 5 ? sq : r < 9 ? cube : r < 12 ? neg : r < 14 ? twice : abs;
}

int main(int argc, char **argv)
{
	static const size_t copy_size[10] = { 8, 8, 8, 8, 24, 24, 24, 64, 64, 100 };
	static const size_t clear_size[6] = { 16, 16, 16, 48, 48, 0 };
	int n = argc > 1 ? atoi(argv[1]) : 100;
	int off = argc > 2 ? atoi(argv[2]) : 0;
	long s = 0;
	char buf[256], src[256];

	for (int i = 0; i < 256; i++)
		src[i] = (char)i;
	for (int i = 0; i < n; i++) {
		s += apply(pick(i), i);
		copy(buf, src, copy_size[i % 10]);
		clear(buf, clear_size[i % 6]);
		s += buf[3] + cond(i & 1, i & 2, i & 4) + cond5(i + off);
	}
	if (n < 0)
		s += never(n);
	printf("%ld\n", s);
	return 0;
}
