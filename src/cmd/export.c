#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo export [--format=text|profdata|sample|gcda] [-o PATH] REF\n"
	"       pgo export --default [REF]\n"
	"\n"
	"Writes a profile in the form a compiler or a person reads:\n"
	"  text      canonical text with provenance lines (default; '-o -' or no\n"
	"            -o writes to standard output)\n"
	"  profdata  indexed LLVM profile for -fprofile-use, written by the\n"
	"            llvm-profdata of the profile's LLVM version\n"
	"  sample    sample profile text for -fprofile-sample-use\n"
	"  gcda      a directory of .gcda files for GCC's -fprofile-use\n"
	"\n"
	"  --default     write the profile as ./default.pgo for version control\n"
	"                (REF defaults to the newest profile in the store)\n";

static int write_out(const char *path, const char *data, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		fwrite(data, 1, len, stdout);
		return 0;
	}
	return write_file_durable(path, data, len, 0644);
}

int cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "default", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "text", *output = NULL, *ref = NULL;
	struct loaded_ref r;
	struct strbuf text = STRBUF_INIT;
	char newest[DIGEST_HEX + 1];
	int c, def = 0, ret = 1;
	enum profile_kind need = PROFILE_NONE;

	while ((c = cmd_getopt(argc, argv, "o:", opts, usage)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'd': def = 1; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (!strcmp(format, "profdata"))
		need = PROFILE_INSTR;
	else if (!strcmp(format, "sample"))
		need = PROFILE_SAMPLE;
	else if (!strcmp(format, "gcda"))
		need = PROFILE_GCDA;
	else if (strcmp(format, "text"))
		cmd_usage_error(usage, "unknown format '%s'", format);
	if (def) {
		if (output || strcmp(format, "text"))
			cmd_usage_error(usage, "--default writes text to ./default.pgo");
		output = "default.pgo";
		if (argc - optind > 1)
			cmd_usage_error(usage, "expected at most one profile");
		if (argc - optind == 1) {
			ref = argv[optind];
		} else {
			int rc = index_newest(ctx->store.idx, NULL, newest);
			if (rc != 0) {
				if (rc > 0)
					fprintf(stderr, "pgo: error: the store has no profiles\n");
				else
					fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
				return 1;
			}
			ref = newest;
		}
	} else {
		if (argc - optind != 1)
			cmd_usage_error(usage, "expected one profile");
		ref = argv[optind];
		if (need && !output)
			cmd_usage_error(usage, "--format=%s needs -o PATH", format);
	}
	if (cmd_load_ref(&ctx->store, ref, NULL, &r) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	if (need && r.prof.kind != need) {
		fprintf(stderr, "pgo: error: '%s' is a %s profile; --format=%s needs a %s profile\n",
			ref, profile_kind_name(r.prof.kind), format, profile_kind_name(need));
		goto out;
	}
	if (need) {
		if (profile_write_for_compiler(&r.prof, output) < 0)
			goto fail;
		ret = 0;
		goto out;
	}
	if (r.stored ? store_export_text(&ctx->store, r.digest, &text) < 0
		     : profile_to_object(&r.prof, &text) < 0)
		goto fail;
	if (write_out(output, text.buf, text.len) < 0)
		goto fail;
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
out:
	strbuf_release(&text);
	loaded_ref_release(&r);
	return ret;
}
