#include "wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "banned.h"

static const char *const mode_names[] = { "off", "instrument", "use", "sample" };

const char *mode_name(enum pgo_mode m)
{
	return (size_t)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "off";
}

int mode_parse(const char *s, enum pgo_mode *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = (enum pgo_mode)i;
			return 0;
		}
	}
	return pgo_err("unknown mode '%s' (expected off, instrument, use or sample)", s);
}

/* Options whose value is the next argument. */
static const char *const takes_arg[] = {
	"-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter",
	"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-L", "-l", "-MF", "-MT",
	"-MQ", "-x", "-Xlinker", "-Xpreprocessor", "-Xassembler", "-Xclang", "-T", "-u", "-z",
	"-e", "--param", "-aux-info", "-target", "-arch", "-dumpbase", "-dumpdir", "-A",
	"-G", "-mllvm", "-Xarch_host", "-Xarch_device", "-working-directory", "-ivfsoverlay",
	"-imultilib", "--sysroot", "-B", "-specs", "--serialize-diagnostics", "-Xopenmp-target",
};

static int needs_value(const char *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(takes_arg); i++)
		if (!strcmp(a, takes_arg[i]))
			return 1;
	return 0;
}

static int source_ext(const char *path)
{
	static const char *const exts[] = { ".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".cp",
					    ".CPP", ".m", ".mm", ".i", ".ii", ".S", ".sx",
					    ".s" };
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (!strcmp(dot, exts[i]))
			return 1;
	return 0;
}

/* GCC's response-file syntax: whitespace-separated, quotes and backslash. */
static int read_response(const char *path, struct argv_array *out, int depth)
{
	struct strbuf sb = STRBUF_INIT, w = STRBUF_INIT;
	const char *p;
	int in = 0;
	if (depth > 8)
		return pgo_err("response files nest too deeply at '%s'", path);
	if (read_file(path, &sb, 16 << 20) < 0)
		return -1;
	for (p = sb.buf; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (in) {
				argv_push(out, w.buf);
				strbuf_reset(&w);
				in = 0;
			}
			continue;
		}
		in = 1;
		if (*p == '\\' && p[1]) {
			strbuf_addch(&w, *++p);
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				strbuf_addch(&w, *p++);
			}
			if (!*p)
				break;
		} else {
			strbuf_addch(&w, *p);
		}
	}
	if (in)
		argv_push(out, w.buf);
	strbuf_release(&sb);
	strbuf_release(&w);
	return 0;
}

static int expand_args(int argc, const char *const *argv, struct argv_array *out, int depth)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '@' && argv[i][1]) {
			struct argv_array sub = ARGV_ARRAY_INIT;
			int rc = read_response(argv[i] + 1, &sub, depth);
			if (rc == 0) {
				/* sub.v has no argv[0]: shift by one through a copy. */
				struct argv_array tmp = ARGV_ARRAY_INIT;
				argv_push(&tmp, "");
				for (size_t k = 0; k < sub.n; k++)
					argv_push(&tmp, sub.v[k]);
				rc = expand_args((int)tmp.n, tmp.v, out, depth + 1);
				argv_clear(&tmp);
			}
			argv_clear(&sub);
			if (rc < 0)
				return -1;
			continue;
		}
		argv_push(out, argv[i]);
	}
	return 0;
}

unsigned wrap_llvm_opt_of(const char *arg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} opts[] = {
		{ "-instrprof-atomic-counter-update-all", LLVM_ATOMIC },
		{ "-disable-vp", LLVM_DISABLE_VP },
		{ "-static-func-strip-dirname-prefix", LLVM_STRIP_PREFIX },
		{ "-pgo-warn-missing-function", LLVM_WARN_MISSING },
		{ "-sample-profile-use-profi", LLVM_PROFI },
	};
	/* LLVM accepts -name and --name, with =value or without. */
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		size_t n = strlen(opts[i].name);
		if (!strncmp(arg, opts[i].name, n) && (arg[n] == '\0' || arg[n] == '='))
			return opts[i].bit;
	}
	return 0;
}

int wrap_classify(int argc, const char *const *argv, struct wrap_args *a)
{
	struct argv_array args = ARGV_ARRAY_INIT;
	int md = 0, m_only = 0, lang_none = 1, lang_source = 0;

	memset(a, 0, sizeof(*a));
	if (expand_args(argc, argv, &args, 0) < 0)
		return -1;
	for (size_t i = 0; i < args.n; i++) {
		const char *s = args.v[i];
		if (s[0] != '-' || !s[1]) {
			/* An input (or "-" = stdin, a source given with -x). */
			a->ninputs++;
			if ((lang_none && source_ext(s)) || (!lang_none && lang_source) ||
			    !strcmp(s, "-"))
				a->nsources++;
			continue;
		}
		if (!strcmp(s, "-mllvm") && i + 1 < args.n)
			a->user_llvm |= wrap_llvm_opt_of(args.v[i + 1]);
		else if (str_starts_with(s, "-mllvm=")) /* clang 16+ spelling */
			a->user_llvm |= wrap_llvm_opt_of(s + 7);
		if (str_starts_with(s, "-fprofile-update="))
			a->user_update = !strcmp(s, "-fprofile-update=single") ? UPDATE_SINGLE : UPDATE_ATOMIC;
		if (!strcmp(s, "-c"))
			a->compile_only = 1;
		else if (!strcmp(s, "-S"))
			a->asm_only = 1;
		else if (!strcmp(s, "-E"))
			a->preprocess = 1;
		else if (!strcmp(s, "-M") || !strcmp(s, "-MM"))
			m_only = 1;
		else if (!strcmp(s, "-MD") || !strcmp(s, "-MMD"))
			md = 1;
		else if (!strcmp(s, "-fsyntax-only"))
			a->syntax_only = 1;
		else if (!strcmp(s, "-shared"))
			a->shared = 1;
		else if (str_starts_with(s, "-fprofile-generate") || str_starts_with(s, "-fprofile-use") ||
			 str_starts_with(s, "-fprofile-instr-") || str_starts_with(s, "-fprofile-sample-use") ||
			 str_starts_with(s, "-fauto-profile") || str_starts_with(s, "-fcs-profile-generate") ||
			 !strcmp(s, "-fprofile-arcs") || !strcmp(s, "--coverage"))
			a->has_user_profile = 1;
		if (!strcmp(s, "-x") && i + 1 < args.n) {
			const char *lang = args.v[i + 1];
			lang_none = !strcmp(lang, "none");
			lang_source = !strcmp(lang, "c") || !strcmp(lang, "c++") ||
				      !strcmp(lang, "objective-c") || !strcmp(lang, "objective-c++") ||
				      !strcmp(lang, "assembler-with-cpp") || !strcmp(lang, "cpp-output") ||
				      !strcmp(lang, "c++-cpp-output");
			i++;
			continue;
		}
		if (str_starts_with(s, "-x") && s[2]) {
			const char *lang = s + 2;
			lang_none = !strcmp(lang, "none");
			lang_source = !strcmp(lang, "c") || !strcmp(lang, "c++") ||
				      !strcmp(lang, "assembler-with-cpp");
			continue;
		}
		if (needs_value(s) && i + 1 < args.n)
			i++;
	}
	if (m_only && !md)
		a->preprocess = 1;
	if (!a->ninputs)
		a->info = 1;
	argv_clear(&args);

	/* First source and output, from the original argv (stable pointers). */
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (s[0] == '-' && s[1]) {
			if (!strcmp(s, "-o") && i + 1 < argc)
				a->output = argv[i + 1];
			if (needs_value(s))
				i++;
			continue;
		}
		if (s[0] != '@' && source_ext(s) && !a->first_source)
			a->first_source = s;
	}
	return 0;
}

int wrap_compiles(const struct wrap_args *a)
{
	return !a->info && !a->preprocess && !a->syntax_only && a->nsources > 0;
}

int wrap_links(const struct wrap_args *a)
{
	return !a->info && !a->preprocess && !a->syntax_only && !a->compile_only && !a->asm_only &&
	       a->ninputs > 0;
}

unsigned wrap_strip_level(const char *source, const char *root)
{
	size_t rl;
	unsigned n = 0;
	if (!source || !root || source[0] != '/' || root[0] != '/')
		return 0;
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (strncmp(source, root, rl) || source[rl] != '/')
		return 0;
	/* LLVM strips N leading '/'-separated components: count the slashes
	   of the root and the one after it. */
	for (size_t i = 0; i < rl; i++)
		if (root[i] == '/')
			n++;
	return n + 1;
}

/* -mllvm OPT, unless the user passes that option already. */
static void push_llvm(struct argv_array *out, const struct wrap_args *a, const char *opt)
{
	if (a->user_llvm & wrap_llvm_opt_of(opt))
		return;
	argv_push(out, "-mllvm");
	argv_push(out, opt);
}

static void push_clang_names(struct argv_array *out, const struct wrap_args *a,
			     const struct wrap_env *env)
{
	unsigned n = wrap_strip_level(a->first_source, env->root);
	if (n) {
		char opt[64];
		snprintf(opt, sizeof(opt), "-static-func-strip-dirname-prefix=%u", n);
		push_llvm(out, a, opt);
	}
}

int wrap_build_argv(const struct toolchain *tc, const struct wrap_env *env,
		    const struct argv_array *compiler, int argc, const char *const *argv,
		    const struct wrap_args *a, struct argv_array *out)
{
	int compiles = wrap_compiles(a), links = wrap_links(a);
	int clang = tc->family == TC_CLANG, gcc = tc->family == TC_GCC;

	for (size_t i = 0; i < compiler->n; i++)
		argv_push(out, compiler->v[i]);
	for (int i = 1; i < argc; i++)
		argv_push(out, argv[i]);
	if (env->mode == MODE_OFF || (!compiles && !links) || a->has_user_profile)
		return 0;
	if (!clang && !gcc)
		return pgo_err("compiler family is unknown; cannot apply mode '%s'",
			       mode_name(env->mode));

	switch (env->mode) {
	case MODE_INSTRUMENT:
		if (!env->spool)
			return pgo_err("instrument mode without a spool directory (PGO_SPOOL)");
		argv_pushf(out, "-fprofile-generate=%s", env->spool);
		if (clang && compiles) {
			/* -mllvm options on a pure link are unused, and clang
			   says so: only compiles get them. */
			/* Exact counts in threaded programs, unless pgo.conf
			   or the user's -fprofile-update=single says the
			   program has one thread.  clang before 19 ignores
			   -fprofile-update with -fprofile-generate. */
			if (!env->single_counters && a->user_update != UPDATE_SINGLE) {
				if (tc->major < 19)
					push_llvm(out, a, "-instrprof-atomic-counter-update-all");
				if (tc->major >= 15 && !a->user_update)
					argv_push(out, "-fprofile-update=atomic");
			}
			if (!env->value_profiling)
				push_llvm(out, a, "-disable-vp=true");
			push_clang_names(out, a, env);
		} else if (gcc) {
			if (!env->single_counters && !a->user_update)
				argv_push(out, "-fprofile-update=atomic");
			if (env->build_root)
				argv_pushf(out, "-fprofile-prefix-path=%s", env->build_root);
		}
		break;
	case MODE_USE:
		if (!env->profile)
			return pgo_err("use mode without a profile (PGO_PROFILE)");
		if (!compiles)
			break; /* A pure link needs nothing from the profile. */
		argv_pushf(out, "-fprofile-use=%s", env->profile);
		if (clang) {
			push_clang_names(out, a, env);
			/* A profile without value sites, used with value
			   profiling on, draws a warning for every function. */
			if (!env->value_profiling)
				push_llvm(out, a, "-disable-vp=true");
			push_llvm(out, a, "-pgo-warn-missing-function");
			argv_push(out, "-Wno-error=backend-plugin");
			argv_push(out, "-Wno-error=profile-instr-out-of-date");
			argv_push(out, "-Wno-error=profile-instr-unprofiled");
			argv_push(out, "-Wno-error=profile-instr-missing");
		} else {
			if (env->build_root)
				argv_pushf(out, "-fprofile-prefix-path=%s", env->build_root);
			argv_push(out, "-Wno-error=missing-profile");
			argv_push(out, "-Wno-error=coverage-mismatch");
		}
		break;
	case MODE_SAMPLE:
		if (!env->profile)
			return pgo_err("sample mode without a profile (PGO_PROFILE)");
		if (!clang)
			return pgo_err("sample profiles are supported with clang only");
		if (compiles) {
			argv_pushf(out, "-fprofile-sample-use=%s", env->profile);
			argv_push(out, "-fdebug-info-for-profiling");
			if (tc->major >= 19) {
				argv_push(out, "-fsample-profile-use-profi");
			} else {
				push_llvm(out, a, "-sample-profile-use-profi");
			}
		}
		break;
	case MODE_OFF:
		break;
	}
	if (links) {
		if (env->note_obj)
			argv_push(out, env->note_obj);
		if (env->mode == MODE_INSTRUMENT && env->sigdump_obj)
			argv_push(out, env->sigdump_obj);
	}
	return 0;
}

enum wrap_diag wrap_classify_diag(const char *line, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	enum wrap_diag d = DIAG_NONE;
	strbuf_add(&sb, line, len);
	if (strstr(sb.buf, "hash mismatch") || strstr(sb.buf, "profile data may be out of date") ||
	    strstr(sb.buf, "-Wcoverage-mismatch"))
		d = DIAG_MISMATCH;
	else if (strstr(sb.buf, "no profile data available for function") ||
		 strstr(sb.buf, "-Wmissing-profile") ||
		 strstr(sb.buf, "profile data may be incomplete") ||
		 strstr(sb.buf, "no profile data available for file"))
		d = DIAG_MISSING;
	strbuf_release(&sb);
	return d;
}
