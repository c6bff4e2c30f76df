#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo gc [--keep N] [--dry-run] [--grace SECONDS]\n"
	"\n"
	"Removes old profiles and the objects nothing refers to.\n"
	"\n"
	"  --keep N          keep the N newest profiles of each program (default:\n"
	"                    keep every profile, remove only unreferenced objects)\n"
	"  --dry-run         say what would be removed, remove nothing\n"
	"  --grace SECONDS   leave unreferenced objects younger than this alone, as\n"
	"                    another pgo may be about to record them (default 3600)\n";

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
		{ NULL, 0, NULL, 0 },
	};
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
	if (store_gc(&ctx->store, &o, &r, removed, &o.dry_run) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	printf("%s %zu profiles, %zu objects, %zu temporary files (%llu bytes)\n",
	       o.dry_run ? "would remove" : "removed", r.profiles, r.objects, r.temps,
	       (unsigned long long)r.bytes);
	return 0;
}
