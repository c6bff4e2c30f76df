/*
 * wrap: what the compiler wrapper does to one compiler invocation.
 *
 * Pure logic, no I/O but reading response files: given the arguments of
 * an invocation, tell whether it compiles, links, or only asks the
 * compiler something (preprocessing, dependency generation, --version),
 * and build the argv with the flags that the mode and the compiler need.
 * Only invocations that compile or link are changed.
 *
 * The flags, by compiler (see ../shared/TOOLCHAIN.md and docs/wrapper.md):
 *   instrument, clang:  -fprofile-generate=SPOOL, exact counters in
 *     threaded programs (-mllvm -instrprof-atomic-counter-update-all, which
 *     clang-14 needs, and -fprofile-update=atomic from LLVM 15), value
 *     profiling off (-mllvm -disable-vp=true) unless asked for, and static
 *     function names made independent of where the project lives
 *     (-mllvm -static-func-strip-dirname-prefix=N for sources given by an
 *     absolute path under the project root).
 *   instrument, gcc:    -fprofile-generate=SPOOL -fprofile-update=atomic
 *     -fprofile-prefix-path=BUILDROOT.
 *   use, clang:         -fprofile-use=PROFDATA, the same name stripping,
 *     -mllvm -pgo-warn-missing-function, and those diagnostics kept from
 *     turning into errors (they are counted by the wrapper instead).
 *   use, gcc:           -fprofile-use=GCDADIR -fprofile-prefix-path=BUILDROOT
 *     -Wno-error=missing-profile -Wno-error=coverage-mismatch.
 * On links in instrument and use mode, the note object (and in instrument
 * mode the object that writes the profile when the program is stopped by
 * a signal) are added after the user's inputs.
 */
#ifndef PGO_WRAP_H
#define PGO_WRAP_H

#include "util.h"
#include "run.h"
#include "toolchain.h"

enum pgo_mode { MODE_OFF = 0, MODE_INSTRUMENT, MODE_USE, MODE_SAMPLE };
const char *mode_name(enum pgo_mode m);
int mode_parse(const char *s, enum pgo_mode *out);

/* The -mllvm options pgo adds.  LLVM refuses an option given twice, so
   the wrapper leaves out the ones the user already passes (theirs win). */
enum wrap_llvm_opt {
	LLVM_ATOMIC = 1 << 0,        /* -instrprof-atomic-counter-update-all */
	LLVM_DISABLE_VP = 1 << 1,    /* -disable-vp */
	LLVM_STRIP_PREFIX = 1 << 2,  /* -static-func-strip-dirname-prefix */
	LLVM_WARN_MISSING = 1 << 3,  /* -pgo-warn-missing-function */
	LLVM_PROFI = 1 << 4,         /* -sample-profile-use-profi */
};
unsigned wrap_llvm_opt_of(const char *arg);

struct wrap_args {
	int compile_only;     /* -c */
	int asm_only;         /* -S */
	int preprocess;       /* -E, or -M/-MM without -MD/-MMD */
	int syntax_only;      /* -fsyntax-only */
	int info;             /* no input: --version, -v, -print-*, -dump* */
	int shared;           /* -shared */
	int has_user_profile; /* the user passes -fprofile-* or -fauto-profile */
	unsigned user_llvm;   /* LLVM options the user passes (enum wrap_llvm_opt) */
	enum { UPDATE_DEFAULT = 0, UPDATE_ATOMIC, UPDATE_SINGLE }
		user_update;  /* the user's -fprofile-update= (atomic, prefer-atomic: ATOMIC) */
	int nsources;         /* C/C++/assembler-with-cpp sources */
	int ninputs;          /* all inputs: sources, objects, libraries */
	const char *first_source;
	const char *output;
};

/* Classifies argv (argv[0] is the compiler).  @file arguments are read
   (GCC syntax) for classification only. */
int wrap_classify(int argc, const char *const *argv, struct wrap_args *out);

/* Whether the invocation compiles source to code or links. */
int wrap_compiles(const struct wrap_args *a);
int wrap_links(const struct wrap_args *a);

struct wrap_env {
	enum pgo_mode mode;
	const char *spool;       /* instrument: where profiles go */
	const char *profile;     /* use: the materialized profile */
	const char *root;        /* project root (absolute) */
	const char *build_root;  /* top of the build tree, for GCC's object paths */
	const char *note_obj;    /* ELF note object, for links */
	const char *sigdump_obj; /* instrument: profile-on-signal object, for links */
	int value_profiling;     /* keep value profiling on */
	int single_counters;     /* instrument: plain counter increments (one thread) */
};

/*
 * Builds the full command: the real compiler words (compiler may be
 * several words, e.g. "ccache clang"), the user's arguments, and pgo's
 * flags.  Returns 0, or -1 when the mode cannot be applied (the caller
 * then runs the compiler unchanged and records why).
 */
int wrap_build_argv(const struct toolchain *tc, const struct wrap_env *env,
		    const struct argv_array *compiler, int argc, const char *const *argv,
		    const struct wrap_args *a, struct argv_array *out);

/*
 * The N of -static-func-strip-dirname-prefix that turns the absolute
 * path of a source under root into its path relative to root; 0 when
 * the source is relative or elsewhere.
 */
unsigned wrap_strip_level(const char *source, const char *root);

/* Whether a line of the compiler's standard error is one of the profile
   diagnostics the wrapper counts ("hash mismatch", "no profile data"). */
enum wrap_diag { DIAG_NONE = 0, DIAG_MISMATCH, DIAG_MISSING };
enum wrap_diag wrap_classify_diag(const char *line, size_t len);

#endif
