#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "buildenv.h"
#include "fsutil.h"
#include "run.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo optimize [--json] [--runs N] [--compiler CC] [--cxx CXX] [-C DIR]\n"
	"\n"
	"The whole cycle from pgo.conf: a plain build (the baseline), an\n"
	"instrumented build, every [train] command, the optimized build with the\n"
	"profile of all training runs, and, when pgo.conf has a [bench] command,\n"
	"its speed with the baseline and the optimized binaries, alternated.\n"
	"Ends with a summary: profile, coverage, binary sizes and speed.\n"
	"\n"
	"  --json         print the summary as JSON\n"
	"  --runs N       benchmark runs of each variant (default [bench] runs, or 5)\n"
	"  --compiler CC  the real C compiler; --cxx CXX the C++ one\n"
	"  -C DIR         the project directory\n"
	"\n"
	"Output of the builds and runs goes to .pgo/logs/; progress is shown on a\n"
	"terminal only.\n";

struct variant_bin {
	char *rel;          /* as in [build] binaries */
	char *path;         /* in the project */
	char *baseline;     /* copy of the baseline build */
	char *optimized;    /* copy of the optimized build */
	uint64_t base_size, opt_size;
};

static int tty;

static void progress(int step, int total, const char *what)
{
	if (tty)
		fprintf(stderr, "[%d/%d] %s\n", step, total, what);
}

static uint64_t size_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int copy_file(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int rc;
	if (stat(from, &st) < 0)
		return pgo_err_errno("cannot stat '%s'", from);
	if (read_file(from, &sb, 0) < 0)
		return -1;
	rc = write_file_durable(to, sb.buf, sb.len, st.st_mode & 0777);
	strbuf_release(&sb);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs every [bench] command once; returns wall seconds, or -1, and the
   CPU seconds (user + system) in *cpu. */
static double bench_once(const struct project *p, const char *log, double *cpu)
{
	const struct conf_entry **cmds;
	size_t n = conf_get_all(&p->conf, "bench", "command", &cmds);
	double t0 = now_s(), t;
	*cpu = 0;
	for (size_t i = 0; i < n; i++) {
		struct argv_array av = ARGV_ARRAY_INIT;
		struct run_opts o;
		long long us = 0;
		int rc;
		if (conf_split_command(cmds[i]->value, &av) < 0) {
			free(cmds);
			return -1;
		}
		memset(&o, 0, sizeof(o));
		o.argv = av.v;
		o.cwd = p->root;
		o.stdout_file = log;
		o.null_stdin = 1;
		o.cpu_us = &us;
		rc = run_command(&o);
		*cpu += (double)us / 1e6;
		argv_clear(&av);
		if (rc != 0) {
			if (rc > 0)
				pgo_err("benchmark '%s' exited with status %d", cmds[i]->value, rc);
			free(cmds);
			return -1;
		}
	}
	t = now_s() - t0;
	free(cmds);
	return t;
}

static int install(struct variant_bin *bins, size_t n, int optimized)
{
	for (size_t i = 0; i < n; i++)
		if (copy_file(optimized ? bins[i].optimized : bins[i].baseline, bins[i].path) < 0)
			return -1;
	return 0;
}

int cmd_optimize(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "runs", required_argument, NULL, 'r' },
		{ "compiler", required_argument, NULL, 'c' },
		{ "cxx", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	struct project p;
	struct build_request req;
	struct build_result br;
	struct run_result rr;
	struct variant_bin *bins = NULL;
	size_t nbins = 0;
	const struct conf_entry **train = NULL;
	size_t ntrain;
	const char *dir = NULL, *v;
	char *logdir = NULL, *log = NULL, *bindir = NULL;
	uint64_t runs = 5, runs_opt = 0, total_covered = 0, total_functions = 0;
	double *tb = NULL, *to = NULL, med_b = 0, med_o = 0, t_start = now_s();
	double *cb = NULL, *co = NULL, cmed_b = 0, cmed_o = 0;
	double min_b = 0, max_b = 0, min_o = 0, max_o = 0;
	int c, json = 0, ret = 1, steps, step = 0, have_bench;
	char final_digest[DIGEST_HEX + 1] = "";
	size_t fallbacks = 0, mismatches = 0, missing = 0;

	memset(&req, 0, sizeof(req));
	while ((c = cmd_getopt(argc, argv, "C:", opts, usage)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'r':
			if (parse_u64_str(optarg, &runs_opt) < 0 || runs_opt < 1 || runs_opt > 1000)
				cmd_usage_error(usage, "--runs '%s': expected 1 to 1000", optarg);
			break;
		case 'c': req.cc = optarg; break;
		case 'x': req.cxx = optarg; break;
		case 'C': dir = optarg; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind != argc)
		cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	tty = isatty(2);
	if (project_open(dir, &p) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	if (!p.conf_path) {
		fprintf(stderr, "pgo: error: no pgo.conf in '%s' or above; 'pgo init' writes one\n", p.root);
		goto out;
	}
	ntrain = conf_get_all(&p.conf, "train", "command", &train);
	if (!ntrain) {
		fprintf(stderr, "pgo: error: %s has no [train] command\n", p.conf_path);
		goto out;
	}
	if ((v = conf_get(&p.conf, "bench", "runs")) &&
	    (parse_u64_str(v, &runs) < 0 || runs < 1 || runs > 1000)) {
		fprintf(stderr, "pgo: error: %s: [bench] runs '%s': expected 1 to 1000\n", p.conf_path, v);
		goto out;
	}
	if (runs_opt)
		runs = runs_opt;
	have_bench = conf_get(&p.conf, "bench", "command") != NULL;
	logdir = project_path(&p, "logs");
	bindir = project_path(&p, "variants");
	if (!logdir || !bindir || mkdir_p(logdir, 0755) < 0 || mkdir_p(bindir, 0755) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		goto out;
	}
	{
		struct argv_array names = ARGV_ARRAY_INIT;
		const char *b = conf_get(&p.conf, "build", "binaries");
		if (b && conf_split_command(b, &names) == 0) {
			bins = xcalloc(names.n, sizeof(*bins));
			for (size_t i = 0; i < names.n; i++) {
				char *flat = xstrdup(names.v[i]);
				for (char *q = flat; *q; q++)
					if (*q == '/')
						*q = '_';
				bins[i].rel = xstrdup(names.v[i]);
				bins[i].path = path_join(p.root, names.v[i]);
				bins[i].baseline = xasprintf("%s/baseline-%s", bindir, flat);
				bins[i].optimized = xasprintf("%s/optimized-%s", bindir, flat);
				free(flat);
			}
			nbins = names.n;
		}
		argv_clear(&names);
		pgo_err_clear();
	}
	steps = 3 + (int)ntrain + (have_bench ? 1 : 0);

	/* 1. The baseline. */
	progress(++step, steps, "baseline build (--pgo=off)");
	log = path_join(logdir, "1-baseline.log");
	unlink(log);
	req.pgo = "off";
	if (cmd_do_build(ctx, &p, &req, 0, NULL, 1, log, &br) < 0) {
		fprintf(stderr, "pgo: error: baseline build: %s (log: %s)\n", pgo_errmsg(), log);
		build_result_release(&br);
		goto out;
	}
	build_result_release(&br);
	for (size_t i = 0; i < nbins; i++) {
		if (copy_file(bins[i].path, bins[i].baseline) < 0) {
			fprintf(stderr, "pgo: error: [build] binaries: %s\n", pgo_errmsg());
			goto out;
		}
		bins[i].base_size = size_of(bins[i].baseline);
	}
	free(log);

	/* 2. Instrumented build and training. */
	progress(++step, steps, "instrumented build");
	log = path_join(logdir, "2-instrument.log");
	unlink(log);
	req.pgo = "instrument";
	if (cmd_do_build(ctx, &p, &req, 0, NULL, 1, log, &br) < 0) {
		fprintf(stderr, "pgo: error: instrumented build: %s (log: %s)\n", pgo_errmsg(), log);
		build_result_release(&br);
		goto out;
	}
	build_result_release(&br);
	free(log);
	log = path_join(logdir, "3-train.log");
	unlink(log);
	for (size_t i = 0; i < ntrain; i++) {
		struct argv_array av = ARGV_ARRAY_INIT;
		char what[256];
		snprintf(what, sizeof(what), "training: %s", train[i]->value);
		progress(++step, steps, what);
		if (conf_split_command(train[i]->value, &av) < 0) {
			fprintf(stderr, "pgo: error: %s:%d: %s\n", p.conf_path, train[i]->line, pgo_errmsg());
			argv_clear(&av);
			goto out;
		}
		/* Commands run in the project root. */
		if (chdir(p.root) < 0) {
			fprintf(stderr, "pgo: error: cannot enter '%s'\n", p.root);
			argv_clear(&av);
			goto out;
		}
		if (cmd_do_run(ctx, &p, (int)av.n, (char **)av.v, NULL, "pgo optimize", 0, log, &rr) < 0 ||
		    rr.status != 0) {
			fprintf(stderr, "pgo: error: training '%s': %s (log: %s)\n", train[i]->value,
				rr.status > 0 ? "the command failed" : pgo_errmsg(), log);
			argv_clear(&av);
			goto out;
		}
		argv_clear(&av);
		memcpy(final_digest, rr.cumulative, sizeof(final_digest));
		total_covered = rr.covered;
		total_functions = rr.functions;
	}
	free(log);

	/* 3. The optimized build with the profile of all training runs. */
	progress(++step, steps, "optimized build");
	log = path_join(logdir, "4-optimized.log");
	unlink(log);
	req.pgo = final_digest;
	if (cmd_do_build(ctx, &p, &req, 0, NULL, 1, log, &br) < 0) {
		fprintf(stderr, "pgo: error: optimized build: %s (log: %s)\n", pgo_errmsg(), log);
		build_result_release(&br);
		goto out;
	}
	fallbacks = br.fallbacks;
	mismatches = br.mismatches;
	missing = br.missing;
	build_result_release(&br);
	for (size_t i = 0; i < nbins; i++) {
		if (copy_file(bins[i].path, bins[i].optimized) < 0) {
			fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
			goto out;
		}
		bins[i].opt_size = size_of(bins[i].optimized);
	}
	free(log);
	log = NULL;
	{
		/* Coverage of the final profile. */
		struct profile fp;
		if (store_load(&ctx->store, final_digest, &fp) == 0) {
			total_functions = 0;
			total_covered = 0;
			if (fp.kind == PROFILE_INSTR) {
				total_functions = fp.u.instr.n;
				for (size_t i = 0; i < fp.u.instr.n; i++)
					total_covered += instr_record_sum(&fp.u.instr.recs[i]) != 0;
			}
			profile_release(&fp);
		}
	}

	/* 4. Speed, baseline and optimized alternated: B O B O ... */
	if (have_bench && nbins) {
		progress(++step, steps, "benchmark");
		log = path_join(logdir, "5-bench.log");
		unlink(log);
		tb = xcalloc(runs, sizeof(*tb));
		to = xcalloc(runs, sizeof(*to));
		cb = xcalloc(runs, sizeof(*cb));
		co = xcalloc(runs, sizeof(*co));
		for (uint64_t r = 0; r < runs; r++) {
			if (install(bins, nbins, 0) < 0 || (tb[r] = bench_once(&p, log, &cb[r])) < 0 ||
			    install(bins, nbins, 1) < 0 || (to[r] = bench_once(&p, log, &co[r])) < 0) {
				fprintf(stderr, "pgo: error: benchmark: %s (log: %s)\n", pgo_errmsg(), log);
				install(bins, nbins, 1);
				goto out;
			}
		}
		min_b = max_b = tb[0];
		min_o = max_o = to[0];
		for (uint64_t r = 0; r < runs; r++) {
			min_b = fmin(min_b, tb[r]);
			max_b = fmax(max_b, tb[r]);
			min_o = fmin(min_o, to[r]);
			max_o = fmax(max_o, to[r]);
		}
		med_b = median(tb, runs);
		med_o = median(to, runs);
		cmed_b = median(cb, runs);
		cmed_o = median(co, runs);
	}

	if (json) {
		printf("{\n  \"profile\": \"%s\",\n  \"functions\": %llu,\n  \"covered\": %llu,\n",
		       final_digest, (unsigned long long)total_functions,
		       (unsigned long long)total_covered);
		printf("  \"wrapper_fallbacks\": %zu,\n  \"profile_mismatches\": %zu,\n  \"profile_missing\": %zu,\n",
		       fallbacks, mismatches, missing);
		printf("  \"binaries\": [");
		for (size_t i = 0; i < nbins; i++) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_add_json_str(&sb, bins[i].rel);
			printf("%s{\"name\": %s, \"baseline_size\": %llu, \"optimized_size\": %llu}",
			       i ? ", " : "", sb.buf, (unsigned long long)bins[i].base_size,
			       (unsigned long long)bins[i].opt_size);
			strbuf_release(&sb);
		}
		printf("],\n");
		if (have_bench && nbins)
			printf("  \"bench\": {\"runs\": %llu, \"baseline_median\": %.4f, \"baseline_min\": %.4f, \"baseline_max\": %.4f, \"optimized_median\": %.4f, \"optimized_min\": %.4f, \"optimized_max\": %.4f, \"speedup\": %.4f, \"baseline_cpu_median\": %.4f, \"optimized_cpu_median\": %.4f, \"cpu_speedup\": %.4f},\n",
			       (unsigned long long)runs, med_b, min_b, max_b, med_o, min_o, max_o,
			       med_o > 0 ? med_b / med_o : 0, cmed_b, cmed_o,
			       cmed_o > 0 ? cmed_b / cmed_o : 0);
		printf("  \"seconds\": %.1f\n}\n", now_s() - t_start);
	} else {
		printf("profile     %s\n", final_digest);
		printf("coverage    %llu of %llu functions ran in training\n",
		       (unsigned long long)total_covered, (unsigned long long)total_functions);
		if (fallbacks || mismatches || missing)
			printf("warnings    %zu invocations built without pgo's flags, %zu out-of-date and %zu missing function profiles\n",
			       fallbacks, mismatches, missing);
		for (size_t i = 0; i < nbins; i++)
			printf("binary      %s: %llu bytes baseline, %llu bytes optimized (%+.1f%%)\n",
			       bins[i].rel, (unsigned long long)bins[i].base_size,
			       (unsigned long long)bins[i].opt_size,
			       bins[i].base_size ? 100.0 * ((double)bins[i].opt_size / (double)bins[i].base_size - 1) : 0.0);
		if (have_bench && nbins) {
			printf("baseline    %.3f s median (%.3f-%.3f, %llu runs)\n", med_b, min_b, max_b,
			       (unsigned long long)runs);
			printf("optimized   %.3f s median (%.3f-%.3f, %llu runs)\n", med_o, min_o, max_o,
			       (unsigned long long)runs);
			printf("speedup     %.3fx (%+.1f%% time)\n", med_o > 0 ? med_b / med_o : 0,
			       med_b > 0 ? 100.0 * (med_o / med_b - 1) : 0);
			/* CPU time is steadier than wall time on a busy machine. */
			printf("cpu time    %.3f s -> %.3f s median, %.3fx\n", cmed_b, cmed_o,
			       cmed_o > 0 ? cmed_b / cmed_o : 0);
		}
	}
	ret = 0;
out:
	for (size_t i = 0; i < nbins; i++) {
		free(bins[i].rel);
		free(bins[i].path);
		free(bins[i].baseline);
		free(bins[i].optimized);
	}
	free(bins);
	free(train);
	free(tb);
	free(to);
	free(cb);
	free(co);
	free(log);
	free(logdir);
	free(bindir);
	project_release(&p);
	return ret;
}
