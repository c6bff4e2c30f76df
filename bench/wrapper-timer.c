/*
 * wrapper-timer: times single process invocations, for bench/wrapper.sh.
 *
 * A shell cannot time one compiler invocation to a few microseconds: its
 * own fork and the date(1) it would need cost more than what is measured.
 * This driver starts each command with posix_spawnp() (as make does with
 * execvp) and reads CLOCK_MONOTONIC just before the spawn and just after
 * wait4(), so a wall figure is everything the build system would wait
 * for.  wait4() also gives the CPU time (user + system) of the command
 * and of the children it waited for: on a machine busy with other work
 * the wall times grow with the waiting, the CPU times much less.
 *
 * usage: wrapper-timer -s SPEC -l LIST -r ROUNDS -o RAW.tsv -S STATS.tsv
 *
 * SPEC, one directive a line:
 *   variant NAME        starts a variant
 *   set K=V             adds K=V to this variant's environment
 *   arg WORD            appends WORD to its argv; "{stem}" in WORD is
 *                       replaced by the file's stem
 *   pair A B            reports the paired differences A minus B
 * LIST holds one stem a line.
 *
 * In each round every stem is run once by every variant, back to back,
 * the variants in an order rotated by round and stem, so that the two
 * sides of a pair run under the same conditions and neither is always
 * first.  A warm-up pass over the first few stems is not counted.
 *
 * RAW.tsv: round, stem, variant, wall and CPU nanoseconds.  STATS.tsv,
 * in nanoseconds, the wall figures then the CPU ones:
 *   variant NAME n median p10 p90 mean  median p10 p90 mean
 *   pair A B n median p10 p90 ratio  median p10 p90 ratio
 * where a pair's figures are those of the differences A - B of the same
 * stem in the same round, and ratio is median(A) / median(B).
 * Progress goes to stdout, the commands' stderr to ours, their stdout to
 * /dev/null.  Exits 1 when a command fails, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct variant {
	char name[64];
	char **env;
	size_t nenv;
	char **args;
	size_t nargs;
};

struct pair {
	int a, b;
};

static struct variant *vars;
static size_t nvars;
static struct pair *pairs;
static size_t npairs;
static char **stems;
static size_t nstems;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "wrapper-timer: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

static void push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s ? xstrdup(s) : NULL;
	(*v)[*n] = NULL;
}

static int find_variant(const char *name)
{
	for (size_t i = 0; i < nvars; i++)
		if (!strcmp(vars[i].name, name))
			return (int)i;
	return -1;
}

static void usage_fail(const char *msg, const char *what)
{
	fprintf(stderr, "wrapper-timer: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
	exit(2);
}

static void read_spec(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	if (!f)
		usage_fail("cannot open the spec", path);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *val;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		val = strchr(line, ' ');
		if (!val)
			usage_fail("spec line without a value", line);
		*val++ = 0;
		if (!strcmp(line, "variant")) {
			vars = xrealloc(vars, (nvars + 1) * sizeof(*vars));
			memset(&vars[nvars], 0, sizeof(*vars));
			if (strlen(val) >= sizeof(vars[nvars].name) || find_variant(val) >= 0)
				usage_fail("bad or repeated variant name", val);
			memcpy(vars[nvars].name, val, strlen(val) + 1);
			nvars++;
		} else if (!strcmp(line, "set") || !strcmp(line, "arg")) {
			struct variant *v;
			if (!nvars)
				usage_fail("set or arg before any variant", val);
			v = &vars[nvars - 1];
			if (line[0] == 's') {
				if (!strchr(val, '='))
					usage_fail("set needs K=V", val);
				push(&v->env, &v->nenv, val);
			} else {
				push(&v->args, &v->nargs, val);
			}
		} else if (!strcmp(line, "pair")) {
			char *b = strchr(val, ' ');
			if (!b)
				usage_fail("pair needs two names", val);
			*b++ = 0;
			pairs = xrealloc(pairs, (npairs + 1) * sizeof(*pairs));
			pairs[npairs].a = find_variant(val);
			pairs[npairs].b = find_variant(b);
			if (pairs[npairs].a < 0 || pairs[npairs].b < 0)
				usage_fail("pair names an unknown variant", val);
			npairs++;
		} else {
			usage_fail("unknown spec directive", line);
		}
	}
	fclose(f);
	if (!nvars)
		usage_fail("the spec has no variant", path);
	for (size_t i = 0; i < nvars; i++)
		if (!vars[i].nargs)
			usage_fail("variant without arguments", vars[i].name);
}

static void read_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	if (!f)
		usage_fail("cannot open the list", path);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n)
			push(&stems, &nstems, line);
	}
	fclose(f);
	if (!nstems)
		usage_fail("the list is empty", path);
}

/* The caller's environment plus the variant's own settings, which win. */
static char **variant_env(const struct variant *v)
{
	char **env = NULL;
	size_t n = 0;
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t k = eq ? (size_t)(eq - *e) + 1 : strlen(*e);
		int over = 0;
		for (size_t i = 0; i < v->nenv && !over; i++)
			over = !strncmp(v->env[i], *e, k);
		if (!over)
			push(&env, &n, *e);
	}
	for (size_t i = 0; i < v->nenv; i++)
		push(&env, &n, v->env[i]);
	return env;
}

static char *subst(const char *word, const char *stem)
{
	static const char key[] = "{stem}";
	size_t cap = strlen(word) + 1, len = 0;
	char *out;
	const char *p;
	for (p = word; (p = strstr(p, key)); p += sizeof(key) - 1)
		cap += strlen(stem);
	out = xrealloc(NULL, cap);
	for (p = word; *p;) {
		if (!strncmp(p, key, sizeof(key) - 1)) {
			memcpy(out + len, stem, strlen(stem));
			len += strlen(stem);
			p += sizeof(key) - 1;
		} else {
			out[len++] = *p++;
		}
	}
	out[len] = 0;
	return out;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct sample {
	uint64_t wall, cpu;
};

/* Runs one command and times it. */
static struct sample run_one(const struct variant *v, char **env, const char *stem)
{
	struct sample sm;
	struct rusage ru;
	char **argv = xrealloc(NULL, (v->nargs + 1) * sizeof(*argv));
	posix_spawn_file_actions_t fa;
	uint64_t t0, t1;
	pid_t pid;
	int rc, status;

	for (size_t i = 0; i < v->nargs; i++)
		argv[i] = subst(v->args[i], stem);
	argv[v->nargs] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now_ns();
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	if (rc == 0) {
		while (wait4(pid, &status, 0, &ru) < 0) {
			if (errno != EINTR) {
				perror("wrapper-timer: wait4");
				exit(1);
			}
		}
	}
	t1 = now_ns();
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "wrapper-timer: %s: cannot run '%s': %s\n", v->name, argv[0],
			strerror(rc));
		exit(1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "wrapper-timer: %s: command failed (status 0x%x):", v->name, status);
		for (size_t i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
		exit(1);
	}
	for (size_t i = 0; i < v->nargs; i++)
		free(argv[i]);
	free(argv);
	sm.wall = t1 - t0;
	sm.cpu = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
		 ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
	return sm;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Linear interpolation between the closest ranks of sorted x[0..n-1]. */
static double quantile(const int64_t *x, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	double frac = pos - (double)lo;
	if (lo + 1 >= n)
		return (double)x[n - 1];
	return (double)x[lo] + frac * (double)(x[lo + 1] - x[lo]);
}

/* Writes median, p10, p90 of the n values at x (sorted in place). */
static void put_quantiles(FILE *f, int64_t *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_i64);
	fprintf(f, "\t%.0f\t%.0f\t%.0f", quantile(x, n, 0.5), quantile(x, n, 0.1),
		quantile(x, n, 0.9));
}

static int64_t pick(const struct sample *s, int cpu)
{
	return (int64_t)(cpu ? s->cpu : s->wall);
}

int main(int argc, char **argv)
{
	const char *spec = NULL, *list = NULL, *raw_path = NULL, *stats_path = NULL;
	long rounds = 0;
	char ***envs;
	struct sample *t; /* [round][stem][variant] */
	FILE *raw, *stats;
	int opt;
	size_t warm, n;
	int64_t *x;
	double *med;

	while ((opt = getopt(argc, argv, "s:l:r:o:S:")) != -1) {
		switch (opt) {
		case 's': spec = optarg; break;
		case 'l': list = optarg; break;
		case 'r': rounds = strtol(optarg, NULL, 10); break;
		case 'o': raw_path = optarg; break;
		case 'S': stats_path = optarg; break;
		default: usage_fail("usage: wrapper-timer -s SPEC -l LIST -r ROUNDS -o RAW -S STATS", NULL);
		}
	}
	if (!spec || !list || !raw_path || !stats_path || rounds < 1 || optind != argc)
		usage_fail("usage: wrapper-timer -s SPEC -l LIST -r ROUNDS -o RAW -S STATS", NULL);
	read_spec(spec);
	read_list(list);

	envs = xrealloc(NULL, nvars * sizeof(*envs));
	for (size_t v = 0; v < nvars; v++)
		envs[v] = variant_env(&vars[v]);
	n = (size_t)rounds * nstems;
	t = xrealloc(NULL, n * nvars * sizeof(*t));

	/* Page cache, dynamic loader caches, the CPU's frequency. */
	warm = nstems < 5 ? nstems : 5;
	for (size_t i = 0; i < warm; i++)
		for (size_t v = 0; v < nvars; v++)
			(void)run_one(&vars[v], envs[v], stems[i]);

	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < nstems; i++) {
			size_t start = ((size_t)r + i) % nvars;
			for (size_t k = 0; k < nvars; k++) {
				size_t v = (start + k) % nvars;
				t[((size_t)r * nstems + i) * nvars + v] =
					run_one(&vars[v], envs[v], stems[i]);
			}
		}
		printf("round %ld of %ld done\n", r + 1, rounds);
		fflush(stdout);
	}

	raw = fopen(raw_path, "w");
	stats = fopen(stats_path, "w");
	if (!raw || !stats)
		usage_fail("cannot write the results", raw ? stats_path : raw_path);
	fprintf(raw, "round\tstem\tvariant\twall_ns\tcpu_ns\n");
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < nstems; i++)
			for (size_t v = 0; v < nvars; v++) {
				const struct sample *sm = &t[((size_t)r * nstems + i) * nvars + v];
				fprintf(raw, "%ld\t%s\t%s\t%llu\t%llu\n", r, stems[i], vars[v].name,
					(unsigned long long)sm->wall, (unsigned long long)sm->cpu);
			}

	x = xrealloc(NULL, n * sizeof(*x));
	med = xrealloc(NULL, 2 * nvars * sizeof(*med));
	for (size_t v = 0; v < nvars; v++) {
		fprintf(stats, "variant\t%s\t%zu", vars[v].name, n);
		for (int cpu = 0; cpu < 2; cpu++) {
			double sum = 0;
			for (size_t k = 0; k < n; k++) {
				x[k] = pick(&t[k * nvars + v], cpu);
				sum += (double)x[k];
			}
			put_quantiles(stats, x, n);
			med[2 * v + (size_t)cpu] = quantile(x, n, 0.5);
			fprintf(stats, "\t%.0f", sum / (double)n);
		}
		fputc('\n', stats);
	}
	for (size_t p = 0; p < npairs; p++) {
		size_t a = (size_t)pairs[p].a, b = (size_t)pairs[p].b;
		fprintf(stats, "pair\t%s\t%s\t%zu", vars[a].name, vars[b].name, n);
		for (int cpu = 0; cpu < 2; cpu++) {
			for (size_t k = 0; k < n; k++)
				x[k] = pick(&t[k * nvars + a], cpu) - pick(&t[k * nvars + b], cpu);
			put_quantiles(stats, x, n);
			fprintf(stats, "\t%.4f", med[2 * a + (size_t)cpu] / med[2 * b + (size_t)cpu]);
		}
		fputc('\n', stats);
	}
	free(x);
	free(med);
	if (fclose(raw) != 0 || fclose(stats) != 0) {
		fprintf(stderr, "wrapper-timer: cannot write the results: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
