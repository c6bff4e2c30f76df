/*
 * Managed programs: pgo enable, disable, status, generations, rollback,
 * and the build job that makes a new generation (run by them and, in the
 * background, by pgod).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "buildenv.h"
#include "fsutil.h"
#include "managed.h"
#include "run.h"
#include "banned.h"

static const char *state_for_mode(const char *mode)
{
	if (!strcmp(mode, "instrument"))
		return STATE_PROFILING;
	if (!strcmp(mode, "use") || !strcmp(mode, "sample"))
		return STATE_OPTIMIZED;
	return STATE_PLAIN;
}

/* Runs the notification hook of the project, if any, after a switch. */
static void notify(const struct project *p, const struct program_rec *r)
{
	const char *hook = conf_get(&p->conf, "notify", "command");
	struct argv_array av = ARGV_ARRAY_INIT, env = ARGV_ARRAY_INIT;
	struct run_opts o;
	if (!hook)
		return;
	argv_pushf(&env, "PGO_PROGRAM=%s", r->name);
	argv_pushf(&env, "PGO_STATE=%s", r->state);
	argv_pushf(&env, "PGO_GENERATION=%lld", (long long)r->generation);
	argv_pushf(&env, "PGO_REASON=%s", r->reason ? r->reason : "");
	if (conf_split_command_env(hook, env.v, &av) == 0) {
		memset(&o, 0, sizeof(o));
		o.argv = av.v;
		o.env_add = env.v;
		o.null_stdin = 1;
		o.timeout_ms = 30000;
		o.stdout_to_stderr = 1;
		if (run_command(&o) != 0)
			fprintf(stderr, "pgo: warning: the notify hook of '%s' failed\n", r->name);
	}
	pgo_err_clear();
	argv_clear(&av);
	argv_clear(&env);
}

static int smoke_test(const struct project *p, const struct policy *pol, const char *binary,
		      const char *log)
{
	const struct conf_entry **cmds;
	size_t n = conf_get_all(&p->conf, "smoke", "command", &cmds);
	struct argv_array env = ARGV_ARRAY_INIT;
	int ret = 0;

	argv_pushf(&env, "PGO_BINARY=%s", binary);
	if (!n) {
		const char *argv[] = { binary, "--version", NULL };
		struct run_opts o;
		memset(&o, 0, sizeof(o));
		o.argv = argv;
		o.null_stdin = 1;
		o.stdout_file = log;
		o.timeout_ms = (int)(pol->smoke_timeout * 1000);
		if (run_command(&o) != 0)
			ret = pgo_err("the smoke test '%s --version' failed (pgo.conf has no [smoke] command)",
				      binary);
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct argv_array av = ARGV_ARRAY_INIT;
		struct run_opts o;
		int rc;
		if (conf_split_command_env(cmds[i]->value, env.v, &av) < 0) {
			ret = -1;
			argv_clear(&av);
			break;
		}
		memset(&o, 0, sizeof(o));
		o.argv = av.v;
		o.env_add = env.v;
		o.cwd = p->root;
		o.null_stdin = 1;
		o.stdout_file = log;
		o.timeout_ms = (int)(pol->smoke_timeout * 1000);
		rc = run_command(&o);
		if (rc > 0)
			ret = pgo_err("the smoke test '%s' exited with status %d", cmds[i]->value, rc);
		else if (rc < 0)
			ret = pgo_err_prefix("the smoke test '%s'", cmds[i]->value);
		argv_clear(&av);
	}
	free(cmds);
	argv_clear(&env);
	return ret;
}

int manage_build_generation(struct cmd_ctx *ctx, struct program_rec *r, const char *pgo,
			    const char *reason)
{
	struct project p;
	struct build_request req;
	struct build_result br;
	struct project_state ps;
	struct policy pol;
	char *dir = managed_dir(&ctx->store, r->name), *log = NULL, *binary = NULL;
	char *digest = NULL;
	const char *mode;
	int64_t n = 0;
	int ret = -1;

	memset(&req, 0, sizeof(req));
	project_state_init(&ps);
	if (project_open(r->project, &p) < 0)
		goto out_nop;
	if (policy_read(&p.conf, &pol) < 0) {
		pgo_err_prefix("%s", p.conf_path ? p.conf_path : "pgo.conf");
		goto out;
	}
	if (mkdir_p(dir, getenv("PGO_SHARED_SPOOL") ? 0755 : 0700) < 0)
		goto out;
	log = path_join(dir, "build.log");
	unlink(log);
	req.pgo = pgo;
	if (cmd_do_build(ctx, &p, &req, 0, NULL, 1, log, &br) < 0) {
		pgo_err_prefix("build failed (log: %s)", log);
		build_result_release(&br);
		goto out;
	}
	mode = mode_name(br.mode);
	digest = xstrdup(br.digest);
	build_result_release(&br);
	binary = path_join(p.root, r->binary);
	if (managed_add_generation(&ctx->store, r->name, binary, mode, digest, log, &n) < 0)
		goto out;
	{
		char *gen = managed_generation_binary(&ctx->store, r->name, n);
		int rc = smoke_test(&p, &pol, gen, log);
		free(gen);
		if (rc < 0) {
			char *gdir = xasprintf("%s/gen-%lld", dir, (long long)n);
			index_generation_delete(ctx->store.idx, r->name, n);
			remove_tree(gdir);
			free(gdir);
			goto out;
		}
	}
	if (!strcmp(mode, "instrument")) {
		/* A new instrumented build: collection starts from zero, and
		   what the smoke test wrote is not real use. */
		if (project_state_read(&p, &ps) < 0)
			goto out;
		if (ps.spool && (remove_tree(ps.spool) < 0 || spool_prepare(ps.spool) < 0))
			goto out;
		free(r->spool);
		r->spool = ps.spool ? xstrdup(ps.spool) : NULL;
		r->runs = 0;
		r->counts = 0;
		r->stability = -1;
		free(r->cumulative);
		r->cumulative = NULL;
		free(r->last_batch);
		r->last_batch = NULL;
		r->collecting = 1;
		free(r->toolchain);
		r->toolchain = ps.compiler ? xstrdup(ps.compiler) : NULL;
	}
	if (!strcmp(mode, "use") || !strcmp(mode, "sample")) {
		free(r->last_build);
		r->last_build = xasprintf("ok: generation %lld with profile %.12s", (long long)n, digest);
		r->failures = 0;
		r->next_try = 0;
	}
	free(r->source_sig);
	r->source_sig = managed_source_signature(p.root);
	if (managed_switch(&ctx->store, r, n, state_for_mode(mode), reason) < 0)
		goto out;
	notify(&p, r);
	ret = 0;
out:
	project_release(&p);
out_nop:
	project_state_release(&ps);
	free(dir);
	free(log);
	free(binary);
	free(digest);
	return ret;
}

/* pgo enable */

static const char enable_usage[] =
	"usage: pgo enable NAME [--project DIR] [--binary PATH] [--link PATH] [--no-start]\n"
	"\n"
	"Declares that NAME should be optimized from its real use.  pgo builds\n"
	"it plain and instrumented (generations 1 and 2), installs a stable path\n"
	"(default ~/.local/bin/NAME) pointing at the instrumented one, and starts\n"
	"pgod, which collects profiles as NAME runs, builds the optimized\n"
	"generation when there is enough data ([policy] in pgo.conf), checks it\n"
	"with [smoke] and switches the stable path to it.\n"
	"\n"
	"  --project DIR   the project with the pgo.conf (default: found from here)\n"
	"  --binary PATH   the program in the project (default: [build] binaries)\n"
	"  --link PATH     the stable path\n"
	"  --no-start      do not start pgod\n"
	"  --shared        for the system instance (pgod --system): every user's\n"
	"                  runs are collected\n";

static char *pick_binary(const struct project *p, const char *name)
{
	struct argv_array bins = ARGV_ARRAY_INIT;
	const char *b = conf_get(&p->conf, "build", "binaries");
	char *found = NULL;
	if (!b || conf_split_command(b, &bins) < 0) {
		pgo_err_clear();
		pgo_err("%s has no [build] binaries; give --binary", p->conf_path ? p->conf_path : "the project");
		return NULL;
	}
	for (size_t i = 0; i < bins.n && !found; i++)
		if (!strcmp(path_basename(bins.v[i]), name))
			found = xstrdup(bins.v[i]);
	if (!found && bins.n == 1)
		found = xstrdup(bins.v[0]);
	if (!found)
		pgo_err("none of [build] binaries is named '%s'; give --binary", name);
	argv_clear(&bins);
	return found;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 64 || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == '+'))
			return 0;
	return 1;
}

int cmd_enable(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "project", required_argument, NULL, 'p' },
		{ "binary", required_argument, NULL, 'b' },
		{ "link", required_argument, NULL, 'l' },
		{ "no-start", no_argument, NULL, 'n' },
		{ "shared", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *bin = NULL, *link = NULL, *name;
	struct program_rec r;
	struct project p;
	int c, start = 1, ret = 1, rc;

	while ((c = cmd_getopt(argc, argv, "", opts, enable_usage)) != -1) {
		switch (c) {
		case 'p': dir = optarg; break;
		case 'b': bin = optarg; break;
		case 'l': link = optarg; break;
		case 'n': start = 0; break;
		case 's':
			if (cmd_use_shared_store(ctx) < 0)
				return 1;
			break;
		default: cmd_usage_error(enable_usage, "unexpected option");
		}
	}
	if (argc - optind != 1)
		cmd_usage_error(enable_usage, "expected one program name");
	name = argv[optind];
	if (!valid_name(name))
		cmd_usage_error(enable_usage, "'%s' is not a program name (letters, digits, - _ . +)", name);
	memset(&r, 0, sizeof(r));
	rc = index_program_get(ctx->store.idx, name, &r);
	if (rc == 0 && strcmp(r.state, STATE_DISABLED)) {
		fprintf(stderr, "pgo: error: '%s' is managed already (%s); see pgo status %s\n", name,
			r.state, name);
		program_rec_release(&r);
		return 1;
	}
	if (rc < 0)
		goto fail;
	if (project_open(dir, &p) < 0)
		goto fail;
	if (!p.conf_path) {
		pgo_err("no pgo.conf in '%s' or above; 'pgo init' writes one", p.root);
		project_release(&p);
		goto fail;
	}
	if (rc == 0)
		program_rec_release(&r);
	memset(&r, 0, sizeof(r));
	r.name = xstrdup(name);
	r.project = xstrdup(p.root);
	r.binary = bin ? xstrdup(bin) : pick_binary(&p, name);
	r.link = link ? path_absolute(link) : managed_default_link(name);
	r.state = NULL;
	r.stability = -1;
	r.collecting = 1;
	project_release(&p);
	if (!r.binary)
		goto fail;
	if (managed_set_state(&ctx->store, &r, STATE_PLAIN, "enabled") < 0)
		goto fail;
	fprintf(stderr, "pgo: building %s plain...\n", name);
	if (manage_build_generation(ctx, &r, "off", "the plain build") < 0)
		goto fail_state;
	fprintf(stderr, "pgo: building %s instrumented...\n", name);
	if (manage_build_generation(ctx, &r, "instrument",
				    "instrumented: collecting a profile from real use") < 0)
		goto fail_state;
	printf("%s: %s, generation %lld; run it as %s\n", name, r.state, (long long)r.generation,
	       r.link);
	if (start && daemon_ensure_running(ctx) < 0)
		fprintf(stderr, "pgo: warning: cannot start pgod: %s\n", pgo_errmsg());
	ret = 0;
	goto out;
fail_state:
	{
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "enable failed: %s", pgo_errmsg());
		managed_set_state(&ctx->store, &r, r.generation ? r.state : STATE_DISABLED, why.buf);
		strbuf_release(&why);
	}
fail:
	fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
out:
	program_rec_release(&r);
	return ret;
}

/* Reads a managed program's row; says why not on stderr. */
static int load_program(struct cmd_ctx *ctx, const char *name, struct program_rec *r)
{
	int rc = index_program_get(ctx->store.idx, name, r);
	if (rc > 0)
		fprintf(stderr, "pgo: error: '%s' is not managed by pgo\n", name);
	else if (rc < 0)
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
	return rc == 0 ? 0 : -1;
}

/* pgo disable */

static const char disable_usage[] =
	"usage: pgo disable NAME\n"
	"\n"
	"Puts the plain build back behind NAME's stable path and stops\n"
	"collecting and optimizing it.  Generations and profiles are kept;\n"
	"'pgo enable NAME' starts again.\n";

struct find_gen {
	const char *mode;
	int64_t before;      /* only generations below this; 0 for any */
	int64_t found;
	char *found_mode;
};

static int find_gen_cb(const struct generation_rec *g, void *ctx)
{
	struct find_gen *f = ctx;
	if (f->before && g->number >= f->before)
		return 0;
	if (f->mode && strcmp(g->mode, f->mode))
		return 0;
	f->found = g->number;
	f->found_mode = xstrdup(g->mode);
	return 1;  /* newest first: the first match is it */
}

int cmd_disable(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct program_rec r;
	struct find_gen f = { "off", 0, 0, NULL };
	int c, rc;
	while ((c = cmd_getopt(argc, argv, "", NULL, disable_usage)) != -1)
		cmd_usage_error(disable_usage, "unexpected option");
	if (argc - optind != 1)
		cmd_usage_error(disable_usage, "expected one program name");
	if (load_program(ctx, argv[optind], &r) < 0)
		return 1;
	if (index_generation_list(ctx->store.idx, r.name, find_gen_cb, &f) < 0 || !f.found) {
		fprintf(stderr, "pgo: error: '%s' has no plain generation\n", r.name);
		program_rec_release(&r);
		return 1;
	}
	rc = managed_switch(&ctx->store, &r, f.found, STATE_DISABLED, "disabled by the user: the plain build");
	if (rc < 0)
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
	else
		printf("%s: disabled, generation %lld (plain) at %s\n", r.name, (long long)f.found, r.link);
	free(f.found_mode);
	program_rec_release(&r);
	return rc < 0;
}

/* pgo rollback */

static const char rollback_usage[] =
	"usage: pgo rollback NAME [--to N]\n"
	"\n"
	"Switches NAME's stable path back to generation N (default: the one\n"
	"before the current), atomically.  pgod builds no new optimized\n"
	"generation for a day afterwards ([policy] backoff).\n";

int cmd_rollback(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct program_rec r;
	struct find_gen f = { NULL, 0, 0, NULL };
	uint64_t to = 0;
	int c, rc;
	char *why;

	while ((c = cmd_getopt(argc, argv, "", opts, rollback_usage)) != -1) {
		if (c != 't' || parse_u64_str(optarg, &to) < 0 || !to)
			cmd_usage_error(rollback_usage, "--to takes a generation number");
	}
	if (argc - optind != 1)
		cmd_usage_error(rollback_usage, "expected one program name");
	if (load_program(ctx, argv[optind], &r) < 0)
		return 1;
	f.before = to ? (int64_t)to + 1 : r.generation;
	if (index_generation_list(ctx->store.idx, r.name, find_gen_cb, &f) < 0 || !f.found ||
	    (to && f.found != (int64_t)to)) {
		if (to)
			fprintf(stderr, "pgo: error: '%s' has no generation %llu\n", r.name,
				(unsigned long long)to);
		else
			fprintf(stderr, "pgo: error: '%s' has no generation before %lld\n", r.name,
				(long long)r.generation);
		free(f.found_mode);
		program_rec_release(&r);
		return 1;
	}
	why = xasprintf("rolled back by the user to generation %lld", (long long)f.found);
	r.next_try = (int64_t)time(NULL) + 24 * 3600;
	rc = managed_switch(&ctx->store, &r, f.found, state_for_mode(f.found_mode), why);
	if (rc < 0)
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
	else
		printf("%s: generation %lld (%s) at %s\n", r.name, (long long)f.found, f.found_mode,
		       r.link);
	free(why);
	free(f.found_mode);
	program_rec_release(&r);
	return rc < 0;
}

/* pgo generations */

static const char generations_usage[] =
	"usage: pgo generations NAME [--json]\n"
	"\n"
	"Lists NAME's generations, newest first; '*' marks the current one.\n";

struct gen_print {
	int json;
	int64_t current;
	size_t n;
};

static int gen_print_cb(const struct generation_rec *g, void *ctx)
{
	struct gen_print *gp = ctx;
	struct strbuf sb = STRBUF_INIT;
	if (gp->json) {
		strbuf_addf(&sb, "%s{\"number\": %lld, \"current\": %s, \"mode\": \"%s\", \"profile\": \"%s\", \"created\": %lld, \"path\": ",
			    gp->n ? ",\n  " : "\n  ", (long long)g->number,
			    g->number == gp->current ? "true" : "false", g->mode, g->digest,
			    (long long)g->created);
		strbuf_add_json_str(&sb, g->path);
		strbuf_addch(&sb, '}');
	} else {
		strbuf_addf(&sb, "%c %4lld  %-10s %-12.12s ", g->number == gp->current ? '*' : ' ',
			    (long long)g->number, g->mode, *g->digest ? g->digest : "-");
		format_time(&sb, g->created);
		strbuf_addf(&sb, "  %s\n", g->path);
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	gp->n++;
	return 0;
}

int cmd_generations(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen_print gp = { 0, 0, 0 };
	struct program_rec r;
	int c, rc;
	while ((c = cmd_getopt(argc, argv, "", opts, generations_usage)) != -1) {
		if (c != 'j')
			cmd_usage_error(generations_usage, "unexpected option");
		gp.json = 1;
	}
	if (argc - optind != 1)
		cmd_usage_error(generations_usage, "expected one program name");
	if (load_program(ctx, argv[optind], &r) < 0)
		return 1;
	gp.current = r.generation;
	if (gp.json)
		fputs("[", stdout);
	rc = index_generation_list(ctx->store.idx, r.name, gen_print_cb, &gp);
	if (gp.json)
		fputs(gp.n ? "\n]\n" : "]\n", stdout);
	program_rec_release(&r);
	if (rc < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	return 0;
}

/* pgo status */

static const char status_usage[] =
	"usage: pgo status [NAME] [--json]\n"
	"\n"
	"Where every managed program stands: state and why, current generation\n"
	"and its profile, runs and counter mass collected against the [policy]\n"
	"thresholds, profile stability, the profile's age and the last build.\n"
	"Answers from the index: works whether pgod runs or not.\n";

struct status_ctx {
	struct cmd_ctx *ctx;
	const char *only;
	int json;
	size_t n;
	struct strbuf out;
};

struct gen_find_one {
	int64_t number;
	char *digest;
	int64_t created;
};

static int gen_one_cb(const struct generation_rec *g, void *vctx)
{
	struct gen_find_one *f = vctx;
	if (g->number != f->number)
		return 0;
	f->digest = xstrdup(g->digest);
	f->created = g->created;
	return 1;
}

static int status_cb(const struct program_rec *r, void *vctx)
{
	struct status_ctx *s = vctx;
	struct strbuf *sb = &s->out;
	struct policy pol;
	struct gen_find_one g = { r->generation, NULL, 0 };
	char *why = NULL;
	int64_t now = (int64_t)time(NULL);
	int ready;

	if (s->only && strcmp(s->only, r->name))
		return 0;
	policy_for_project(r->project, &pol);
	index_generation_list(s->ctx->store.idx, r->name, gen_one_cb, &g);
	ready = policy_ready(&pol, r, &why);
	if (s->json) {
		strbuf_addstr(sb, s->n ? ",\n  {" : "\n  {");
		strbuf_addstr(sb, "\"name\": ");
		strbuf_add_json_str(sb, r->name);
		strbuf_addf(sb, ", \"state\": \"%s\", \"reason\": ", r->state);
		strbuf_add_json_str(sb, r->reason ? r->reason : "");
		strbuf_addf(sb, ", \"generation\": %lld, \"profile\": \"%s\", \"link\": ",
			    (long long)r->generation, g.digest ? g.digest : "");
		strbuf_add_json_str(sb, r->link);
		strbuf_addf(sb, ", \"runs\": %llu, \"min_runs\": %llu, \"counts\": %llu, \"min_counts\": %llu, \"stability\": %.6f, \"min_stability\": %.6f, \"collecting\": %s, \"ready\": %s, \"profile_age\": %lld, \"last_build\": ",
			    (unsigned long long)r->runs, (unsigned long long)pol.min_runs,
			    (unsigned long long)r->counts, (unsigned long long)pol.min_counts,
			    r->stability, pol.stability, r->collecting ? "true" : "false",
			    ready ? "true" : "false", g.created ? (long long)(now - g.created) : -1LL);
		strbuf_add_json_str(sb, r->last_build ? r->last_build : "");
		strbuf_addstr(sb, ", \"waiting_for\": ");
		strbuf_add_json_str(sb, why ? why : "");
		strbuf_addch(sb, '}');
	} else {
		strbuf_addf(sb, "%s: %s (%s)\n", r->name, r->state, r->reason ? r->reason : "");
		strbuf_addf(sb, "  generation  %lld%s%.12s at %s\n", (long long)r->generation,
			    g.digest && *g.digest ? ", profile " : "", g.digest ? g.digest : "", r->link);
		if (!strcmp(r->state, STATE_PROFILING) || !strcmp(r->state, STATE_BUILDING)) {
			strbuf_addf(sb, "  collected   %llu/%llu runs, %llu/%llu counts, stability ",
				    (unsigned long long)r->runs, (unsigned long long)pol.min_runs,
				    (unsigned long long)r->counts, (unsigned long long)pol.min_counts);
			if (r->stability < 0)
				strbuf_addstr(sb, "unknown");
			else
				strbuf_addf(sb, "%.3f", r->stability);
			strbuf_addf(sb, "/%.3f%s\n", pol.stability,
				    r->collecting ? "" : " (collection stopped)");
			strbuf_addf(sb, "  next        %s\n",
				    ready ? (r->next_try > now ? "build after the back-off" : "optimized build due")
					  : why);
		}
		if (g.created)
			strbuf_addf(sb, "  age         %lld s\n", (long long)(now - g.created));
		if (r->last_build)
			strbuf_addf(sb, "  last build  %s\n", r->last_build);
	}
	free(why);
	free(g.digest);
	s->n++;
	return 0;
}

int cmd_status(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_ctx s = { ctx, NULL, 0, 0, STRBUF_INIT };
	int c;
	while ((c = cmd_getopt(argc, argv, "", opts, status_usage)) != -1) {
		if (c != 'j')
			cmd_usage_error(status_usage, "unexpected option");
		s.json = 1;
	}
	if (argc - optind > 1)
		cmd_usage_error(status_usage, "expected at most one program name");
	if (argc - optind == 1)
		s.only = argv[optind];
	if (s.json)
		strbuf_addch(&s.out, '[');
	if (index_program_list(ctx->store.idx, status_cb, &s) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		strbuf_release(&s.out);
		return 1;
	}
	if (s.json)
		strbuf_addstr(&s.out, s.n ? "\n]\n" : "]\n");
	fwrite(s.out.buf, 1, s.out.len, stdout);
	strbuf_release(&s.out);
	if (s.only && !s.n) {
		fprintf(stderr, "pgo: error: '%s' is not managed by pgo\n", s.only);
		return 1;
	}
	return 0;
}
