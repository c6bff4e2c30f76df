/*
 * buildenv: everything a build under pgo needs, decided once before the
 * build command runs, and handed to the wrapper through the environment
 * so that each compiler invocation only reads variables (the wrapper
 * must cost well under a millisecond).
 *
 * Deciding the profile (--pgo=):
 *   off         no profile, the wrapper passes everything through
 *   instrument  an instrumented build writing into a fresh spool
 *   auto        ROOT/default.pgo if there is one, else the newest stored
 *               profile of this program made by this compiler's major
 *               version, else no profile; the reason is always given
 *   PATH | REF  that profile (a file is imported into the store first)
 * A profile made by another compiler is never used: with auto the build
 * goes on without one and says why; given explicitly it is an error.
 *
 * The environment: CC and CXX name pgo's wrapper; PGO_MODE, PGO_CC,
 * PGO_CXX (the real compilers), PGO_CC_ID, PGO_CXX_ID (their identity),
 * PGO_PROFILE (the profile materialized for this compiler), PGO_DIGEST,
 * PGO_SPOOL, PGO_ROOT, PGO_BUILD_ROOT, PGO_NOTE_OBJ, PGO_SIGDUMP_OBJ,
 * PGO_LOG, PGO_DIAG_LOG, and CCACHE_COMPILERCHECK, so that ccache in
 * front of the wrapper keys its cache on the mode and the profile.
 */
#ifndef PGO_BUILDENV_H
#define PGO_BUILDENV_H

#include "project.h"
#include "store.h"
#include "wrap.h"

struct build_request {
	const char *pgo;          /* "auto" (NULL), "off", "instrument", PATH, REF */
	const char *cc;           /* compiler override (words), or NULL */
	const char *cxx;
	const char *build_root;   /* top of the build tree, default the root */
};

struct build_setup {
	enum pgo_mode mode;
	char digest[DIGEST_HEX + 1];   /* "" without a profile */
	char *source;                  /* "default.pgo", "store", a path, ... */
	char *options;                 /* pgo.conf options that change the objects, or NULL */
	char *why;                     /* one sentence for the user */
	struct toolchain cc, cxx;
	struct argv_array cc_words, cxx_words;
	char *profile_path;
	char *spool;
	char *note_obj;
	char *sigdump_obj;
	char *wrapper_log;
	char *diag_log;
	struct argv_array env;         /* "K=V" for the build command */
	int changed;                   /* mode, profile or compiler differ from the last build */
};

void build_setup_release(struct build_setup *b);

/* Chooses compilers and profile and prepares the environment of the
   build; the caller releases out with build_setup_release() after a
   success.  On failure out holds nothing. */
int build_prepare(struct store *st, struct project *p, const struct build_request *req,
		  struct build_setup *out);

/* Records the build in the project state. */
int build_record(struct project *p, const struct build_setup *b);

/* Creates a spool directory; with PGO_SHARED_SPOOL set (pgod --system)
   it is world-writable with the sticky bit, for per-user directories. */
int spool_prepare(const char *spool);

/* The C and C++ compilers pgo would use without an override. */
char *default_cxx_for(const char *cc);

#endif
