#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "managed.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo gc [--keep N] [--keep-generations N] [--dry-run] [--grace SECONDS]\n"
	"\n"
	"Removes old profiles and the objects nothing refers to.\n"
	"\n"
	"  --keep N          keep the N newest profiles of each program (default:\n"
	"                    keep every profile, remove only unreferenced objects)\n"
	"  --keep-generations N  keep the N newest generations of each managed\n"
	"                    program (the current one and the first plain one are\n"
	"                    always kept)\n"
	"  --dry-run         say what would be removed, remove nothing\n"
	"  --grace SECONDS   leave unreferenced objects younger than this alone, as\n"
	"                    another pgo may be about to record them (default 3600)\n";

struct gen_gc {
	struct cmd_ctx *ctx;
	long keep;
	int dry_run;
	size_t removed;
	const char *program;
	int64_t current;
	long seen;
	int64_t *victims;
	size_t nvictims, alloc;
	int64_t first_plain;
};

static int gen_cb(const struct generation_rec *g, void *vctx)
{
	struct gen_gc *gc = vctx;
	gc->seen++;
	if (!strcmp(g->mode, "off"))
		gc->first_plain = g->number;   /* newest first: ends at the oldest plain */
	if (gc->seen > gc->keep && g->number != gc->current) {
		ALLOC_GROW(gc->victims, gc->nvictims + 1, gc->alloc);
		gc->victims[gc->nvictims++] = g->number;
	}
	return 0;
}

static int program_cb(const struct program_rec *r, void *vctx)
{
	struct gen_gc *gc = vctx;
	gc->program = r->name;
	gc->current = r->generation;
	gc->seen = 0;
	gc->nvictims = 0;
	gc->first_plain = 0;
	if (index_generation_list(gc->ctx->store.idx, r->name, gen_cb, gc) < 0)
		return -1;
	for (size_t i = 0; i < gc->nvictims; i++) {
		int64_t n = gc->victims[i];
		char *dir;
		/* The plain build is what pgo disable puts back. */
		if (n == gc->first_plain)
			continue;
		printf("%s generation %lld of %s\n", gc->dry_run ? "would remove" : "removed",
		       (long long)n, r->name);
		gc->removed++;
		if (gc->dry_run)
			continue;
		if (index_generation_delete(gc->ctx->store.idx, r->name, n) < 0)
			return -1;
		dir = xasprintf("%s/programs/%s/gen-%lld", gc->ctx->store.dir, r->name, (long long)n);
		remove_tree(dir);
		free(dir);
	}
	return 0;
}

static void removed(void *ctx, const char *what, const char *name)
{
	const int *dry = ctx;
	printf("%s %s %s\n", *dry ? "would remove" : "removed", what, name);
}

int cmd_gc(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "grace", required_argument, NULL, 'g' },
		{ "keep-generations", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	long keep_gen = -1;
	struct gc_opts o = { -1, 0, 3600 };
	struct gc_report r;
	uint64_t v;
	int c;

	while ((c = cmd_getopt(argc, argv, "n", opts, usage)) != -1) {
		switch (c) {
		case 'k':
			if (parse_u64_str(optarg, &v) < 0 || v > 1000000000)
				cmd_usage_error(usage, "--keep '%s' is not a number", optarg);
			o.keep = (long)v;
			break;
		case 'n': o.dry_run = 1; break;
		case 'G':
			if (parse_u64_str(optarg, &v) < 0 || v < 1 || v > 1000000)
				cmd_usage_error(usage, "--keep-generations takes a number from 1");
			keep_gen = (long)v;
			break;
		case 'g':
			if (parse_u64_str(optarg, &v) < 0 || v > 1000000000)
				cmd_usage_error(usage, "--grace '%s' is not a number", optarg);
			o.grace_seconds = (long)v;
			break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind != argc)
		cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (keep_gen > 0) {
		struct gen_gc g = { ctx, keep_gen, o.dry_run, 0, NULL, 0, 0, NULL, 0, 0, 0 };
		int rc = index_program_list(ctx->store.idx, program_cb, &g);
		free(g.victims);
		if (rc < 0) {
			fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
			return 1;
		}
	}
	if (store_gc(&ctx->store, &o, &r, removed, &o.dry_run) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	printf("%s %zu profiles, %zu objects, %zu temporary files (%llu bytes)\n",
	       o.dry_run ? "would remove" : "removed", r.profiles, r.objects, r.temps,
	       (unsigned long long)r.bytes);
	return 0;
}
