#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo show [--top N] [--json] REF\n"
	"\n"
	"Describes a profile: kind, toolchain, provenance, lineage, number of\n"
	"functions, total counts and the hottest functions with their share.\n"
	"\n"
	"  --top N      how many hot functions to list (default 10, 0 for none)\n"
	"  --json       machine-readable output\n";

static void json_kv_str(struct strbuf *sb, const char *k, const char *v, int *first)
{
	strbuf_addstr(sb, *first ? "\n  " : ",\n  ");
	*first = 0;
	strbuf_add_json_str(sb, k);
	strbuf_addstr(sb, ": ");
	if (v)
		strbuf_add_json_str(sb, v);
	else
		strbuf_addstr(sb, "null");
}

static void json_kv_u64(struct strbuf *sb, const char *k, uint64_t v, int *first)
{
	strbuf_addstr(sb, *first ? "\n  " : ",\n  ");
	*first = 0;
	strbuf_add_json_str(sb, k);
	strbuf_addf(sb, ": %llu", (unsigned long long)v);
}

int cmd_show(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct loaded_ref r;
	struct profile_meta m;
	struct profile_summary sum;
	struct profile_hot *hot = NULL;
	struct lineage_edge *par = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t nhot, npar = 0;
	uint64_t top = 10;
	int c, json = 0, have_meta = 0;
	char *tcid, *fmt;

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
	if (argc - optind != 1)
		cmd_usage_error(usage, "expected one profile");
	if (cmd_load_ref(&ctx->store, argv[optind], NULL, &r) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return 1;
	}
	memset(&m, 0, sizeof(m));
	if (r.stored && index_get(ctx->store.idx, r.digest, &m) == 0) {
		have_meta = 1;
		index_parents(ctx->store.idx, r.digest, &par, &npar);
	}
	profile_summarize(&r.prof, &sum);
	nhot = profile_hottest(&r.prof, &hot);
	tcid = toolchain_id(&r.prof.tc);
	fmt = toolchain_format(&r.prof.tc);

	if (json) {
		int first = 1;
		strbuf_addch(&sb, '{');
		json_kv_str(&sb, "digest", r.stored ? r.digest : NULL, &first);
		json_kv_str(&sb, "path", r.path, &first);
		json_kv_str(&sb, "kind", profile_kind_name(r.prof.kind), &first);
		json_kv_str(&sb, "toolchain", tcid, &first);
		json_kv_str(&sb, "format", fmt, &first);
		json_kv_str(&sb, "program", m.program, &first);
		json_kv_str(&sb, "label", m.label, &first);
		json_kv_u64(&sb, "created", (uint64_t)m.created, &first);
		json_kv_str(&sb, "host", m.host, &first);
		json_kv_str(&sb, "command", m.command, &first);
		json_kv_str(&sb, "source", m.source, &first);
		json_kv_u64(&sb, "runs", have_meta ? m.runs : r.runs, &first);
		json_kv_u64(&sb, "size", m.size, &first);
		json_kv_u64(&sb, "stored_size", m.stored_size, &first);
		json_kv_u64(&sb, "functions", sum.functions, &first);
		json_kv_u64(&sb, "total", sum.total, &first);
		strbuf_addstr(&sb, ",\n  \"parents\": [");
		for (size_t i = 0; i < npar; i++)
			strbuf_addf(&sb, "%s{\"digest\": \"%s\", \"weight\": %llu, \"present\": %s}",
				    i ? ", " : "", par[i].parent, (unsigned long long)par[i].weight,
				    index_has(ctx->store.idx, par[i].parent) > 0 ? "true" : "false");
		strbuf_addstr(&sb, "],\n  \"hottest\": [");
		for (size_t i = 0; i < nhot && i < top; i++) {
			strbuf_addstr(&sb, i ? ",\n    " : "\n    ");
			strbuf_addstr(&sb, "{\"name\": ");
			strbuf_add_json_str(&sb, hot[i].name);
			strbuf_addf(&sb, ", \"count\": %llu, \"share\": %.6f}",
				    (unsigned long long)hot[i].count,
				    sum.total ? (double)hot[i].count / (double)sum.total : 0.0);
		}
		strbuf_addstr(&sb, "]\n}\n");
	} else {
		if (r.stored)
			strbuf_addf(&sb, "profile    %s\n", r.digest);
		else
			strbuf_addf(&sb, "file       %s (not in the store)\n", r.path);
		strbuf_addf(&sb, "kind       %s\n", profile_kind_name(r.prof.kind));
		strbuf_addf(&sb, "toolchain  %s (%s)\n", tcid, fmt);
		if (m.program)
			strbuf_addf(&sb, "program    %s\n", m.program);
		if (m.label)
			strbuf_addf(&sb, "label      %s\n", m.label);
		if (m.created) {
			strbuf_addstr(&sb, "created    ");
			format_time(&sb, m.created);
			strbuf_addf(&sb, "%s%s\n", m.host ? " on " : "", m.host ? m.host : "");
		}
		if (m.command)
			strbuf_addf(&sb, "command    %s\n", m.command);
		if (m.source)
			strbuf_addf(&sb, "source     %s\n", m.source);
		strbuf_addf(&sb, "runs       %llu\n",
			    (unsigned long long)(have_meta ? m.runs : r.runs));
		for (size_t i = 0; i < npar; i++)
			strbuf_addf(&sb, "parent     %.16s weight %llu%s\n", par[i].parent,
				    (unsigned long long)par[i].weight,
				    index_has(ctx->store.idx, par[i].parent) > 0 ? "" : " (collected)");
		if (have_meta) {
			strbuf_addf(&sb, "size       %llu bytes (%llu stored)\n",
				    (unsigned long long)m.size, (unsigned long long)m.stored_size);
		}
		strbuf_addf(&sb, "functions  %llu\n", (unsigned long long)sum.functions);
		strbuf_addf(&sb, "total      %llu\n", (unsigned long long)sum.total);
		if (top && nhot) {
			strbuf_addf(&sb, "\n%s:\n", r.prof.kind == PROFILE_GCDA
							  ? "hottest object files"
							  : "hottest functions");
			for (size_t i = 0; i < nhot && i < top; i++) {
				double share = sum.total ? 100.0 * (double)hot[i].count /
								   (double)sum.total
							 : 0.0;
				strbuf_addf(&sb, "  %6.2f%%  %20llu  %s\n", share,
					    (unsigned long long)hot[i].count, hot[i].name);
			}
		}
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	free(tcid);
	free(fmt);
	free(par);
	profile_hot_free(hot, nhot);
	profile_meta_release(&m);
	loaded_ref_release(&r);
	return 0;
}
