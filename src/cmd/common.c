#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "managed.h"
#include "banned.h"

struct global_opts global_opts;

void cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("pgo: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	exit(EXIT_USAGE);
}

int cmd_use_shared_store(struct cmd_ctx *ctx)
{
	setenv("PGO_SYSTEM", "1", 1);
	setenv("PGO_SHARED_SPOOL", "1", 1);
	if (managed_share_store(&ctx->store) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		return -1;
	}
	return 0;
}

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *usage)
{
	static struct option all[64];
	static const struct option *built_for;
	static char sopts[128];
	int c, n = 0;

	if (built_for != longopts) {
		for (const struct option *o = longopts; o && o->name; o++)
			all[n++] = *o;
		all[n++] = (struct option){ "store", required_argument, NULL, 0x1001 };
		all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
		all[n] = (struct option){ NULL, 0, NULL, 0 };
		/* '+': stop at the first non-option only where the command
		   asks for it (a leading '+' in shortopts). */
		snprintf(sopts, sizeof(sopts), "%sh", shortopts);
		built_for = longopts;
		opterr = 0;
	}
	for (;;) {
		c = getopt_long(argc, argv, sopts, all, NULL);
		if (c == 0x1001) {
			global_opts.store_dir = optarg;
			continue;
		}
		if (c == 'h') {
			fputs(usage, stdout);
			exit(cmd_finish_stdout(0));
		}
		if (c == '?') {
			if (optopt)
				cmd_usage_error(usage, "unknown option '-%c'", optopt);
			cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
		if (c == ':')
			cmd_usage_error(usage, "option '%s' needs a value", argv[optind - 1]);
		return c;
	}
}

void cmd_parse_toolchain(const char *arg, struct toolchain *tc)
{
	if (toolchain_parse_id(arg, tc) == 0) {
		struct toolchain full;
		char *name;
		int rc;
		if (strchr(arg, '.'))
			return;
		/* "clang-14" means the installed clang 14, whatever its minor
		   and patch level: profiles record the full version. */
		if (tc->family == TC_CLANG) {
			rc = toolchain_llvm_major(tc->major, &full);
		} else {
			name = xasprintf("gcc-%u", tc->major);
			rc = toolchain_detect(name, &full);
			free(name);
		}
		if (rc == 0 && full.family == tc->family && full.major == tc->major) {
			toolchain_release(tc);
			*tc = full;
		} else {
			if (rc == 0)
				toolchain_release(&full);
			pgo_err_clear();
		}
		return;
	}
	/* Not an id: a compiler to ask. */
	if (toolchain_detect(arg, tc) == 0)
		return;
	fprintf(stderr, "pgo: error: --toolchain '%s': expected e.g. 'clang-14', 'gcc-12' or a compiler: %s\n",
		arg, pgo_errmsg());
	exit(EXIT_USAGE);
}

void loaded_ref_release(struct loaded_ref *r)
{
	profile_release(&r->prof);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

int cmd_load_ref(struct store *st, const char *ref, const struct toolchain *hint,
		 struct loaded_ref *out)
{
	struct ingest_result res;
	struct stat sb;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!strchr(ref, '/')) {
		rc = store_resolve(st, ref, out->digest);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			out->stored = 1;
			return store_load(st, out->digest, &out->prof);
		}
		if (stat(ref, &sb) < 0)
			return pgo_err("no profile matches '%s' (not a digest, a program name or a file)",
				       ref);
	}
	if (ingest_path(ref, hint, &out->prof, &res) < 0)
		return -1;
	out->path = xstrdup(ref);
	out->runs = res.runs;
	return 0;
}

char *cmd_line_string(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int quote = !*a || strpbrk(a, " \t\n'\"\\$`") != NULL;
		if (i)
			strbuf_addch(&sb, ' ');
		if (!quote) {
			strbuf_addstr(&sb, a);
			continue;
		}
		strbuf_addch(&sb, '\'');
		for (; *a; a++) {
			if (*a == '\'')
				strbuf_addstr(&sb, "'\\''");
			else
				strbuf_addch(&sb, *a);
		}
		strbuf_addch(&sb, '\'');
	}
	return strbuf_detach(&sb, NULL);
}

int cmd_finish_stdout(int code)
{
	/* A full disk or a closed pipe must not look like success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "pgo: error: cannot write to standard output: %s\n",
				strerror(errno));
		return code ? code : 1;
	}
	if (fclose(stdout) != 0 && code == 0) {
		fprintf(stderr, "pgo: error: cannot close standard output: %s\n", strerror(errno));
		return 1;
	}
	return code;
}

void format_count(struct strbuf *sb, uint64_t v)
{
	static const char units[] = " KMGTPE";
	double d = (double)v;
	int u = 0;
	if (v < 10000) {
		strbuf_add_u64(sb, v);
		return;
	}
	while (d >= 1000 && u < 6) {
		d /= 1000;
		u++;
	}
	strbuf_addf(sb, "%.*f%c", d < 10 ? 2 : d < 100 ? 1 : 0, d, units[u]);
}

void format_time(struct strbuf *sb, int64_t t)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	strbuf_addstr(sb, buf);
}
