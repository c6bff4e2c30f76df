#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo diff [--top N] [--json] BASE TEST\n"
	"\n"
	"Compares two profiles of one kind: the weighted overlap score as\n"
	"'llvm-profdata overlap' defines it (1.0 = the same shape), the\n"
	"functions present in both or in only one, and the functions whose\n"
	"share of the total changed most.\n"
	"\n"
	"  --top N      how many changed functions to list (default 10)\n"
	"  --json       machine-readable output\n";

int cmd_diff(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct loaded_ref a, b;
	struct profile_diff d;
	struct strbuf sb = STRBUF_INIT;
	uint64_t top = 10;
	int c, json = 0, ret = 1;

	while ((c = cmd_getopt(argc, argv, "", opts, usage)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64_str(optarg, &top) < 0)
				cmd_usage_error(usage, "--top '%s' is not a number", optarg);
			break;
		case 'j': json = 1; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (argc - optind != 2)
		cmd_usage_error(usage, "expected two profiles");
	if (cmd_load_ref(&ctx->store, argv[optind], NULL, &a) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	if (cmd_load_ref(&ctx->store, argv[optind + 1], NULL, &b) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		loaded_ref_release(&a);
		return 1;
	}
	if (!toolchain_compatible(&a.prof.tc, &b.prof.tc)) {
		char *x = toolchain_id(&a.prof.tc), *y = toolchain_id(&b.prof.tc);
		/* Not an error: how a profile changes across compilers is worth
		   seeing, but the hashes of one function differ between them. */
		fprintf(stderr, "pgo: warning: comparing profiles of %s and %s: function hashes differ between compiler versions\n",
			x, y);
		free(x);
		free(y);
	}
	if (profile_diff(&a.prof, &b.prof, &d) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		goto out;
	}
	if (json) {
		strbuf_addf(&sb, "{\n  \"overlap\": %.6f,\n  \"both\": %zu,\n  \"base_only\": %zu,\n  \"test_only\": %zu,\n  \"changed\": [",
			    d.overlap, d.both, d.base_only, d.test_only);
		for (size_t i = 0; i < d.n && i < top; i++) {
			const struct profile_func_change *f = &d.f[i];
			strbuf_addstr(&sb, i ? ",\n    " : "\n    ");
			strbuf_addstr(&sb, "{\"name\": ");
			strbuf_add_json_str(&sb, f->name);
			strbuf_addf(&sb, ", \"base\": %llu, \"test\": %llu, \"base_share\": %.6f, \"test_share\": %.6f, \"status\": \"%s\"}",
				    (unsigned long long)f->base, (unsigned long long)f->test,
				    f->base_share, f->test_share,
				    !f->in_base ? "added" : !f->in_test ? "removed" : "changed");
		}
		strbuf_addstr(&sb, "]\n}\n");
	} else {
		strbuf_addf(&sb, "overlap    %.4f\n", d.overlap);
		strbuf_addf(&sb, "functions  %zu in both, %zu only in base, %zu only in test\n",
			    d.both, d.base_only, d.test_only);
		if (top && d.n) {
			strbuf_addstr(&sb, "\nmost changed (share of total, base -> test):\n");
			for (size_t i = 0; i < d.n && i < top; i++) {
				const struct profile_func_change *f = &d.f[i];
				const char *mark = !f->in_base ? "+" : !f->in_test ? "-" : " ";
				strbuf_addf(&sb, "  %s %6.2f%% -> %6.2f%%  %s\n", mark,
					    100.0 * f->base_share, 100.0 * f->test_share, f->name);
			}
		}
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	ret = 0;
	profile_diff_release(&d);
out:
	strbuf_release(&sb);
	loaded_ref_release(&a);
	loaded_ref_release(&b);
	return ret;
}
