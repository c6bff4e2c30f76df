#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "ingest.h"
#include "project.h"
#include "run.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo run [--program NAME] [--label TEXT] [--aslr] [-C DIR] -- COMMAND...\n"
	"\n"
	"Runs a training workload against the instrumented build (pgo build\n"
	"--pgo=instrument), then takes the profiles the program wrote and adds\n"
	"them to the store: the profile of this run, and the profile of all runs\n"
	"since the instrumented build, which 'pgo build' uses next.  Reports the\n"
	"functions covered and what this run added (when nothing is new, more\n"
	"training of the same kind will not help).\n"
	"\n"
	"  --program NAME   the program the profile is for (default: the project)\n"
	"  --label TEXT     a note kept with the profile\n"
	"  --aslr           keep address-space randomization on (default: off, so\n"
	"                   that runs are repeatable)\n"
	"  -C DIR           the project directory\n"
	"\n"
	"Signals (SIGINT, SIGTERM, SIGHUP) are passed on to the command; an\n"
	"instrumented program stopped by one still writes its profile.\n";

/* Functions with counts in b that have none in a (or are absent). */
static size_t newly_covered(struct profile *a, struct profile *b)
{
	size_t n = 0, i = 0, j = 0;
	if (!a || a->kind != PROFILE_INSTR || b->kind != PROFILE_INSTR)
		return 0;
	instr_profile_normalize(&a->u.instr);
	instr_profile_normalize(&b->u.instr);
	/* Both are sorted by name then hash: one merge walk. */
	while (j < b->u.instr.n) {
		const struct instr_record *rb = &b->u.instr.recs[j];
		int cmp = 1;
		if (i < a->u.instr.n) {
			const struct instr_record *ra = &a->u.instr.recs[i];
			cmp = strcmp(ra->name, rb->name);
			if (!cmp)
				cmp = ra->hash < rb->hash ? -1 : ra->hash > rb->hash;
		}
		if (cmp < 0) {
			i++;
			continue;
		}
		if (instr_record_sum(rb) &&
		    (cmp > 0 || !instr_record_sum(&a->u.instr.recs[i])))
			n++;
		if (cmp == 0)
			i++;
		j++;
	}
	return n;
}

static size_t covered(struct profile *p)
{
	size_t n = 0;
	if (p->kind == PROFILE_INSTR) {
		for (size_t i = 0; i < p->u.instr.n; i++)
			n += instr_record_sum(&p->u.instr.recs[i]) != 0;
	} else {
		struct profile_summary s;
		profile_summarize(p, &s);
		n = (size_t)s.functions;
	}
	return n;
}

int cmd_do_run(struct cmd_ctx *ctx, struct project *p, int argc, char **argv,
	       const char *program, const char *label, int aslr, const char *log,
	       struct run_result *res)
{
	struct project_state st;
	struct argv_array av = ARGV_ARRAY_INIT;
	struct run_opts o;
	struct profile prof, prev;
	struct ingest_result ir;
	struct profile_meta m;
	char *staging = NULL, *cmdline = NULL;
	size_t taken = 0;
	int rc, ret = -1, have_prev = 0;
	struct toolchain hint;

	memset(res, 0, sizeof(*res));
	toolchain_init(&hint);
	profile_init(&prof, PROFILE_NONE);
	if (project_state_read(p, &st) < 0)
		return -1;
	if (!st.spool || !st.mode || strcmp(st.mode, "instrument")) {
		pgo_err("the last build of '%s' is not instrumented; run 'pgo build --pgo=instrument' first",
			p->root);
		goto out;
	}
	if (st.compiler)
		toolchain_parse_id(st.compiler, &hint);
	for (int i = 0; i < argc; i++)
		argv_push(&av, argv[i]);
	cmdline = cmd_line_string(argc, argv);

	memset(&o, 0, sizeof(o));
	o.argv = av.v;
	o.forward_signals = 1;
	o.no_aslr = !aslr;
	o.stdout_file = log;
	rc = run_command(&o);
	res->status = rc;
	if (rc < 0)
		goto out;

	staging = path_join(p->state_dir, "staging");
	res->processes = spool_take_runs(st.spool, staging);
	if (spool_collect(st.spool, staging, &taken) < 0)
		goto out;
	res->files = taken;
	if (!taken && !is_dir(staging)) {
		pgo_err("the command wrote no profile (is it the instrumented build of '%s'?)", p->root);
		goto out;
	}
	if (ingest_path(staging, &hint, &prof, &ir) < 0) {
		if (!taken)
			pgo_err("the command wrote no profile into %s (is it the instrumented build?)",
				st.spool);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.program = xstrdup(program ? program : p->name);
	m.label = label ? xstrdup(label) : NULL;
	m.command = xstrdup(cmdline);
	m.source = xstrdup("pgo run");
	m.runs = 1;
	if (store_put(&ctx->store, &prof, &m, NULL, 0) < 0) {
		profile_meta_release(&m);
		goto out;
	}
	/* Stored: what staging held is safe now. */
	remove_tree(staging);
	memcpy(res->digest, m.digest, sizeof(res->digest));
	profile_meta_release(&m);

	{
		struct profile_summary s;
		profile_summarize(&prof, &s);
		res->functions = (size_t)s.functions;
		res->total = s.total;
		res->covered = covered(&prof);
	}
	/* The profile of all runs of this instrumented build. */
	profile_init(&prev, PROFILE_NONE);
	if (st.cumulative && store_load(&ctx->store, st.cumulative, &prev) == 0)
		have_prev = 1;
	pgo_err_clear();
	res->newly_covered = have_prev ? newly_covered(&prev, &prof) : res->covered;
	if (have_prev) {
		struct lineage_edge e[2];
		if (profile_merge(&prev, &prof, 1) < 0)
			goto out_prev;
		memset(&m, 0, sizeof(m));
		m.program = xstrdup(program ? program : p->name);
		m.label = xstrdup("all runs of the instrumented build");
		m.source = xstrdup("merge");
		m.runs = st.runs + 1;
		snprintf(e[0].parent, sizeof(e[0].parent), "%s", st.cumulative);
		e[0].weight = 1;
		memcpy(e[1].parent, res->digest, sizeof(e[1].parent));
		e[1].weight = 1;
		if (store_put(&ctx->store, &prev, &m, e, 2) < 0) {
			profile_meta_release(&m);
			goto out_prev;
		}
		memcpy(res->cumulative, m.digest, sizeof(res->cumulative));
		profile_meta_release(&m);
	} else {
		memcpy(res->cumulative, res->digest, sizeof(res->cumulative));
	}
	free(st.cumulative);
	st.cumulative = xstrdup(res->cumulative);
	free(st.last_run);
	st.last_run = xstrdup(res->digest);
	st.runs++;
	res->runs = st.runs;
	if (project_state_write(p, &st) < 0)
		goto out_prev;
	ret = 0;
out_prev:
	profile_release(&prev);
out:
	profile_release(&prof);
	project_state_release(&st);
	toolchain_release(&hint);
	argv_clear(&av);
	free(staging);
	free(cmdline);
	return ret;
}

int cmd_run(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "aslr", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *program = NULL, *label = NULL, *dir = NULL;
	struct project p;
	struct run_result res;
	int c, aslr = 0, rc;

	while ((c = cmd_getopt(argc, argv, "+C:", opts, usage)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'l': label = optarg; break;
		case 'a': aslr = 1; break;
		case 'C': dir = optarg; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind >= argc)
		cmd_usage_error(usage, "no command to run");
	if (project_open(dir, &p) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	rc = cmd_do_run(ctx, &p, argc - optind, argv + optind, program, label, aslr, NULL, &res);
	project_release(&p);
	if (rc < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return res.status > 0 ? res.status : 1;
	}
	printf("profile    %s\n", res.digest);
	printf("all runs   %s (%llu runs)\n", res.cumulative, (unsigned long long)res.runs);
	printf("processes  %llu\n", (unsigned long long)res.processes);
	printf("covered    %zu of %zu functions, %zu new\n", res.covered, res.functions,
	       res.newly_covered);
	printf("counts     %llu\n", (unsigned long long)res.total);
	if (res.status != 0)
		fprintf(stderr, "pgo: warning: the command exited with status %d; its profile was kept\n",
			res.status);
	return res.status;
}
