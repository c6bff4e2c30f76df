#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "buildenv.h"
#include "fsutil.h"
#include "run.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo build [--pgo=auto|off|instrument|PATH|REF] [--compiler CC] [--cxx CXX]\n"
	"                 [--build-root DIR] [--no-clean] [-C DIR] [-- COMMAND...]\n"
	"\n"
	"Builds the project with pgo's compiler wrapper as CC and CXX.  The\n"
	"command is the one after '--', else [build] command in pgo.conf.\n"
	"\n"
	"  --pgo=auto        ./default.pgo, else the newest stored profile of this\n"
	"                    program for this compiler, else none (the default)\n"
	"  --pgo=off         no profile: the wrapper changes nothing\n"
	"  --pgo=instrument  an instrumented build, to collect a profile with 'pgo run'\n"
	"  --pgo=PATH|REF    this profile file, or this stored profile\n"
	"  --compiler CC     the real C compiler (default: [project] cc, $CC, cc)\n"
	"  --cxx CXX         the real C++ compiler (default: derived from CC)\n"
	"  --build-root DIR  top of the build tree, for GCC profile paths (default:\n"
	"                    the project root)\n"
	"  --no-clean        do not run [build] clean when the profile changed\n"
	"  -C DIR            the project directory (default: found from here up)\n"
	"\n"
	"A profile is an input of the build: when the mode, the profile or the\n"
	"compiler differs from the last build, pgo runs [build] clean first, so\n"
	"that make does not keep objects built with another profile.\n";

static off_t file_size(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 ? st.st_size : 0;
}

/* Lines appended to a log since offset. */
static size_t new_lines(const char *path, off_t from, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	/* Read without disturbing an error being reported. */
	if (!path || !is_file(path) || read_file(path, &sb, 0) < 0)
		return 0;
	if ((size_t)from < sb.len) {
		strbuf_add(out, sb.buf + from, sb.len - (size_t)from);
		for (size_t i = (size_t)from; i < sb.len; i++)
			n += sb.buf[i] == '\n';
	}
	strbuf_release(&sb);
	return n;
}

static int run_words(const char *const *words, const struct build_setup *b,
		     const struct project *p, const char *log)
{
	struct run_opts o;
	memset(&o, 0, sizeof(o));
	o.argv = words;
	o.env_add = b->env.v;
	o.cwd = p->root;
	o.stdout_file = log;
	o.forward_signals = 1;
	return run_command(&o);
}

/* Runs each of the conf's commands of section.key in order. */
static int run_conf_commands(const struct project *p, const char *section, const char *key,
			     const struct build_setup *b, const char *log)
{
	const struct conf_entry **cmds;
	size_t n = conf_get_all(&p->conf, section, key, &cmds);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct argv_array av = ARGV_ARRAY_INIT;
		/* $CC in a command means the compiler the build gets. */
		if (conf_split_command_env(cmds[i]->value, b->env.v, &av) < 0) {
			pgo_err_prefix("%s:%d", p->conf_path, cmds[i]->line);
			rc = -1;
		} else {
			rc = run_words(av.v, b, p, log);
			if (rc > 0)
				pgo_err("'%s' exited with status %d", cmds[i]->value, rc);
		}
		argv_clear(&av);
	}
	free(cmds);
	return rc;
}

/* Whether the output a diagnostics line ("KIND\tOUTPUT\tMESSAGE") names
   is still there: a build system's probes delete theirs. */
static int output_exists(const char *line)
{
	const char *o = strchr(line, '\t'), *e;
	char *path;
	int r;
	if (!o || !(e = strchr(o + 1, '\t')))
		return 1;
	path = xstrndup(o + 1, (size_t)(e - o - 1));
	r = path[0] != '/' || access(path, F_OK) == 0;
	free(path);
	return r;
}

int cmd_do_build(struct cmd_ctx *ctx, struct project *p, const struct build_request *req,
		 int argc, char **argv, int clean, const char *log, struct build_result *res)
{
	struct build_setup b;
	off_t log0, diag0;
	struct strbuf lines = STRBUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	if (build_prepare(&ctx->store, p, req, &b) < 0)
		return -1;
	res->mode = b.mode;
	memcpy(res->digest, b.digest, sizeof(res->digest));
	res->why = xstrdup(b.why);
	if (!log)
		fprintf(stderr, "pgo: %s\n", b.why);

	/* Configure once: [build] configure runs when [build] dir (a build
	   directory, or a file such as config.status) does not exist. */
	{
		const char *dir = conf_get(&p->conf, "build", "dir");
		char *abs = dir ? path_join(p->root, dir) : NULL;
		if (abs && access(abs, F_OK) != 0 && !argc) {
			rc = run_conf_commands(p, "build", "configure", &b, log);
			if (rc != 0) {
				free(abs);
				goto fail;
			}
		}
		free(abs);
	}
	if (b.changed && clean) {
		if (conf_get(&p->conf, "build", "clean")) {
			if (!log)
				fprintf(stderr, "pgo: the profile or compiler changed since the last build: running [build] clean\n");
			rc = run_conf_commands(p, "build", "clean", &b, log);
			if (rc != 0)
				goto fail;
		} else if (!log) {
			fprintf(stderr, "pgo: warning: the profile or compiler changed since the last build, and pgo.conf has no [build] clean: objects built with the old profile may be reused\n");
		}
	}
	log0 = file_size(b.wrapper_log);
	diag0 = file_size(b.diag_log);
	if (argc > 0) {
		struct argv_array av = ARGV_ARRAY_INIT;
		for (int i = 0; i < argc; i++)
			argv_push(&av, argv[i]);
		rc = run_words(av.v, &b, p, log);
		if (rc > 0)
			pgo_err("the build command exited with status %d", rc);
		argv_clear(&av);
	} else if (conf_get(&p->conf, "build", "command")) {
		rc = run_conf_commands(p, "build", "command", &b, log);
	} else {
		rc = pgo_err("no build command: give one after '--' or set [build] command in pgo.conf");
	}
	res->status = rc;
	res->fallbacks = new_lines(b.wrapper_log, log0, &lines);
	if (res->fallbacks && !log) {
		fprintf(stderr, "pgo: warning: the wrapper built %zu invocations without pgo's flags (see %s):\n",
			res->fallbacks, b.wrapper_log);
		fwrite(lines.buf, 1, lines.len < 2000 ? lines.len : 2000, stderr);
	}
	strbuf_reset(&lines);
	new_lines(b.diag_log, diag0, &lines);
	for (const char *q = lines.buf; q && *q;) {
		int mismatch = str_starts_with(q, "mismatch\t"), missing = str_starts_with(q, "missing\t");
		if ((mismatch || missing) && output_exists(q))
			*(mismatch ? &res->mismatches : &res->missing) += 1;
		q = strchr(q, '\n');
		if (q)
			q++;
	}
	if ((res->mismatches || res->missing) && !log)
		fprintf(stderr, "pgo: the compiler reported %zu functions whose profile is out of date and %zu without profile data (details: %s)\n",
			res->mismatches, res->missing, b.diag_log);
	strbuf_release(&lines);
	if (rc != 0)
		goto fail;
	/* configure and meson run the programs they compile to probe the
	   system: what those wrote is not the project's profile. */
	if (b.mode == MODE_INSTRUMENT && (remove_tree(b.spool) < 0 || spool_prepare(b.spool) < 0))
		goto fail;
	if (build_record(p, &b) < 0)
		goto fail;
	build_setup_release(&b);
	return 0;
fail:
	build_setup_release(&b);
	return -1;
}

void build_result_release(struct build_result *r)
{
	free(r->why);
	memset(r, 0, sizeof(*r));
}

int cmd_build(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "pgo", required_argument, NULL, 'p' },
		{ "compiler", required_argument, NULL, 'c' },
		{ "cxx", required_argument, NULL, 'x' },
		{ "build-root", required_argument, NULL, 'b' },
		{ "no-clean", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_request req;
	struct build_result res;
	struct project p;
	const char *dir = NULL;
	int c, clean = 1, rc;
	char *build_root = NULL;

	memset(&req, 0, sizeof(req));
	while ((c = cmd_getopt(argc, argv, "+C:", opts, usage)) != -1) {
		switch (c) {
		case 'p': req.pgo = optarg; break;
		case 'c': req.cc = optarg; break;
		case 'x': req.cxx = optarg; break;
		case 'b': req.build_root = optarg; break;
		case 'n': clean = 0; break;
		case 'C': dir = optarg; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (project_open(dir, &p) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	if (req.build_root) {
		build_root = path_absolute(req.build_root);
		req.build_root = build_root;
	}
	rc = cmd_do_build(ctx, &p, &req, argc - optind, argv + optind, clean, NULL, &res);
	if (rc < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		/* The build's own failure status is what scripts expect. */
		rc = res.status > 0 ? res.status : 1;
	}
	build_result_release(&res);
	project_release(&p);
	free(build_root);
	return rc;
}
