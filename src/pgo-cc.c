/*
 * pgo-cc / pgo-c++: the compiler wrapper as an executable of its own.
 *
 * A build runs the wrapper once per compile, so its start-up is paid
 * thousands of times.  The pgo command links SQLite, zstd, zlib and
 * libelf; loading them costs more than everything else the wrapper does.
 * This executable links only what the wrapper uses (libc and pgo's
 * utility modules), and pgo build points the build at it.  `pgo cc`
 * remains the same code, reached through the full command.
 */
#include <string.h>

#include "cmd.h"
#include "banned.h"

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	size_t n = strlen(self);
	/* pgo-c++, or any name ending in ++ (a link named c++, say). */
	int cxx = n >= 2 && !strcmp(self + n - 2, "++");
	return cmd_cc(argc, argv, cxx);
}
