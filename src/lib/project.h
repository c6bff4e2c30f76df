/*
 * project: a project built with pgo, and the state pgo keeps for it.
 *
 * The project root is the directory holding pgo.conf (looked for from
 * the current directory upward), or the current directory when there is
 * none.  pgo keeps its per-project state in ROOT/.pgo/:
 *   state          the last build: mode, profile, compiler, spool (INI)
 *   bin/           pgo-cc and pgo-c++, the wrapper as build systems see it
 *   spool/ID/      where the current instrumented build writes profiles
 *   profiles/      profiles materialized for the compiler in use
 *   objects/       the ELF note and profile-on-signal objects links get
 *   wrapper.log    why the wrapper fell back to the plain compiler
 *   diagnostics.log  profile diagnostics the compiler gave in use mode
 * Everything in it can be deleted; pgo makes it again.
 */
#ifndef PGO_PROJECT_H
#define PGO_PROJECT_H

#include <stdint.h>
#include "conf.h"

struct project {
	char *root;
	char *state_dir;
	char *conf_path;     /* NULL when there is no pgo.conf */
	struct conf conf;
	char *name;          /* [project] name, else the root's basename */
};

/* dir NULL: search upward from the current directory. */
int project_open(const char *dir, struct project *p);
void project_release(struct project *p);
/* ROOT/.pgo/NAME, newly allocated; the directory is created. */
char *project_path(struct project *p, const char *name);

struct project_state {
	char *mode;          /* mode of the last build */
	char *digest;        /* profile of the last build ("" for none) */
	char *compiler;      /* toolchain id of the last build */
	char *source;        /* where its profile came from ("default.pgo", ...) */
	char *options;       /* pgo.conf options that change the objects ("counters=single") */
	char *spool;         /* spool of the current instrumented build */
	char *cumulative;    /* merged profile of the runs of that build */
	char *last_run;      /* profile of the last pgo run */
	int64_t built;       /* time of the last build */
	uint64_t runs;       /* pgo runs since the instrumented build */
};
void project_state_init(struct project_state *s);
void project_state_release(struct project_state *s);
int project_state_read(struct project *p, struct project_state *s);
int project_state_write(struct project *p, const struct project_state *s);

#endif
