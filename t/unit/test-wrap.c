/* Unit tests for the wrapper's logic (wrap.c) and pgo.conf (conf.c). */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "conf.h"
#include "fsutil.h"
#include "wrap.h"

static int classify(const char *const *argv, struct wrap_args *a)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return wrap_classify(argc, argv, a);
}

static int has(const struct argv_array *av, const char *s)
{
	for (size_t i = 0; i < av->n; i++)
		if (!strcmp(av->v[i], s))
			return 1;
	return 0;
}

static int count(const struct argv_array *av, const char *s)
{
	int n = 0;
	for (size_t i = 0; i < av->n; i++)
		n += !strcmp(av->v[i], s);
	return n;
}

static void test_classify(void)
{
	struct wrap_args a;
	{
		const char *v[] = { "cc", "-O2", "-c", "a.c", "-o", "a.o", NULL };
		CHECK(classify(v, &a) == 0);
		CHECK(wrap_compiles(&a) && !wrap_links(&a));
		CHECK_STR(a.first_source, "a.c");
		CHECK_STR(a.output, "a.o");
	}
	{
		const char *v[] = { "cc", "a.o", "b.o", "-lm", "-o", "prog", NULL };
		CHECK(classify(v, &a) == 0);
		CHECK(!wrap_compiles(&a) && wrap_links(&a));
	}
	{
		const char *v[] = { "cc", "-O2", "a.c", "b.c", "-o", "prog", NULL };
		CHECK(classify(v, &a) == 0);
		CHECK(wrap_compiles(&a) && wrap_links(&a) && a.nsources == 2);
	}
	{
		const char *v[] = { "cc", "--version", NULL };
		CHECK(classify(v, &a) == 0 && a.info && !wrap_compiles(&a) && !wrap_links(&a));
	}
	{
		const char *v[] = { "cc", "-E", "a.c", NULL };
		CHECK(classify(v, &a) == 0 && !wrap_compiles(&a) && !wrap_links(&a));
	}
	{
		const char *v[] = { "cc", "-M", "a.c", NULL };
		CHECK(classify(v, &a) == 0 && !wrap_compiles(&a) && !wrap_links(&a));
	}
	{
		/* Dependency generation as a side effect of compiling is a compile. */
		const char *v[] = { "cc", "-MMD", "-MF", "a.d", "-c", "a.c", NULL };
		CHECK(classify(v, &a) == 0 && wrap_compiles(&a));
	}
	{
		const char *v[] = { "cc", "-fsyntax-only", "a.c", NULL };
		CHECK(classify(v, &a) == 0 && !wrap_compiles(&a) && !wrap_links(&a));
	}
	{
		/* -x c makes any file a source; -x none ends it. */
		const char *v[] = { "cc", "-c", "-x", "c", "conftest.txt", NULL };
		CHECK(classify(v, &a) == 0 && wrap_compiles(&a) && a.nsources == 1);
	}
	{
		const char *v[] = { "cc", "-x", "c", "-", "-x", "none", "lib.a", "-o", "p", NULL };
		CHECK(classify(v, &a) == 0 && a.nsources == 1 && a.ninputs == 2 && wrap_links(&a));
	}
	{
		/* -o's value is not an input, -I's neither. */
		const char *v[] = { "cc", "-I", "inc.c", "-o", "x.c", "-c", "y.c", NULL };
		CHECK(classify(v, &a) == 0 && a.nsources == 1 && a.ninputs == 1);
	}
	{
		const char *v[] = { "cc", "-shared", "-fPIC", "a.o", "-o", "liba.so", NULL };
		CHECK(classify(v, &a) == 0 && a.shared && wrap_links(&a));
	}
	{
		const char *v[] = { "cc", "-fprofile-use=x.profdata", "-c", "a.c", NULL };
		CHECK(classify(v, &a) == 0 && a.has_user_profile);
	}
	{
		/* Response files are read for classification. */
		char *dir = make_temp_dir("pgo-test-wrap");
		char *rsp = path_join(dir, "args.rsp"), *arg;
		CHECK(write_file_durable(rsp, "-O2 \"-c\"\n'my file.c' -o out.o\n", 31, 0600) == 0);
		arg = xasprintf("@%s", rsp);
		{
			const char *v[] = { "cc", arg, NULL };
			CHECK(classify(v, &a) == 0 && wrap_compiles(&a) && !wrap_links(&a) &&
			      a.nsources == 1);
		}
		{
			const char *v[] = { "cc", "@/nonexistent/file.rsp", NULL };
			CHECK(classify(v, &a) < 0);
			CHECK(strstr(pgo_errmsg(), "/nonexistent/file.rsp") != NULL);
		}
		free(arg);
		remove_tree(dir);
		free(dir);
		free(rsp);
	}
}

static void test_strip(void)
{
	CHECK(wrap_strip_level("/home/u/proj/src/a.c", "/home/u/proj") == 4);
	CHECK(wrap_strip_level("/home/u/proj/src/a.c", "/home/u/proj/") == 4);
	CHECK(wrap_strip_level("/a/b/c/d/e/proj/x.c", "/a/b/c/d/e/proj") == 7);
	CHECK(wrap_strip_level("src/a.c", "/home/u/proj") == 0);
	CHECK(wrap_strip_level("/elsewhere/a.c", "/home/u/proj") == 0);
	CHECK(wrap_strip_level("/home/u/project2/a.c", "/home/u/proj") == 0);
}

static void test_build_argv(void)
{
	struct toolchain clang14 = { TC_CLANG, 14, 0, 6, NULL }, clang22 = { TC_CLANG, 22, 1, 8, NULL };
	struct toolchain gcc12 = { TC_GCC, 12, 2, 0, NULL };
	struct argv_array compiler = ARGV_ARRAY_INIT, out = ARGV_ARRAY_INIT;
	struct wrap_env env;
	struct wrap_args a;
	const char *compile[] = { "cc", "-O2", "-c", "/p/src/a.c", "-o", "a.o", NULL };
	const char *link[] = { "cc", "a.o", "-o", "prog", NULL };

	argv_push(&compiler, "ccache");
	argv_push(&compiler, "clang-14");
	memset(&env, 0, sizeof(env));
	env.mode = MODE_INSTRUMENT;
	env.spool = "/s";
	env.root = "/p";
	env.note_obj = "/n.o";
	env.sigdump_obj = "/sd.o";
	classify(compile, &a);
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK_STR(out.v[0], "ccache");
	CHECK_STR(out.v[1], "clang-14");
	CHECK_STR(out.v[2], "-O2");
	CHECK(has(&out, "-fprofile-generate=/s"));
	CHECK(has(&out, "-instrprof-atomic-counter-update-all"));
	CHECK(!has(&out, "-fprofile-update=atomic"));   /* ignored by clang-14 */
	CHECK(has(&out, "-disable-vp=true"));
	CHECK(has(&out, "-static-func-strip-dirname-prefix=2"));
	CHECK(!has(&out, "/n.o"));                         /* not a link */
	argv_clear(&out);

	CHECK(wrap_build_argv(&clang22, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(has(&out, "-fprofile-update=atomic"));
	CHECK(!has(&out, "-instrprof-atomic-counter-update-all"));  /* not needed from 19 */
	argv_clear(&out);

	/* [train] counters = single: plain increments. */
	env.single_counters = 1;
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(!has(&out, "-instrprof-atomic-counter-update-all") && has(&out, "-disable-vp=true"));
	argv_clear(&out);
	CHECK(wrap_build_argv(&clang22, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(!has(&out, "-fprofile-update=atomic"));
	argv_clear(&out);
	CHECK(wrap_build_argv(&gcc12, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(!has(&out, "-fprofile-update=atomic"));
	argv_clear(&out);
	env.single_counters = 0;

	{
		/* LLVM refuses an option given twice: the user's copy wins,
		   through a response file too. */
		const char *dup[] = { "cc", "-mllvm", "-disable-vp=false", "-mllvm",
				      "--instrprof-atomic-counter-update-all", "-fprofile-update=single",
				      "-c", "/p/src/a.c", NULL };
		classify(dup, &a);
		CHECK(wrap_build_argv(&clang14, &env, &compiler, 8, dup, &a, &out) == 0);
		CHECK(count(&out, "-mllvm") == 3);   /* the user's two and the name stripping */
		CHECK(!has(&out, "-disable-vp=true") && !has(&out, "-instrprof-atomic-counter-update-all"));
		CHECK(has(&out, "-static-func-strip-dirname-prefix=2"));
		argv_clear(&out);
		CHECK(wrap_build_argv(&clang22, &env, &compiler, 8, dup, &a, &out) == 0);
		CHECK(!has(&out, "-fprofile-update=atomic"));
		argv_clear(&out);
	}
	{
		/* -fprofile-update=atomic of the user's: clang-14 ignores it,
		   so pgo's -mllvm option still makes the counts exact. */
		const char *upd[] = { "cc", "-fprofile-update=atomic", "-c", "/p/src/a.c", NULL };
		classify(upd, &a);
		CHECK(wrap_build_argv(&clang14, &env, &compiler, 4, upd, &a, &out) == 0);
		CHECK(has(&out, "-instrprof-atomic-counter-update-all"));
		argv_clear(&out);
		CHECK(wrap_build_argv(&clang22, &env, &compiler, 4, upd, &a, &out) == 0);
		CHECK(count(&out, "-fprofile-update=atomic") == 1);
		argv_clear(&out);
		CHECK(wrap_llvm_opt_of("-disable-vp") == LLVM_DISABLE_VP);
		CHECK(wrap_llvm_opt_of("-disable-vp-other") == 0);
		CHECK(wrap_llvm_opt_of("-static-func-strip-dirname-prefix=3") == LLVM_STRIP_PREFIX);
		CHECK(wrap_llvm_opt_of("-mllvm") == 0);
	}

	env.value_profiling = 1;
	CHECK(wrap_build_argv(&clang22, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(!has(&out, "-disable-vp=true"));
	env.value_profiling = 0;
	argv_clear(&out);

	classify(link, &a);
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 4, link, &a, &out) == 0);
	CHECK(has(&out, "-fprofile-generate=/s") && has(&out, "/n.o") && has(&out, "/sd.o"));
	CHECK(!has(&out, "-mllvm"));  /* unused on a pure link */
	CHECK_STR(out.v[out.n - 1], "/sd.o");
	argv_clear(&out);

	env.mode = MODE_USE;
	env.profile = "/x.profdata";
	classify(compile, &a);
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(has(&out, "-fprofile-use=/x.profdata"));
	CHECK(has(&out, "-pgo-warn-missing-function"));
	CHECK(has(&out, "-disable-vp=true"));   /* as when the profile was made */
	CHECK(has(&out, "-Wno-error=backend-plugin"));
	CHECK(has(&out, "-static-func-strip-dirname-prefix=2"));
	argv_clear(&out);
	env.value_profiling = 1;   /* a profile with value sites */
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(!has(&out, "-disable-vp=true"));
	env.value_profiling = 0;
	argv_clear(&out);
	classify(link, &a);
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 4, link, &a, &out) == 0);
	CHECK(!has(&out, "-fprofile-use=/x.profdata") && has(&out, "/n.o") && !has(&out, "/sd.o"));
	argv_clear(&out);

	env.mode = MODE_INSTRUMENT;
	env.build_root = "/p/build";
	classify(compile, &a);
	CHECK(wrap_build_argv(&gcc12, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(has(&out, "-fprofile-generate=/s") && has(&out, "-fprofile-update=atomic") &&
	      has(&out, "-fprofile-prefix-path=/p/build") && !has(&out, "-mllvm"));
	argv_clear(&out);
	env.mode = MODE_USE;
	env.profile = "/gcda";
	CHECK(wrap_build_argv(&gcc12, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(has(&out, "-fprofile-use=/gcda") && has(&out, "-Wno-error=missing-profile"));
	argv_clear(&out);

	/* Off, and invocations that neither compile nor link, are untouched. */
	env.mode = MODE_OFF;
	CHECK(wrap_build_argv(&clang14, &env, &compiler, 6, compile, &a, &out) == 0);
	CHECK(out.n == 7 && count(&out, "-fprofile-use=/gcda") == 0);
	argv_clear(&out);
	{
		const char *pre[] = { "cc", "-E", "/p/src/a.c", NULL };
		env.mode = MODE_INSTRUMENT;
		classify(pre, &a);
		CHECK(wrap_build_argv(&clang14, &env, &compiler, 3, pre, &a, &out) == 0);
		CHECK(out.n == 4);
		argv_clear(&out);
	}
	{
		/* The user's own profile flags win: pgo adds nothing. */
		const char *own[] = { "cc", "-fprofile-generate", "-c", "a.c", NULL };
		classify(own, &a);
		CHECK(wrap_build_argv(&clang14, &env, &compiler, 4, own, &a, &out) == 0);
		CHECK(out.n == 5);
		argv_clear(&out);
	}
	{
		struct toolchain unknown = { TC_UNKNOWN, 0, 0, 0, NULL };
		classify(compile, &a);
		CHECK(wrap_build_argv(&unknown, &env, &compiler, 6, compile, &a, &out) < 0);
		argv_clear(&out);
	}
	argv_clear(&compiler);
}

static void test_diag(void)
{
	const char *m = "warning: work.c: function control flow change detected (hash mismatch) util_mix Hash = 1 [-Wbackend-plugin]";
	const char *n = "warning: util.c: no profile data available for function util_new Hash = 7 [-Wbackend-plugin]";
	const char *g = "a.c:3:5: warning: profile for function 'f' not found in profile data [-Wmissing-profile]";
	CHECK(wrap_classify_diag(m, strlen(m)) == DIAG_MISMATCH);
	CHECK(wrap_classify_diag(n, strlen(n)) == DIAG_MISSING);
	CHECK(wrap_classify_diag(g, strlen(g)) == DIAG_MISSING);
	CHECK(wrap_classify_diag("a.c:1: error: x", 15) == DIAG_NONE);
}

static void test_conf(void)
{
	struct conf c;
	struct argv_array av = ARGV_ARRAY_INIT;
	const struct conf_entry **all;
	const char *text = "# comment\n[project]\nname = calc\n\n[train]\ncommand = ./calc a.x\ncommand = ./calc 'b c.x'\n";
	conf_init(&c);
	CHECK(conf_parse("t.conf", text, strlen(text), &c) == 0);
	CHECK_STR(conf_get(&c, "project", "name"), "calc");
	CHECK(conf_get(&c, "project", "missing") == NULL);
	CHECK(conf_get_all(&c, "train", "command", &all) == 2);
	CHECK(all[1]->line == 7);
	free(all);
	conf_release(&c);

	conf_init(&c);
	CHECK(conf_parse("t.conf", "name = x\n", 9, &c) < 0);
	CHECK_STR(pgo_errmsg(), "'t.conf': line 1: 'name ' is outside any [section]");
	conf_release(&c);
	conf_init(&c);
	CHECK(conf_parse("t.conf", "[a]\nnovalue\n", 12, &c) < 0);
	CHECK_STR(pgo_errmsg(), "'t.conf': line 2: expected 'key = value'");
	conf_release(&c);

	setenv("PGO_TEST_VAR", "v a l", 1);
	CHECK(conf_split_command("make -j2 CC=\"$PGO_TEST_VAR\" 'x y' a\\ b ${PGO_TEST_VAR}", &av) == 0);
	CHECK(av.n == 6);
	CHECK_STR(av.v[2], "CC=v a l");
	CHECK_STR(av.v[3], "x y");
	CHECK_STR(av.v[4], "a b");
	/* Unlike a shell, an expansion is never split into several words. */
	CHECK_STR(av.v[5], "v a l");
	argv_clear(&av);
	CHECK(conf_split_command("make | tee log", &av) < 0);
	CHECK(strstr(pgo_errmsg(), "needs a shell") != NULL);
	argv_clear(&av);
	CHECK(conf_split_command("echo 'open", &av) < 0);
	argv_clear(&av);
	CHECK(conf_split_command("   ", &av) < 0);
	argv_clear(&av);
}

int main(void)
{
	test_classify();
	test_strip();
	test_build_argv();
	test_diag();
	test_conf();
	return test_done();
}
