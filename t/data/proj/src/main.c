/* projbin: the test project of pgo's end-to-end tests. Every run prints
   the same lines for the same arguments, whatever the compiler, flags or
   profile, and ends with a checksum of those lines. See ../README. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compiler.h"
#include "fsm.h"
#include "htab.h"
#include "prng.h"
#include "projutil.h"
#include "rank.h"
#include "tokenize.h"
#include "worker.h"

#define PROJBIN_VERSION "1.4.2"

struct opts {
	const char *mode;
	int serve;
	uint64_t seed;
	unsigned long words, iterations, threads, max_ticks, tick_ms;
	int seed_set, words_set, iterations_set, threads_set;
};

static uint64_t out_hash = PROJUTIL_FNV_INIT;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	fputs(line, stdout);
	out_hash = projutil_fnv1a(out_hash, line, (size_t)n);
}

static void add_entry(void *ctx, const struct htab_entry *e)
{
	struct rank *r = ctx;

	rank_add(r, e->key, e->len, e->count);
	rank_add_length(r, e->len, e->count);
}

static void print_top(void *ctx, size_t pos, const char *word, unsigned long count)
{
	(void)ctx;
	out("top %zu %s %lu\n", pos + 1, word, count);
}

static void print_length(void *ctx, size_t pos, const char *word, unsigned long count)
{
	(void)ctx;
	(void)word;
	out("length %zu %lu\n", pos, count);
}

static int run_workload(const struct opts *o)
{
	static const char *const kind_names[TOK_KINDS] = {
		"eof", "words", "numbers", "strings", "punct", "comments"
	};
	enum text_style style = strcmp(o->mode, "eval") ? TEXT_PROSE : TEXT_DATA;
	unsigned long kinds[TOK_KINDS] = { 0 };
	struct tokenizer t;
	struct token tok;
	struct fsm_stats fs;
	struct htab h;
	struct rank *r;
	uint64_t acc;
	unsigned long hits;
	size_t len;
	char *text;
	int k;

	text = prng_text(o->seed, o->words, style, &len);
	if (!text) {
		fprintf(stderr, "projbin: out of memory\n");
		return 1;
	}
	out("mode %s seed %llu words %lu threads %lu iterations %lu\n", o->mode,
	    (unsigned long long)o->seed, o->words, o->threads, o->iterations);
	out("text bytes %zu crc32 %08lx\n", len,
	    (unsigned long)projutil_crc32(0, text, len));

	htab_init(&h);
	tok_init(&t, text, len);
	while (tok_next(&t, &tok) != TOK_EOF) {
		kinds[tok.kind]++;
		if (tok.kind == TOK_WORD && !htab_add(&h, tok.s, tok.len)) {
			fprintf(stderr, "projbin: out of memory\n");
			return 1;
		}
	}
	for (k = TOK_WORD; k < TOK_KINDS; k++)
		out("tokens %s %lu\n", kind_names[k], kinds[k]);
	out("distinct words %zu\n", h.n);

	fsm_run(text, len, &fs);
	out("fsm numbers good %lu bad %lu\n", fs.good_numbers, fs.bad_numbers);
	out("fsm enter");
	for (k = 0; k < S_COUNT; k++)
		out(" %lu", fs.enter[k]);
	out("\n");

	r = rank_new();
	htab_foreach(&h, add_entry, r);
	if (style == TEXT_PROSE) {
		rank_top(r, 10, print_top, NULL);
	} else {
		rank_top(r, 3, print_top, NULL);
		rank_lengths(r, print_length, NULL);
	}
	rank_free(r);
	htab_release(&h);
	free(text);

	if (worker_run_all((unsigned)o->threads, o->iterations, o->seed, &acc, &hits)) {
		fprintf(stderr, "projbin: cannot start threads\n");
		return 1;
	}
	out("workers acc %016llx hits %lu\n", (unsigned long long)acc, hits);
	printf("checksum %016llx\n", (unsigned long long)out_hash);
	return 0;
}

/* One unit of background work in --serve mode; out of line so that the
   profile of a server that was killed shows how many ticks it ran. */
static PROJ_NOINLINE void serve_tick(unsigned long tick)
{
	struct worker_job j = { 1000, 0, 0, 0 };
	struct tokenizer t;
	struct token tok;
	size_t len;
	char *text = prng_text(tick, 200, TEXT_PROSE, &len);

	if (text) {
		tok_init(&t, text, len);
		while (tok_next(&t, &tok) != TOK_EOF)
			;
		free(text);
	}
	j.seed = tick;
	worker_run(&j);
}

/* A shell starts a background job with SIGINT ignored; give it back its
   default action so that `kill -INT` works from a test script. A handler
   that someone else installed (a profiling runtime) is left alone. */
static void unignore(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
		sa.sa_handler = SIG_DFL;
		sigaction(sig, &sa, NULL);
	}
}

/* Runs until killed. No signal handler on purpose: SIGTERM and SIGINT
   keep their default action, so the process dies without running exit
   handlers; that is the case pgo's tests need. */
static int serve(const struct opts *o)
{
	struct timespec ts = { 0, (long)(o->tick_ms % 1000) * 1000000L };
	unsigned long tick;

	unignore(SIGINT);
	unignore(SIGTERM);
	ts.tv_sec = (time_t)(o->tick_ms / 1000);
	printf("projbin: serving pid %ld\n", (long)getpid());
	fflush(stdout);
	for (tick = 0; !o->max_ticks || tick < o->max_ticks; tick++) {
		serve_tick(tick);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		ts.tv_sec = (time_t)(o->tick_ms / 1000);
		ts.tv_nsec = (long)(o->tick_ms % 1000) * 1000000L;
	}
	printf("projbin: served %lu ticks\n", tick);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: projbin [--threads N] [--iterations N] [--words N] [--seed N] train|eval\n"
	      "       projbin --serve [--tick-ms N] [--max-ticks N]\n"
	      "       projbin --version\n", f);
}

static int parse_num(const char *opt, const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s) {
		fprintf(stderr, "projbin: %s needs a value\n", opt);
		return -1;
	}
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *v > max) {
		fprintf(stderr, "projbin: bad value for %s: '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	unsigned long v;
	int i;

	memset(&o, 0, sizeof(o));
	o.tick_ms = 10;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--version")) {
			printf("projbin %s (libprojutil %s)\n", PROJBIN_VERSION,
			       projutil_version());
			return fflush(stdout) ? 1 : 0;
		} else if (!strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--serve")) {
			o.serve = 1;
		} else if (!strcmp(a, "--threads")) {
			if (parse_num(a, argv[++i], 64, &o.threads))
				return 2;
			if (!o.threads) {
				fprintf(stderr, "projbin: --threads must be at least 1\n");
				return 2;
			}
			o.threads_set = 1;
		} else if (!strcmp(a, "--iterations")) {
			if (parse_num(a, argv[++i], 1000000000UL, &o.iterations))
				return 2;
			o.iterations_set = 1;
		} else if (!strcmp(a, "--words")) {
			if (parse_num(a, argv[++i], 10000000UL, &o.words))
				return 2;
			o.words_set = 1;
		} else if (!strcmp(a, "--seed")) {
			if (parse_num(a, argv[++i], ~0UL, &v))
				return 2;
			o.seed = v;
			o.seed_set = 1;
		} else if (!strcmp(a, "--max-ticks")) {
			if (parse_num(a, argv[++i], ~0UL, &o.max_ticks))
				return 2;
		} else if (!strcmp(a, "--tick-ms")) {
			if (parse_num(a, argv[++i], 10000, &o.tick_ms))
				return 2;
		} else if (a[0] == '-' || o.mode) {
			usage(stderr);
			return 2;
		} else {
			o.mode = a;
		}
	}
	if (o.serve)
		return o.mode ? (usage(stderr), 2) : serve(&o);
	if (!o.mode || (strcmp(o.mode, "train") && strcmp(o.mode, "eval"))) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(o.mode, "train")) {
		if (!o.seed_set)
			o.seed = 1;
		if (!o.words_set)
			o.words = 60000;
		if (!o.threads_set)
			o.threads = 4;
		if (!o.iterations_set)
			o.iterations = 100000;
	} else {
		if (!o.seed_set)
			o.seed = 2;
		if (!o.words_set)
			o.words = 40000;
		if (!o.threads_set)
			o.threads = 2;
		if (!o.iterations_set)
			o.iterations = 30000;
	}
	if (run_workload(&o))
		return 1;
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
