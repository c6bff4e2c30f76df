#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo ls [--program NAME] [--json]\n"
	"\n"
	"Lists the stored profiles, newest first.\n";

struct ls_ctx {
	int json;
	size_t n;
	struct strbuf out;
};

static int ls_one(const struct profile_meta *m, void *vctx)
{
	struct ls_ctx *c = vctx;
	struct strbuf *sb = &c->out;
	if (c->json) {
		strbuf_addstr(sb, c->n ? ",\n  {" : "\n  {");
		strbuf_addf(sb, "\"digest\": \"%s\", \"program\": ", m->digest);
		if (m->program)
			strbuf_add_json_str(sb, m->program);
		else
			strbuf_addstr(sb, "null");
		strbuf_addstr(sb, ", \"kind\": ");
		strbuf_add_json_str(sb, m->kind);
		strbuf_addstr(sb, ", \"toolchain\": ");
		strbuf_add_json_str(sb, m->toolchain);
		strbuf_addf(sb, ", \"created\": %lld, \"runs\": %llu, \"functions\": %llu, \"total\": %llu, \"size\": %llu, \"label\": ",
			    (long long)m->created, (unsigned long long)m->runs,
			    (unsigned long long)m->functions, (unsigned long long)m->total,
			    (unsigned long long)m->size);
		if (m->label)
			strbuf_add_json_str(sb, m->label);
		else
			strbuf_addstr(sb, "null");
		strbuf_addch(sb, '}');
	} else {
		strbuf_addf(sb, "%.12s  %-16s %-11s %-14s %5llu runs  %6llu fn  ", m->digest,
			    m->program ? m->program : "-", m->kind, m->toolchain,
			    (unsigned long long)m->runs, (unsigned long long)m->functions);
		format_time(sb, m->created);
		if (m->label)
			strbuf_addf(sb, "  %s", m->label);
		strbuf_addch(sb, '\n');
	}
	c->n++;
	return 0;
}

int cmd_ls(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct index_filter f = { 0 };
	struct ls_ctx c = { 0, 0, STRBUF_INIT };
	int opt;

	while ((opt = cmd_getopt(argc, argv, "", opts, usage)) != -1) {
		switch (opt) {
		case 'p': f.program = optarg; break;
		case 'j': c.json = 1; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind != argc)
		cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (c.json)
		strbuf_addch(&c.out, '[');
	if (index_list(ctx->store.idx, &f, ls_one, &c) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		strbuf_release(&c.out);
		return 1;
	}
	if (c.json)
		strbuf_addstr(&c.out, c.n ? "\n]\n" : "]\n");
	fwrite(c.out.buf, 1, c.out.len, stdout);
	strbuf_release(&c.out);
	return 0;
}
