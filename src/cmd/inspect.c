#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "elfnote.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo inspect [--json] BINARY...\n"
	"\n"
	"Prints the pgo note that the compiler wrapper stamps into every\n"
	"executable and shared object it links: the PGO mode, the digest of the\n"
	"profile used, the toolchain and the pgo version.\n"
	"\n"
	"  --json       print an array with one object per BINARY\n"
	"\n"
	"Exit status: 0 when every BINARY has a pgo note; 1 when one has none\n"
	"(\"no pgo note\") or cannot be read (not an ELF file, corrupt note);\n"
	"129 on a usage error.\n";

static void text_note(struct strbuf *sb, const char *path, const struct pgo_note *n)
{
	strbuf_addf(sb, "%s: pgo %s\n", path, n->version);
	strbuf_addf(sb, "    %-10s %s\n", "mode", n->mode);
	if (n->profile && *n->profile)
		strbuf_addf(sb, "    %-10s sha256:%s\n", "profile", n->profile);
	else
		strbuf_addf(sb, "    %-10s %s\n", "profile", "none");
	strbuf_addf(sb, "    %-10s %s\n", "toolchain", n->toolchain);
	if (n->profile_source)
		strbuf_addf(sb, "    %-10s %s\n", "source", n->profile_source);
	for (size_t i = 0; i < n->nextra; i++)
		strbuf_addf(sb, "    %-10s %s\n", n->extra[i].key, n->extra[i].value);
	if (n->nnotes > 1)
		strbuf_addf(sb, "    %-10s %zu (showing the first)\n", "notes", n->nnotes);
}

static void json_str_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json_str(sb, s);
	else
		strbuf_addstr(sb, "null");
}

/* rc: 0 note, 1 none, -1 error (message in pgo_errmsg()). */
static void json_entry(struct strbuf *sb, const char *path, int rc, const struct pgo_note *n)
{
	strbuf_addstr(sb, "  {\"path\": ");
	strbuf_add_json_str(sb, path);
	if (rc != 0) {
		strbuf_addstr(sb, ", \"note\": null");
		if (rc < 0) {
			strbuf_addstr(sb, ", \"error\": ");
			strbuf_add_json_str(sb, pgo_errmsg());
		}
		strbuf_addch(sb, '}');
		return;
	}
	strbuf_addstr(sb, ", \"note\": {\"version\": ");
	strbuf_add_json_str(sb, n->version);
	strbuf_addstr(sb, ", \"mode\": ");
	strbuf_add_json_str(sb, n->mode);
	strbuf_addstr(sb, ", \"profile\": ");
	if (n->profile && *n->profile) {
		struct strbuf d = STRBUF_INIT;
		strbuf_addf(&d, "sha256:%s", n->profile);
		strbuf_add_json_str(sb, d.buf);
		strbuf_release(&d);
	} else {
		strbuf_addstr(sb, "null");
	}
	strbuf_addstr(sb, ", \"toolchain\": ");
	strbuf_add_json_str(sb, n->toolchain);
	strbuf_addstr(sb, ", \"profile_source\": ");
	json_str_or_null(sb, n->profile_source);
	strbuf_addstr(sb, ", \"extra\": {");
	for (size_t i = 0; i < n->nextra; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_add_json_str(sb, n->extra[i].key);
		strbuf_addstr(sb, ": ");
		strbuf_add_json_str(sb, n->extra[i].value);
	}
	strbuf_addf(sb, "}, \"notes\": %zu}}", n->nnotes);
}

int cmd_inspect(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	int c, json = 0, status = 0;

	while ((c = cmd_getopt(argc, argv, "", opts, usage)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind >= argc)
		cmd_usage_error(usage, "expected at least one binary");

	if (json)
		strbuf_addstr(&sb, "[\n");
	for (int i = optind; i < argc; i++) {
		struct pgo_note n = PGO_NOTE_INIT;
		int rc = elfnote_read(argv[i], &n);
		if (rc != 0)
			status = 1;
		if (rc < 0) {
			/* Keep the order of stdout and stderr when both are a
			   terminal. */
			if (!json) {
				fwrite(sb.buf, 1, sb.len, stdout);
				strbuf_reset(&sb);
				fflush(stdout);
			}
			fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		}
		if (json) {
			if (i > optind)
				strbuf_addstr(&sb, ",\n");
			json_entry(&sb, argv[i], rc, &n);
		} else if (rc == 0) {
			text_note(&sb, argv[i], &n);
		} else if (rc == 1) {
			strbuf_addf(&sb, "%s: no pgo note (not built by pgo)\n", argv[i]);
		}
		pgo_note_release(&n);
		pgo_err_clear();
	}
	if (json)
		strbuf_addstr(&sb, "\n]\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	return status;
}
