#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo merge [--weight REF=W]... [--program NAME] [--label TEXT] [-o FILE] REF...\n"
	"\n"
	"Merges profiles into a new stored profile and prints its digest.  The\n"
	"result does not depend on the order of the inputs.  A REF is a digest,\n"
	"a unique digest prefix, a program name (its newest profile) or a file;\n"
	"files are imported first so that the lineage is complete.\n"
	"\n"
	"  --weight REF=W     multiply REF's counts by W (a whole number >= 1)\n"
	"  --program NAME     program of the result (default: that of the inputs)\n"
	"  --label TEXT       a note kept with the result\n"
	"  -o, --output FILE  also write the result as canonical text to FILE\n";

struct weight_opt {
	const char *ref;
	uint64_t w;
};

int cmd_merge(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "weight", required_argument, NULL, 'w' },
		{ "program", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct weight_opt *weights = NULL;
	size_t nweights = 0, alloc_w = 0, ninputs;
	struct loaded_ref *in = NULL;
	struct lineage_edge *edges = NULL;
	struct profile_meta meta;
	const char *program = NULL, *label = NULL, *output = NULL;
	char *common_program = NULL;
	int c, ret = 1, program_differs = 0;
	uint64_t runs = 0;
	size_t loaded = 0;

	memset(&meta, 0, sizeof(meta));
	while ((c = cmd_getopt(argc, argv, "o:", opts, usage)) != -1) {
		switch (c) {
		case 'w': {
			const char *eq = strrchr(optarg, '=');
			uint64_t w;
			if (!eq || eq == optarg || parse_u64_str(eq + 1, &w) < 0 || w == 0)
				cmd_usage_error(usage, "--weight '%s': expected REF=W with W >= 1", optarg);
			ALLOC_GROW(weights, nweights + 1, alloc_w);
			weights[nweights].ref = xstrndup(optarg, (size_t)(eq - optarg));
			weights[nweights].w = w;
			nweights++;
			break;
		}
		case 'p': program = optarg; break;
		case 'l': label = optarg; break;
		case 'o': output = optarg; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	ninputs = (size_t)(argc - optind);
	if (ninputs < 1)
		cmd_usage_error(usage, "nothing to merge");
	for (size_t k = 0; k < nweights; k++) {
		int found = 0;
		for (int i = optind; i < argc; i++)
			found |= !strcmp(argv[i], weights[k].ref);
		if (!found)
			cmd_usage_error(usage, "--weight names '%s', which is not an input", weights[k].ref);
	}

	in = xcalloc(ninputs, sizeof(*in));
	edges = xcalloc(ninputs, sizeof(*edges));
	for (size_t i = 0; i < ninputs; i++) {
		if (cmd_load_ref(&ctx->store, argv[optind + i], NULL, &in[i]) < 0)
			goto out;
		loaded++;
	}
	/* Check that everything merges before anything is stored. */
	for (size_t i = 1; i < ninputs; i++) {
		if (in[i].prof.kind != in[0].prof.kind ||
		    !toolchain_compatible(&in[i].prof.tc, &in[0].prof.tc)) {
			char *a = toolchain_id(&in[0].prof.tc), *b = toolchain_id(&in[i].prof.tc);
			pgo_err("cannot merge '%s' (%s, %s) with '%s' (%s, %s)", argv[optind],
				profile_kind_name(in[0].prof.kind), a, argv[optind + i],
				profile_kind_name(in[i].prof.kind), b);
			free(a);
			free(b);
			goto out;
		}
	}
	/* File inputs become stored profiles first: lineage names digests. */
	for (size_t i = 0; i < ninputs; i++) {
		struct profile_meta pm;
		if (in[i].stored)
			continue;
		memset(&pm, 0, sizeof(pm));
		pm.source = xstrdup(in[i].path);
		pm.runs = in[i].runs ? in[i].runs : 1;
		pm.program = program ? xstrdup(program) : NULL;
		if (store_put(&ctx->store, &in[i].prof, &pm, NULL, 0) < 0) {
			profile_meta_release(&pm);
			goto out;
		}
		memcpy(in[i].digest, pm.digest, sizeof(in[i].digest));
		in[i].stored = 1;
		profile_meta_release(&pm);
	}
	for (size_t i = 0; i < ninputs; i++) {
		struct profile_meta pm;
		uint64_t w = 1;
		for (size_t k = 0; k < nweights; k++)
			if (!strcmp(weights[k].ref, argv[optind + i]))
				w = weights[k].w;
		memcpy(edges[i].parent, in[i].digest, sizeof(edges[i].parent));
		edges[i].weight = w;
		if (index_get(ctx->store.idx, in[i].digest, &pm) == 0) {
			runs += pm.runs;
			if (!common_program && pm.program)
				common_program = xstrdup(pm.program);
			else if (pm.program && common_program && strcmp(pm.program, common_program))
				program_differs = 1;
			profile_meta_release(&pm);
		}
		if (i == 0) {
			if (w != 1) {
				struct profile zero;
				/* Scale the first input: merge it into an empty profile
				   of its kind, so that all inputs go through one path. */
				profile_init(&zero, in[0].prof.kind);
				zero.tc = in[0].prof.tc;
				zero.tc.compiler = NULL;
				if (zero.kind == PROFILE_INSTR)
					zero.u.instr.flags = in[0].prof.u.instr.flags;
				if (zero.kind == PROFILE_GCDA) {
					/* gcov-tool scales by merging; an empty set has nothing. */
					profile_release(&zero);
					pgo_err("--weight on the first GCC input is not supported; list it later");
					goto out;
				}
				if (profile_merge(&zero, &in[0].prof, w) < 0) {
					zero.tc.compiler = NULL;
					profile_release(&zero);
					goto out;
				}
				profile_release(&in[0].prof);
				in[0].prof = zero;
			}
			continue;
		}
		if (profile_merge(&in[0].prof, &in[i].prof, w) < 0) {
			pgo_err_prefix("cannot merge '%s'", argv[optind + i]);
			goto out;
		}
	}
	meta.program = program ? xstrdup(program)
		       : (!program_differs && common_program) ? xstrdup(common_program) : NULL;
	meta.label = label ? xstrdup(label) : NULL;
	meta.source = xstrdup("merge");
	meta.runs = runs;
	meta.command = cmd_line_string(argc, argv);
	if (store_put(&ctx->store, &in[0].prof, &meta, edges, ninputs) < 0)
		goto out;
	if (output) {
		struct strbuf text = STRBUF_INIT;
		int rc = store_export_text(&ctx->store, meta.digest, &text);
		if (rc == 0)
			rc = write_file_durable(output, text.buf, text.len, 0644);
		strbuf_release(&text);
		if (rc < 0)
			goto out;
	}
	printf("%s\n", meta.digest);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
	for (size_t i = 0; i < loaded; i++)
		loaded_ref_release(&in[i]);
	free(in);
	free(edges);
	for (size_t k = 0; k < nweights; k++)
		free((char *)weights[k].ref);
	free(weights);
	free(common_program);
	profile_meta_release(&meta);
	return ret;
}
