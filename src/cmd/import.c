#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ingest.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo import [--program NAME] [--label TEXT] [--toolchain TC] [--runs N]\n"
	"                  [--command TEXT] FILE|DIR...\n"
	"\n"
	"Adds one profile, made from all the inputs merged, to the store and\n"
	"prints its digest.  Inputs: LLVM .profraw and .profdata files, text\n"
	"profiles (llvm-profdata -text, sample profiles), files written by\n"
	"'pgo export', directories of .profraw files, and directories of GCC\n"
	".gcda files.  The toolchain is read from the data where it says; for\n"
	"text forms give --toolchain (default: the clang on PATH).\n"
	"\n"
	"  --program NAME     the program the profile is for\n"
	"  --label TEXT       a note kept with the profile\n"
	"  --toolchain TC     clang-14, 'clang 22.1.8', gcc-12, or a compiler\n"
	"  --runs N           record N runs instead of the number of raw files\n"
	"  --command TEXT     the command whose runs made the profile\n";

int cmd_import(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "toolchain", required_argument, NULL, 't' },
		{ "runs", required_argument, NULL, 'r' },
		{ "command", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct profile_meta meta;
	struct toolchain hint;
	struct profile merged;
	struct strbuf sources = STRBUF_INIT;
	uint64_t runs = 0, runs_override = 0;
	int c, rc, have = 0, ret = 1;
	const char *program = NULL, *label = NULL, *command = NULL;

	toolchain_init(&hint);
	profile_init(&merged, PROFILE_NONE);
	while ((c = cmd_getopt(argc, argv, "", opts, usage)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'l': label = optarg; break;
		case 'c': command = optarg; break;
		case 't': toolchain_release(&hint); cmd_parse_toolchain(optarg, &hint); break;
		case 'r':
			if (parse_u64_str(optarg, &runs_override) < 0)
				cmd_usage_error(usage, "--runs '%s' is not a number", optarg);
			break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind >= argc)
		cmd_usage_error(usage, "nothing to import");

	/* Raw profiles named one by one are read as one set, like a
	   directory of them (one llvm-profdata run for those that need it). */
	{
		int all_raw = argc - optind > 1;
		for (int i = optind; i < argc && all_raw; i++)
			all_raw = ingest_is_raw_file(argv[i]);
		if (all_raw) {
			struct ingest_result res;
			memset(&res, 0, sizeof(res));
			profile_init(&merged, PROFILE_NONE);
			if (ingest_raw_list("the raw profiles", (const char *const *)argv + optind,
					    (size_t)(argc - optind), &hint, &merged, &res) < 0)
				goto out;
			have = 1;
			runs = res.runs;
			for (int i = optind; i < argc; i++) {
				if (sources.len)
					strbuf_addch(&sources, ' ');
				strbuf_addstr(&sources, argv[i]);
			}
			optind = argc;
		}
	}
	/* Everything is read and merged before anything is written, so a
	   bad input leaves the store as it was. */
	for (int i = optind; i < argc; i++) {
		struct profile p;
		struct ingest_result res;
		if (ingest_path(argv[i], &hint, &p, &res) < 0)
			goto out;
		if (res.toolchain_assumed && !hint.family) {
			char *id = toolchain_id(&p.tc);
			pgo_warn("'%s' does not say which compiler made it; assuming %s (use --toolchain)",
				 argv[i], id);
			free(id);
		}
		runs += res.runs;
		if (sources.len)
			strbuf_addch(&sources, ' ');
		strbuf_addstr(&sources, argv[i]);
		if (!have) {
			merged = p;
			have = 1;
			/* Later text inputs take the toolchain the data gave. */
			if (!hint.family) {
				hint = merged.tc;
				hint.compiler = merged.tc.compiler ? xstrdup(merged.tc.compiler) : NULL;
			}
			continue;
		}
		rc = profile_merge(&merged, &p, 1);
		profile_release(&p);
		if (rc < 0) {
			pgo_err_prefix("cannot merge '%s'", argv[i]);
			goto out;
		}
	}

	memset(&meta, 0, sizeof(meta));
	meta.program = program ? xstrdup(program) : NULL;
	meta.label = label ? xstrdup(label) : NULL;
	meta.command = command ? xstrdup(command) : NULL;
	meta.source = strbuf_detach(&sources, NULL);
	meta.runs = runs_override ? runs_override : runs ? runs : 1;
	rc = store_put(&ctx->store, &merged, &meta, NULL, 0);
	if (rc >= 0) {
		printf("%s\n", meta.digest);
		ret = 0;
	}
	profile_meta_release(&meta);
out:
	if (ret)
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
	if (have)
		profile_release(&merged);
	toolchain_release(&hint);
	strbuf_release(&sources);
	return ret;
}
