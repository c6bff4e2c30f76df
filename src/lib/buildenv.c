#include "buildenv.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elfnote.h"
#include "fsutil.h"
#include "hash.h"
#include "ingest.h"
#include "run.h"
#include "banned.h"

#ifndef PGO_VERSION
#define PGO_VERSION "0.1.0"
#endif

#if defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#else
#define HOST_MACHINE EM_X86_64
#endif

void build_setup_release(struct build_setup *b)
{
	free(b->source);
	free(b->options);
	free(b->why);
	toolchain_release(&b->cc);
	toolchain_release(&b->cxx);
	argv_clear(&b->cc_words);
	argv_clear(&b->cxx_words);
	free(b->profile_path);
	free(b->spool);
	free(b->note_obj);
	free(b->sigdump_obj);
	free(b->wrapper_log);
	free(b->diag_log);
	argv_clear(&b->env);
	memset(b, 0, sizeof(*b));
}

char *default_cxx_for(const char *cc)
{
	const char *base = path_basename(cc);
	size_t dir = (size_t)(base - cc);
	static const struct { const char *c, *cxx; } map[] = {
		{ "clang", "clang++" }, { "gcc", "g++" }, { "cc", "c++" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		size_t n = strlen(map[i].c);
		if (!strncmp(base, map[i].c, n) && (base[n] == '\0' || base[n] == '-'))
			return xasprintf("%.*s%s%s", (int)dir, cc, map[i].cxx, base + n);
	}
	return xstrdup("c++");
}

/* The compiler words and the word to ask for the identity: ccache and
   similar launchers in front are skipped. */
static int compiler_words(const char *spec, struct argv_array *words, const char **real)
{
	if (conf_split_command(spec, words) < 0)
		return pgo_err_prefix("bad compiler '%s'", spec);
	*real = words->v[0];
	for (size_t i = 0; i + 1 < words->n; i++) {
		const char *b = path_basename(words->v[i]);
		if (strcmp(b, "ccache") && strcmp(b, "sccache") && strcmp(b, "distcc"))
			break;
		*real = words->v[i + 1];
	}
	return 0;
}

static int pick_compilers(struct project *p, const struct build_request *req,
			  struct build_setup *b)
{
	const char *cc = req->cc, *cxx = req->cxx, *real;
	char *derived = NULL;
	int rc = 0;

	if (!cc)
		cc = getenv("PGO_CC");
	if (!cc)
		cc = conf_get(&p->conf, "project", "cc");
	if (!cc)
		cc = getenv("CC");
	if (!cc || !*cc)
		cc = "cc";
	if (!cxx)
		cxx = getenv("PGO_CXX");
	if (!cxx)
		cxx = conf_get(&p->conf, "project", "cxx");
	if (!cxx && !req->cc && !conf_get(&p->conf, "project", "cc"))
		cxx = getenv("CXX");
	if (compiler_words(cc, &b->cc_words, &real) < 0 || toolchain_detect(real, &b->cc) < 0)
		return -1;
	if (!cxx || !*cxx) {
		derived = default_cxx_for(real);
		cxx = derived;
	}
	if (compiler_words(cxx, &b->cxx_words, &real) < 0) {
		rc = -1;
	} else if (toolchain_detect(real, &b->cxx) < 0) {
		/* A C-only project need not have a C++ compiler. */
		pgo_err_clear();
		toolchain_init(&b->cxx);
	}
	free(derived);
	return rc;
}

static enum profile_kind kind_for(const struct toolchain *tc)
{
	return tc->family == TC_GCC ? PROFILE_GCDA : PROFILE_INSTR;
}

static void set_why(struct build_setup *b, const char *fmt, ...) PGO_PRINTF(2, 3);
static void set_why(struct build_setup *b, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(b->why);
	b->why = strbuf_detach(&sb, NULL);
}

/* Stores a profile read from a file and returns its digest. */
static int import_file(struct store *st, struct project *p, const char *path,
		       const struct toolchain *tc, const char *label, char digest[DIGEST_HEX + 1],
		       struct profile *prof)
{
	struct ingest_result res;
	struct profile_meta m;
	int rc;
	if (ingest_path(path, tc, prof, &res) < 0)
		return -1;
	memset(&m, 0, sizeof(m));
	m.program = xstrdup(p->name);
	m.label = xstrdup(label);
	m.source = path_absolute(path);
	m.runs = res.runs ? res.runs : 1;
	rc = store_put(st, prof, &m, NULL, 0);
	if (rc >= 0)
		memcpy(digest, m.digest, DIGEST_HEX + 1);
	profile_meta_release(&m);
	return rc < 0 ? -1 : 0;
}

static int check_usable(const struct profile *prof, const struct toolchain *cc, const char *what)
{
	char *a, *b;
	int ok = toolchain_compatible(&prof->tc, cc) &&
		 (prof->kind == kind_for(cc) || (prof->kind == PROFILE_SAMPLE && cc->family == TC_CLANG));
	if (ok)
		return 0;
	a = toolchain_id(&prof->tc);
	b = toolchain_id(cc);
	pgo_err("%s is a %s profile made by %s; this build uses %s", what,
		profile_kind_name(prof->kind), a, b);
	free(a);
	free(b);
	return -1;
}

static int choose_profile(struct store *st, struct project *p, const struct build_request *req,
			  struct build_setup *b, struct profile *prof)
{
	const char *want = req->pgo ? req->pgo : "auto";
	char *def = path_join(p->root, "default.pgo");
	int ret = -1;

	if (!strcmp(want, "off")) {
		b->mode = MODE_OFF;
		set_why(b, "profile-guided optimization is off (--pgo=off)");
		ret = 0;
	} else if (!strcmp(want, "instrument")) {
		b->mode = MODE_INSTRUMENT;
		set_why(b, "instrumented build: run the program (pgo run) to collect a profile");
		ret = 0;
	} else if (!strcmp(want, "auto")) {
		struct index_filter f = { 0 };
		char *prefix;
		int rc;
		if (is_file(def)) {
			/* pgo's own form says which compiler made it: read it as
			   it is, and check that afterwards with a clear message. */
			struct strbuf head = STRBUF_INIT;
			const struct toolchain *hint = &b->cc;
			if (read_file(def, &head, 0) == 0 && profile_is_object(head.buf, head.len))
				hint = NULL;
			strbuf_release(&head);
			pgo_err_clear();
			if (import_file(st, p, def, hint, "default.pgo", b->digest, prof) < 0) {
				/* A broken default.pgo must not break the build. */
				b->mode = MODE_OFF;
				set_why(b, "default.pgo cannot be read (%s): building without a profile",
					pgo_errmsg());
				b->digest[0] = '\0';
				ret = 0;
				goto out;
			}
			if (check_usable(prof, &b->cc, "default.pgo") < 0) {
				b->mode = MODE_OFF;
				set_why(b, "%s: building without a profile", pgo_errmsg());
				b->digest[0] = '\0';
				profile_release(prof);
				ret = 0;
				goto out;
			}
			b->source = xstrdup("default.pgo");
			set_why(b, "using default.pgo (%.12s)", b->digest);
			ret = 0;
			goto out;
		}
		prefix = xasprintf("%s %u.", b->cc.family == TC_GCC ? "gcc" : "clang", b->cc.major);
		f.program = p->name;
		f.kind = profile_kind_name(kind_for(&b->cc));
		f.toolchain_prefix = prefix;
		rc = index_newest(st->idx, &f, b->digest);
		free(prefix);
		if (rc < 0)
			goto out;
		if (rc > 0) {
			char *id = toolchain_id(&b->cc);
			b->mode = MODE_OFF;
			b->digest[0] = '\0';
			set_why(b, "no default.pgo and no stored profile of '%s' for %s: building without a profile",
				p->name, id);
			free(id);
			ret = 0;
			goto out;
		}
		if (store_load(st, b->digest, prof) < 0)
			goto out;
		b->source = xstrdup("store");
		set_why(b, "using the newest stored profile of '%s' (%.12s)", p->name, b->digest);
		ret = 0;
	} else {
		struct stat sb;
		int rc = 1;
		if (!strchr(want, '/'))
			rc = store_resolve(st, want, b->digest);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			if (store_load(st, b->digest, prof) < 0)
				goto out;
			b->source = xstrdup("store");
		} else if (stat(want, &sb) == 0) {
			if (import_file(st, p, want, &b->cc, path_basename(want), b->digest, prof) < 0)
				goto out;
			b->source = path_absolute(want);
		} else {
			pgo_err("--pgo='%s': not off, auto, instrument, a stored profile or a file", want);
			goto out;
		}
		if (check_usable(prof, &b->cc, want) < 0) {
			profile_release(prof);
			goto out;
		}
		set_why(b, "using %s (%.12s)", want, b->digest);
		ret = 0;
	}
out:
	if (ret == 0 && b->digest[0])
		b->mode = prof->kind == PROFILE_SAMPLE ? MODE_SAMPLE : MODE_USE;
	free(def);
	return ret;
}

static const char sigdump_source[] =
	"/* Written by pgo: makes an instrumented program write its profile when\n"
	"   it is stopped by SIGTERM, SIGINT or SIGHUP with the default action,\n"
	"   and count its runs (one byte each in PGO_RUNS_FILE, for pgod). */\n"
	"#include <fcntl.h>\n"
	"#include <signal.h>\n"
	"#include <string.h>\n"
	"#include <unistd.h>\n"
	"extern int __llvm_profile_write_file(void) __attribute__((weak));\n"
	"extern void __gcov_dump(void) __attribute__((weak));\n"
	"static const int pgo_sigs[] = { SIGTERM, SIGINT, SIGHUP };\n"
	"static struct sigaction pgo_old[3];\n"
	"static void pgo_dump_on_signal(int sig)\n"
	"{\n"
	"\tint i;\n"
	"\t/* If writing hangs (the signal came inside malloc), die anyway. */\n"
	"\talarm(10);\n"
	"\tif (__llvm_profile_write_file)\n"
	"\t\t__llvm_profile_write_file();\n"
	"\tif (__gcov_dump)\n"
	"\t\t__gcov_dump();\n"
	"\tfor (i = 0; i < 3; i++) {\n"
	"\t\tif (pgo_sigs[i] != sig)\n"
	"\t\t\tcontinue;\n"
	"\t\t/* Another module's handler (a shared library built by pgo)\n"
	"\t\t   writes its own profile next. */\n"
	"\t\tif (pgo_old[i].sa_handler != SIG_DFL && pgo_old[i].sa_handler != SIG_IGN &&\n"
	"\t\t    !(pgo_old[i].sa_flags & SA_SIGINFO)) {\n"
	"\t\t\tpgo_old[i].sa_handler(sig);\n"
	"\t\t\treturn;\n"
	"\t\t}\n"
	"\t}\n"
	"\tsignal(sig, SIG_DFL);\n"
	"\traise(sig);\n"
	"}\n"
	"#ifdef PGO_SHARED_SPOOL\n"
	"/* A spool shared by every user of the program (pgod --system): each\n"
	"   user's runs write into their own subdirectory, which they own. */\n"
	"#include <stdio.h>\n"
	"#include <sys/stat.h>\n"
	"extern void __llvm_profile_set_filename(const char *) __attribute__((weak));\n"
	"#endif\n"
	"static void pgo_count_run(void)\n"
	"{\n"
	"\tconst char *runs = PGO_RUNS_FILE;\n"
	"\tint fd;\n"
	"#ifdef PGO_SHARED_SPOOL\n"
	"\tchar dir[4096], path[4200];\n"
	"\tsnprintf(dir, sizeof(dir), \"%s/u%lu\", PGO_SPOOL, (unsigned long)getuid());\n"
	"\tmkdir(dir, 0755);\n"
	"\tif (__llvm_profile_set_filename) {\n"
	"\t\tsnprintf(path, sizeof(path), \"%s/default_%%m.profraw\", dir);\n"
	"\t\t__llvm_profile_set_filename(path);\n"
	"\t}\n"
	"\tsnprintf(path, sizeof(path), \"%s/pgo-runs\", dir);\n"
	"\truns = path;\n"
	"#endif\n"
	"\tfd = open(runs, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);\n"
	"\tif (fd >= 0) {\n"
	"\t\tif (write(fd, \"1\", 1) < 0) {}\n"
	"\t\tclose(fd);\n"
	"\t}\n"
	"}\n"
	"__attribute__((constructor)) static void pgo_install_dump_on_signal(void)\n"
	"{\n"
	"\tint i;\n"
	"\tpgo_count_run();\n"
	"\tfor (i = 0; i < 3; i++) {\n"
	"\t\tstruct sigaction sa;\n"
	"\t\tif (sigaction(pgo_sigs[i], NULL, &pgo_old[i]) < 0 || pgo_old[i].sa_handler == SIG_IGN)\n"
	"\t\t\tcontinue;\n"
	"\t\tmemset(&sa, 0, sizeof(sa));\n"
	"\t\tsa.sa_handler = pgo_dump_on_signal;\n"
	"\t\tsigemptyset(&sa.sa_mask);\n"
	"\t\tsigaction(pgo_sigs[i], &sa, NULL);\n"
	"\t}\n"
	"}\n";

static int make_sigdump(struct project *p, struct build_setup *b)
{
	char *id = toolchain_id(&b->cc), *src = NULL, *obj = NULL, *dir = NULL;
	char hash[SHA256_HEX_LEN + 1];
	struct strbuf key = STRBUF_INIT, err = STRBUF_INIT, code = STRBUF_INIT;
	struct argv_array av = ARGV_ARRAY_INIT;
	int rc, ret = -1;

	/* The runs file is in the spool, compiled in as a C string. */
	strbuf_addstr(&code, "#define PGO_RUNS_FILE \"");
	for (const char *c = b->spool; *c; c++) {
		if ((unsigned char)*c < 0x20) {
			pgo_err("the spool path has a control character");
			goto out;
		}
		if (*c == '"' || *c == '\\')
			strbuf_addch(&code, '\\');
		strbuf_addch(&code, *c);
	}
	strbuf_addstr(&code, "/pgo-runs\"\n");
	{
		/* The spool itself, for the shared mode's per-user directories. */
		const char *runs_line = code.buf + strlen("#define PGO_RUNS_FILE ");
		size_t n = strlen(runs_line) - strlen("/pgo-runs\"\n");
		struct strbuf line = STRBUF_INIT;
		strbuf_addstr(&line, "#define PGO_SPOOL ");
		strbuf_add(&line, runs_line, n);
		strbuf_addstr(&line, "\"\n");
		if (getenv("PGO_SHARED_SPOOL"))
			strbuf_addstr(&line, "#define PGO_SHARED_SPOOL 1\n");
		strbuf_add(&code, line.buf, line.len);
		strbuf_release(&line);
	}
	strbuf_addstr(&code, sigdump_source);
	strbuf_addf(&key, "%s\n%s", id, code.buf);
	sha256_hex(key.buf, key.len, hash);
	if (!(dir = project_path(p, "objects")) || mkdir_p(dir, 0755) < 0)
		goto out;
	obj = xasprintf("%s/sigdump-%.16s.o", dir, hash);
	if (is_file(obj)) {
		ret = 0;
		goto out;
	}
	src = xasprintf("%s/sigdump-%.16s.c", dir, hash);
	if (write_file_durable(src, code.buf, code.len, 0644) < 0)
		goto out;
	for (size_t i = 0; i < b->cc_words.n; i++)
		argv_push(&av, b->cc_words.v[i]);
	argv_push(&av, "-O2");
	argv_push(&av, "-fPIC");
	argv_push(&av, "-c");
	argv_push(&av, src);
	argv_push(&av, "-o");
	argv_push(&av, obj);
	rc = run_capture(av.v, NULL, &err);
	if (rc != 0) {
		strbuf_trim_trailing_newline(&err);
		if (rc > 0)
			pgo_err("cannot compile the profile-on-signal object: %s", err.buf);
		goto out;
	}
	ret = 0;
out:
	if (ret == 0) {
		b->sigdump_obj = obj;
		obj = NULL;
	}
	free(id);
	free(src);
	free(obj);
	free(dir);
	argv_clear(&av);
	strbuf_release(&key);
	strbuf_release(&err);
	strbuf_release(&code);
	return ret;
}

static int make_note(struct project *p, struct build_setup *b)
{
	struct pgo_note n = PGO_NOTE_INIT;
	struct strbuf payload = STRBUF_INIT;
	char hash[SHA256_HEX_LEN + 1];
	char *id = toolchain_id(&b->cc), *dir = NULL;
	int ret = -1;

	n.mode = mode_name(b->mode);
	n.profile = b->digest;
	n.profile_source = b->source;
	n.toolchain = id;
	n.version = PGO_VERSION;
	if (pgo_note_emit(&n, &payload) < 0)
		goto out;
	sha256_hex(payload.buf, payload.len, hash);
	if (!(dir = project_path(p, "objects")) || mkdir_p(dir, 0755) < 0)
		goto out;
	b->note_obj = xasprintf("%s/note-%.16s.o", dir, hash);
	if (!is_file(b->note_obj) &&
	    elfnote_write_object(b->note_obj, &n, 1, HOST_MACHINE) < 0)
		goto out;
	ret = 0;
out:
	strbuf_release(&payload);
	free(id);
	free(dir);
	return ret;
}

static int materialize(struct project *p, struct build_setup *b, struct profile *prof)
{
	char *dir = project_path(p, "profiles");
	const char *ext = prof->kind == PROFILE_INSTR ? "profdata"
			  : prof->kind == PROFILE_SAMPLE ? "afdo.txt" : "gcda";
	int ret = -1;
	if (!dir || mkdir_p(dir, 0755) < 0)
		goto out;
	/* Named by digest and compiler: the same name always holds the same
	   bytes, so a materialized profile is reused as it is. */
	b->profile_path = xasprintf("%s/%s-%s-%u.%s", dir, b->digest,
				    b->cc.family == TC_GCC ? "gcc" : "clang", b->cc.major, ext);
	if (prof->kind == PROFILE_GCDA ? is_dir(b->profile_path) : is_file(b->profile_path)) {
		ret = 0;
		goto out;
	}
	ret = profile_write_for_compiler(prof, b->profile_path);
out:
	free(dir);
	return ret;
}

int spool_prepare(const char *spool)
{
	if (mkdir_p(spool, 0755) < 0)
		return -1;
	/* Shared (pgod --system): every user's runs make their own
	   directory in it. */
	if (getenv("PGO_SHARED_SPOOL") && chmod(spool, 01777) < 0)
		return pgo_err_errno("cannot make '%s' shared", spool);
	return 0;
}

static int new_spool(struct project *p, struct build_setup *b)
{
	char *base = project_path(p, "spool");
	char id[64];
	struct timespec ts;
	int ret = -1;
	if (!base || mkdir_p(base, 0755) < 0)
		goto out;
	/* Older spools belong to older instrumented binaries: what they hold
	   does not match the new build, so they go. */
	remove_tree(base);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(id, sizeof(id), "%lld-%ld", (long long)ts.tv_sec, (long)getpid());
	b->spool = path_join(base, id);
	ret = spool_prepare(b->spool);
out:
	free(base);
	return ret;
}

/* [train] counters and value-profiling: how the instrumented build counts. */
static int training_options(struct project *p, struct build_setup *b)
{
	const char *c = conf_get(&p->conf, "train", "counters");
	const char *vp = conf_get(&p->conf, "train", "value-profiling");
	int single = c && !strcmp(c, "single");
	int values = (vp && !strcmp(vp, "yes")) || getenv("PGO_VALUE_PROFILING");

	if (c && strcmp(c, "atomic") && strcmp(c, "single"))
		return pgo_err("pgo.conf: [train] counters is 'atomic' or 'single', not '%s'", c);
	if (vp && strcmp(vp, "yes") && strcmp(vp, "no"))
		return pgo_err("pgo.conf: [train] value-profiling is 'yes' or 'no', not '%s'", vp);
	if (single)
		argv_push(&b->env, "PGO_COUNTERS=single");
	if (values)
		argv_push(&b->env, "PGO_VALUE_PROFILING=1");
	/* Part of what the objects depend on: a change rebuilds them. */
	if (single || values)
		b->options = xasprintf("counters=%s,value-profiling=%s",
				       single ? "single" : "atomic", values ? "yes" : "no");
	return 0;
}

/* The wrapper's executable: pgo-cc next to this pgo, built without the
   libraries that only the rest of pgo needs; this pgo itself (which is
   the wrapper too, by argv[0]) where there is none. */
static char *wrapper_exe(void)
{
	char *self = self_exe_path(), *slash, *cc;
	if (!self || !(slash = strrchr(self, '/')))
		return self;
	cc = xasprintf("%.*s/pgo-cc", (int)(slash - self), self);
	if (access(cc, X_OK) == 0) {
		free(self);
		return cc;
	}
	free(cc);
	return self;
}

/* ROOT/.pgo/bin/pgo-cc and pgo-c++: links to the wrapper, named so that
   it knows from argv[0] which language it compiles. */
static int wrapper_links(struct project *p, char **cc_out, char **cxx_out)
{
	char *bin = project_path(p, "bin"), *self = wrapper_exe();
	const char *names[] = { "pgo-cc", "pgo-c++" };
	char **outs[] = { cc_out, cxx_out };
	int ret = 0;
	if (!bin || !self || mkdir_p(bin, 0755) < 0) {
		free(bin);
		free(self);
		return pgo_err("cannot set up the wrapper links");
	}
	for (int i = 0; i < 2; i++) {
		char *link = path_join(bin, names[i]);
		char cur[4096];
		ssize_t n = readlink(link, cur, sizeof(cur) - 1);
		if (n < 0 || (size_t)n != strlen(self) || strncmp(cur, self, (size_t)n)) {
			char *tmp = xasprintf("%s.tmp.%ld", link, (long)getpid());
			unlink(tmp);
			if (symlink(self, tmp) < 0 || rename(tmp, link) < 0) {
				ret = pgo_err_errno("cannot create '%s'", link);
				unlink(tmp);
			}
			free(tmp);
		}
		*outs[i] = link;
	}
	free(bin);
	free(self);
	return ret;
}

static char *words_string(const struct argv_array *w)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		/* Quoted for conf_split_command(), the wrapper's reader. */
		if (strpbrk(w->v[i], " \t'\"\\$")) {
			strbuf_addch(&sb, '\'');
			for (const char *c = w->v[i]; *c; c++) {
				if (*c == '\'')
					strbuf_addstr(&sb, "'\\''");
				else
					strbuf_addch(&sb, *c);
			}
			strbuf_addch(&sb, '\'');
		} else {
			strbuf_addstr(&sb, w->v[i]);
		}
	}
	return strbuf_detach(&sb, NULL);
}

int build_prepare(struct store *st, struct project *p, const struct build_request *req,
		  struct build_setup *b)
{
	struct profile prof;
	struct project_state last;
	char *cc_link = NULL, *cxx_link = NULL, *s;
	char *ccid, *cxxid;
	int ret = -1;

	memset(b, 0, sizeof(*b));
	profile_init(&prof, PROFILE_NONE);
	project_state_init(&last);
	if (pick_compilers(p, req, b) < 0)
		goto out;
	if (choose_profile(st, p, req, b, &prof) < 0)
		goto out;
	if ((b->mode == MODE_USE || b->mode == MODE_SAMPLE) && materialize(p, b, &prof) < 0) {
		pgo_err_prefix("cannot materialize profile %.12s for the compiler", b->digest);
		goto out;
	}
	if (b->mode == MODE_INSTRUMENT && (new_spool(p, b) < 0 || make_sigdump(p, b) < 0 ||
					   training_options(p, b) < 0))
		goto out;
	if (b->mode != MODE_OFF && make_note(p, b) < 0) {
		pgo_err_prefix("cannot make the ELF note object");
		goto out;
	}
	if (wrapper_links(p, &cc_link, &cxx_link) < 0)
		goto out;
	b->wrapper_log = project_path(p, "wrapper.log");
	b->diag_log = project_path(p, "diagnostics.log");

	ccid = toolchain_id(&b->cc);
	cxxid = b->cxx.family ? toolchain_id(&b->cxx) : xstrdup("");
	argv_pushf(&b->env, "CC=%s", cc_link);
	argv_pushf(&b->env, "CXX=%s", cxx_link);
	argv_pushf(&b->env, "PGO_MODE=%s", mode_name(b->mode));
	s = words_string(&b->cc_words);
	argv_pushf(&b->env, "PGO_CC=%s", s);
	free(s);
	s = words_string(&b->cxx_words);
	argv_pushf(&b->env, "PGO_CXX=%s", s);
	free(s);
	argv_pushf(&b->env, "PGO_CC_ID=%s", ccid);
	argv_pushf(&b->env, "PGO_CXX_ID=%s", cxxid);
	argv_pushf(&b->env, "PGO_ROOT=%s", p->root);
	argv_pushf(&b->env, "PGO_BUILD_ROOT=%s", req->build_root ? req->build_root : p->root);
	argv_pushf(&b->env, "PGO_LOG=%s", b->wrapper_log);
	argv_pushf(&b->env, "PGO_DIAG_LOG=%s", b->diag_log);
	argv_pushf(&b->env, "PGO_DIGEST=%s", b->digest);
	if (b->profile_path)
		argv_pushf(&b->env, "PGO_PROFILE=%s", b->profile_path);
	if (b->spool)
		argv_pushf(&b->env, "PGO_SPOOL=%s", b->spool);
	if (b->note_obj)
		argv_pushf(&b->env, "PGO_NOTE_OBJ=%s", b->note_obj);
	if (b->sigdump_obj)
		argv_pushf(&b->env, "PGO_SIGDUMP_OBJ=%s", b->sigdump_obj);
	/* Value profiles are used where the profile has them; where it has
	   none, the compiler is told not to look for them (it warns about
	   every function otherwise). */
	if (b->mode == MODE_USE && prof.kind == PROFILE_INSTR && instr_has_values(&prof.u.instr))
		argv_push(&b->env, "PGO_VALUE_PROFILING=1");
	/* ccache in front of the wrapper only sees the wrapper: make the
	   mode, the profile and the real compiler part of its key. */
	argv_pushf(&b->env, "CCACHE_COMPILERCHECK=string:pgo-%s-%s-%s%s%s", mode_name(b->mode),
		   b->digest[0] ? b->digest : "none", ccid, b->options ? "-" : "",
		   b->options ? b->options : "");

	if (project_state_read(p, &last) == 0 && last.mode) {
		/* The source is in the note every link gets: a change of it
		   alone must relink too. */
		b->changed = strcmp(last.mode, mode_name(b->mode)) ||
			     strcmp(last.digest ? last.digest : "", b->digest) ||
			     strcmp(last.compiler ? last.compiler : "", ccid) ||
			     strcmp(last.source ? last.source : "", b->source ? b->source : "") ||
			     strcmp(last.options ? last.options : "", b->options ? b->options : "");
	}
	free(ccid);
	free(cxxid);
	ret = 0;
out:
	/* On failure nothing of the setup is left for the caller. */
	if (ret < 0)
		build_setup_release(b);
	free(cc_link);
	free(cxx_link);
	profile_release(&prof);
	project_state_release(&last);
	return ret;
}

int build_record(struct project *p, const struct build_setup *b)
{
	struct project_state s;
	int rc;
	if (project_state_read(p, &s) < 0)
		project_state_init(&s);
	free(s.mode);
	s.mode = xstrdup(mode_name(b->mode));
	free(s.digest);
	s.digest = xstrdup(b->digest);
	free(s.compiler);
	s.compiler = toolchain_id(&b->cc);
	free(s.source);
	s.source = b->source ? xstrdup(b->source) : NULL;
	free(s.options);
	s.options = b->options ? xstrdup(b->options) : NULL;
	s.built = (int64_t)time(NULL);
	if (b->mode == MODE_INSTRUMENT) {
		free(s.spool);
		s.spool = xstrdup(b->spool);
		free(s.cumulative);
		s.cumulative = NULL;
		free(s.last_run);
		s.last_run = NULL;
		s.runs = 0;
	}
	rc = project_state_write(p, &s);
	project_state_release(&s);
	return rc;
}
