/*
 * A small TAP library for unit tests: CHECK() records one test point per
 * call and prints "ok N - expr" or "not ok N - expr (file:line)"; main()
 * ends with "return test_done();" which prints the plan.
 */
#ifndef PGO_TEST_H
#define PGO_TEST_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int test_n, test_failed;

static inline int test_check(int ok, const char *what, const char *file, int line)
{
	test_n++;
	if (ok) {
		printf("ok %d - %s\n", test_n, what);
	} else {
		test_failed++;
		printf("not ok %d - %s (%s:%d)\n", test_n, what, file, line);
	}
	fflush(stdout);
	return ok;
}

#define CHECK(expr) test_check(!!(expr), #expr, __FILE__, __LINE__)
#define CHECK_MSG(expr, msg) test_check(!!(expr), msg, __FILE__, __LINE__)
#define CHECK_STR(a, b) test_check(strcmp((a), (b)) == 0, #a " == " #b, __FILE__, __LINE__)
#define CHECK_U64(a, b) test_check((unsigned long long)(a) == (unsigned long long)(b), #a " == " #b, __FILE__, __LINE__)

static inline int test_done(void)
{
	printf("1..%d\n", test_n);
	return test_failed ? 1 : 0;
}

/* Path of a file under the source tree (PGO_TEST_SRCDIR). */
static inline const char *test_srcpath(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("PGO_TEST_SRCDIR");
	snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", rel);
	return buf;
}

#endif
