/*
 * pgo cc / pgo c++ (also pgo-cc / pgo-c++): the compiler wrapper.
 *
 * Everything it needs comes from the environment that pgo build sets
 * (see buildenv.h); with none (PGO_MODE unset or "off") it is the real
 * compiler, exec'd in place.  It never breaks a build because of itself:
 * when pgo's part fails (a profile or object missing, an unknown
 * compiler, the compiler rejecting pgo's flags), it runs the compiler
 * with the user's arguments alone and appends the reason to PGO_LOG,
 * which the next pgo build reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "fsutil.h"
#include "run.h"
#include "wrap.h"
#include "banned.h"

static void append_line(const char *path, const char *line)
{
	int fd;
	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* One write per line: appends of less than PIPE_BUF bytes do not
	   interleave between the parallel compilers of a build. */
	(void)write_all(fd, line, strlen(line));
	close(fd);
}

static void log_fallback(const struct wrap_args *a, const char *reason)
{
	struct strbuf sb = STRBUF_INIT;
	const char *what = a->output ? a->output : a->first_source ? a->first_source : "(link)";
	strbuf_addf(&sb, "%s: %s\n", what, reason);
	if (sb.len > 1000) {
		strbuf_setlen(&sb, 999);
		strbuf_addch(&sb, '\n');
	}
	append_line(getenv("PGO_LOG"), sb.buf);
	strbuf_release(&sb);
}

static PGO_NORETURN void exec_plain(const struct argv_array *compiler, int argc, char **argv)
{
	struct argv_array av = ARGV_ARRAY_INIT;
	for (size_t i = 0; i < compiler->n; i++)
		argv_push(&av, compiler->v[i]);
	for (int i = 1; i < argc; i++)
		argv_push(&av, argv[i]);
	execvp(av.v[0], (char *const *)av.v);
	fprintf(stderr, "pgo: error: cannot run compiler '%s': %s\n", av.v[0], strerror(errno));
	exit(127);
}

static int is_context_line(const char *p, size_t n)
{
	/* What clang prints under a diagnostic: the source line, the caret,
	   "note:" lines, all indented or starting with a line number. */
	return n > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '|' || (p[0] >= '0' && p[0] <= '9'));
}

static int is_count_line(const char *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	int r;
	strbuf_add(&sb, p, n);
	r = strstr(sb.buf, " warning generated.") || strstr(sb.buf, " warnings generated.");
	strbuf_release(&sb);
	return r;
}

/*
 * Build systems compile small programs of their own to probe the compiler
 * (CMake's compiler identification and try_compile, autoconf's conftest,
 * meson's sanity checks).  They get pgo's flags like every compile, but
 * the profile has nothing for them: their diagnostics are not counted.
 */
static int is_probe(const struct wrap_args *a)
{
	static const char *const marks[] = { "CMakeFiles/CMakeScratch/", "CMakeCCompilerId",
					     "CMakeCXXCompilerId", "CMakeCompilerABI",
					     "/share/cmake", "conftest", "meson-private/",
					     "sanitycheck", "CMakeFiles/cmTC_" };
	const char *paths[] = { a->first_source, a->output };
	if (a->output && !strcmp(a->output, "/dev/null"))
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		for (size_t k = 0; paths[i] && k < ARRAY_SIZE(marks); k++)
			if (strstr(paths[i], marks[k]))
				return 1;
	return 0;
}

/* Passes the compiler's standard error on, minus the profile diagnostics,
   which are counted into PGO_DIAG_LOG (one line each). */
static void forward_stderr(const struct strbuf *err, const struct wrap_args *a)
{
	const char *p = err->buf, *end = err->buf + err->len;
	const char *diag = getenv("PGO_DIAG_LOG");
	const char *what = a->output ? a->output : a->first_source ? a->first_source : "-";
	struct strbuf keep = STRBUF_INIT, counted = STRBUF_INIT, abs = STRBUF_INIT;
	char cwd[4096];
	int in_diag = 0;

	/* The output, by an absolute path: pgo build counts only the
	   diagnostics of outputs that still exist when the build is over
	   (the programs a Makefile compiles to probe for a library, and
	   deletes, are not the project's). */
	if (what[0] != '/' && strcmp(what, "-") && getcwd(cwd, sizeof(cwd))) {
		strbuf_addf(&abs, "%s/%s", cwd, what);
		what = abs.buf;
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		enum wrap_diag d = wrap_classify_diag(p, n);
		if (d != DIAG_NONE) {
			strbuf_addf(&counted, "%s\t%s\t%.*s\n", d == DIAG_MISMATCH ? "mismatch" : "missing",
				    what, (int)(n - (nl ? 1 : 0)), p);
			in_diag = 1;
		} else if (in_diag && is_context_line(p, n)) {
			/* belongs to the counted diagnostic */
		} else if (counted.len && is_count_line(p, n)) {
			/* "N warnings generated." counts the ones we took out too */
		} else {
			in_diag = 0;
			strbuf_add(&keep, p, n);
		}
		p += n;
	}
	if (keep.len)
		(void)write_all(2, keep.buf, keep.len);
	if (counted.len && diag && *diag && !is_probe(a)) {
		/* Appended in pieces of whole lines below PIPE_BUF. */
		const char *q = counted.buf, *qe = counted.buf + counted.len;
		while (q < qe) {
			const char *cut = qe - q > 3000 ? q + 3000 : qe;
			struct strbuf piece = STRBUF_INIT;
			while (cut < qe && cut > q && cut[-1] != '\n')
				cut--;
			if (cut == q)
				cut = qe;
			strbuf_add(&piece, q, (size_t)(cut - q));
			append_line(diag, piece.buf);
			strbuf_release(&piece);
			q = cut;
		}
	}
	strbuf_release(&keep);
	strbuf_release(&counted);
	strbuf_release(&abs);
}

static int file_exists(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0;
}

int cmd_cc(int argc, char **argv, int cxx)
{
	const char *mode_s = getenv("PGO_MODE");
	const char *spec = getenv(cxx ? "PGO_CXX" : "PGO_CC");
	const char *id = getenv(cxx ? "PGO_CXX_ID" : "PGO_CC_ID");
	struct argv_array compiler = ARGV_ARRAY_INIT, full = ARGV_ARRAY_INIT;
	struct strbuf err = STRBUF_INIT;
	struct wrap_args a;
	struct wrap_env env;
	struct toolchain tc;
	struct run_opts ro;
	const char *s;
	int rc;

	if (!spec || !*spec)
		spec = cxx ? "c++" : "cc";
	if (conf_split_command(spec, &compiler) < 0) {
		fprintf(stderr, "pgo: error: PGO_%s: %s\n", cxx ? "CXX" : "CC", pgo_errmsg());
		return 127;
	}
	/* The wrapper's children are never the wrapper again. */
	if (getenv("PGO_WRAPPER_ACTIVE"))
		mode_s = "off";
	memset(&env, 0, sizeof(env));
	if (!mode_s || !*mode_s || mode_parse(mode_s, &env.mode) < 0 || env.mode == MODE_OFF)
		exec_plain(&compiler, argc, argv);
	if (wrap_classify(argc, (const char *const *)argv, &a) < 0) {
		memset(&a, 0, sizeof(a));
		log_fallback(&a, pgo_errmsg());
		exec_plain(&compiler, argc, argv);
	}
	if (!wrap_compiles(&a) && !wrap_links(&a))
		exec_plain(&compiler, argc, argv);

	toolchain_init(&tc);
	if (!id || !*id || toolchain_parse_id(id, &tc) < 0) {
		const char *real = compiler.v[compiler.n - 1];
		if (toolchain_detect(real, &tc) < 0) {
			log_fallback(&a, pgo_errmsg());
			exec_plain(&compiler, argc, argv);
		}
	}
	env.spool = getenv("PGO_SPOOL");
	env.profile = getenv("PGO_PROFILE");
	env.root = getenv("PGO_ROOT");
	env.build_root = getenv("PGO_BUILD_ROOT");
	env.note_obj = getenv("PGO_NOTE_OBJ");
	env.sigdump_obj = getenv("PGO_SIGDUMP_OBJ");
	env.value_profiling = getenv("PGO_VALUE_PROFILING") != NULL;
	env.single_counters = (s = getenv("PGO_COUNTERS")) && !strcmp(s, "single");
	if ((env.mode == MODE_USE || env.mode == MODE_SAMPLE) && !file_exists(env.profile)) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "profile '%s' is missing: compiled without it",
			    env.profile ? env.profile : "(none)");
		log_fallback(&a, why.buf);
		strbuf_release(&why);
		exec_plain(&compiler, argc, argv);
	}
	if (wrap_links(&a) && env.note_obj && !file_exists(env.note_obj)) {
		log_fallback(&a, "the note object is missing: linked without it");
		env.note_obj = NULL;
	}
	if (wrap_links(&a) && env.sigdump_obj && !file_exists(env.sigdump_obj)) {
		log_fallback(&a, "the profile-on-signal object is missing: linked without it");
		env.sigdump_obj = NULL;
	}
	if (wrap_build_argv(&tc, &env, &compiler, argc, (const char *const *)argv, &a, &full) < 0) {
		log_fallback(&a, pgo_errmsg());
		exec_plain(&compiler, argc, argv);
	}

	memset(&ro, 0, sizeof(ro));
	ro.argv = full.v;
	ro.err = &err;
	{
		static const char *const add[] = { "PGO_WRAPPER_ACTIVE=1", NULL };
		ro.env_add = add;
	}
	rc = run_command(&ro);
	if (rc != 0) {
		/* The compiler refused pgo's flags, or the code does not build
		   at all (configure probes fail on purpose): the plain compiler
		   tells which, and its messages are the ones to show.  Only the
		   first case is pgo's failure, worth recording. */
		struct argv_array plain = ARGV_ARRAY_INIT;
		struct run_opts po;
		int prc;
		for (size_t i = 0; i < compiler.n; i++)
			argv_push(&plain, compiler.v[i]);
		for (int i = 1; i < argc; i++)
			argv_push(&plain, argv[i]);
		memset(&po, 0, sizeof(po));
		po.argv = plain.v;
		prc = run_command(&po);
		if (prc == 0) {
			struct strbuf why = STRBUF_INIT;
			if (rc < 0)
				strbuf_addf(&why, "%s: built without pgo's flags", pgo_errmsg());
			else
				strbuf_addf(&why, "the compiler failed with pgo's flags (status %d): built without them", rc);
			log_fallback(&a, why.buf);
			strbuf_release(&why);
		}
		argv_clear(&plain);
		strbuf_release(&err);
		argv_clear(&full);
		argv_clear(&compiler);
		toolchain_release(&tc);
		return prc < 0 ? 127 : prc;
	}
	forward_stderr(&err, &a);
	strbuf_release(&err);
	argv_clear(&full);
	argv_clear(&compiler);
	toolchain_release(&tc);
	return 0;
}
