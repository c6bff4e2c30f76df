/*
 * run: running other programs from an argv array.
 *
 * pgo never builds a shell command line from data: every external tool
 * (llvm-profdata, gcov-tool, compilers, build commands the user wrote as
 * argv) is started with posix_spawnp() and an argv array.  Output can be
 * captured into strbufs; the child's exit status is decoded.
 */
#ifndef PGO_RUN_H
#define PGO_RUN_H

#include "util.h"

struct run_opts {
	const char *const *argv;      /* argv[0] is looked up in PATH */
	const char *const *env_add;   /* "K=V" entries added (NULL-terminated), or NULL */
	const char *const *env_unset; /* names removed from the environment, or NULL */
	const char *cwd;              /* run in this directory, or NULL */
	struct strbuf *out;           /* capture stdout, or NULL to inherit */
	struct strbuf *err;           /* capture stderr, or NULL to inherit */
	int stdout_to_stderr;         /* when out is NULL: send stdout to our stderr */
	int null_stdin;               /* stdin from /dev/null */
	int forward_signals;          /* pass SIGINT, SIGTERM, SIGHUP, SIGQUIT on to the child */
	int no_aslr;                  /* run the child with address-space randomization off */
	const char *stdout_file;      /* append stdout and stderr to this file */
	int timeout_ms;               /* kill the child (SIGKILL) after this long; 0 never */
	long long *cpu_us;            /* set to the child's user + system CPU time, if not NULL */
};

/*
 * Runs the program and waits for it.  Returns -1 when it could not be
 * started (error recorded), otherwise its exit code, or 128 + signal
 * number if it was killed.
 */
int run_command(const struct run_opts *o);

/* Convenience: run argv, capture stdout and stderr, return exit code. */
int run_capture(const char *const *argv, struct strbuf *out, struct strbuf *err);

/* Finds an executable in PATH (or as given when it contains '/').
   Returns a newly allocated path, or NULL. */
char *find_program(const char *name);

/* Growable NULL-terminated argv. */
struct argv_array {
	const char **v;
	size_t n, alloc;
};
#define ARGV_ARRAY_INIT { NULL, 0, 0 }
void argv_push(struct argv_array *a, const char *s);       /* copies s */
void argv_pushf(struct argv_array *a, const char *fmt, ...) PGO_PRINTF(2, 3);
void argv_clear(struct argv_array *a);

#endif
