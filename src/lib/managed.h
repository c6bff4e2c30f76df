/*
 * managed: programs pgo keeps optimized behind a stable path (pgo enable,
 * pgod).
 *
 * A managed program has generations, each a complete binary kept in
 * STORE/programs/NAME/gen-N/ with its build log, like the generations of
 * a Nix profile.  The stable path (~/.local/bin/NAME by default) is a
 * symbolic link to the current generation's binary; switching is
 * creating a new link beside it and renaming it over the old one, so a
 * user running NAME always gets a complete binary, old or new.
 *
 * Lifecycle: plain -> profiling (an instrumented generation is current
 * and its runs are collected) -> building -> optimized -> profiling again
 * when the sources or the compiler change or the profile is too old.
 * Every transition is recorded with its reason (index.h).
 *
 * Crash safety: a generation directory is written under a temporary
 * name and renamed into place when complete; the link is switched only to
 * a complete generation; the index is updated after the switch, and
 * managed_reconcile() repairs an index that a crash left behind the link.
 */
#ifndef PGO_MANAGED_H
#define PGO_MANAGED_H

#include "conf.h"
#include "index.h"
#include "store.h"

#define STATE_PLAIN "plain"
#define STATE_PROFILING "profiling"
#define STATE_BUILDING "building"
#define STATE_OPTIMIZED "optimized"
#define STATE_DISABLED "disabled"

/* STORE/programs/NAME, newly allocated. */
char *managed_dir(const struct store *st, const char *name);
/* The default stable path: $PGO_BIN_DIR/NAME, else ~/.local/bin/NAME. */
char *managed_default_link(const char *name);

/*
 * Copies binary into a new generation of r (number = highest + 1),
 * with log (a file, may be NULL) beside it, and records it.  *number is
 * set.  The generation is complete on disk before it is recorded.
 */
int managed_add_generation(struct store *st, const char *name, const char *binary,
			   const char *mode, const char *digest, const char *log,
			   int64_t *number);

/* Path of generation n's binary. */
char *managed_generation_binary(const struct store *st, const char *name, int64_t n);

/*
 * Points r->link at generation n atomically, then records the new state,
 * generation and a transition (from r->state, with reason).  r is updated.
 */
int managed_switch(struct store *st, struct program_rec *r, int64_t n, const char *state,
		   const char *reason);

/* Records a state change without switching generations. */
int managed_set_state(struct store *st, struct program_rec *r, const char *state,
		      const char *reason);

/* Brings the index in line with the link after a crash: the generation
   the link points at is the current one.  Returns 1 when it changed. */
int managed_reconcile(struct store *st, struct program_rec *r);

/* Removes temporary generation directories a crash left behind. */
void managed_clean_temporaries(struct store *st, const char *name);

/* When an optimized build is due, configurable in pgo.conf [policy]. */
struct policy {
	uint64_t min_runs;        /* runs = processes of the instrumented build */
	uint64_t min_counts;      /* counter mass */
	double stability;         /* overlap of successive merged profiles */
	int64_t max_age;          /* seconds before an optimized profile is renewed; 0 never */
	uint64_t spool_cap;       /* bytes in the spool before collection stops */
	uint64_t profile_cap;     /* bytes of canonical profile before collection stops */
	int64_t backoff;          /* seconds after a failed build, doubled each failure */
	int64_t smoke_timeout;    /* seconds */
};
/* Defaults, then pgo.conf [policy] (c may be NULL).  -1 on a bad value. */
int policy_read(const struct conf *c, struct policy *p);
/* The policy of the project at root: its pgo.conf, else the defaults
   (a missing or unreadable pgo.conf is not an error here). */
void policy_for_project(const char *root, struct policy *p);

/* Whether r has enough data; *why says what is missing (newly allocated). */
int policy_ready(const struct policy *p, const struct program_rec *r, char **why);

/* A signature of a project's sources: path, size and mtime of every C,
   C++ and build file below root (not .pgo/ or build directories). */
char *managed_source_signature(const char *root);

/*
 * Collects what the instrumented generation of r wrote into its spool
 * (spool_collect), adds it to the store as a profile of r, merges it
 * into r's cumulative profile and updates runs, counts and stability.
 * Caps in p stop collection (r->collecting = 0, with a reason).
 * Returns 1 when something was collected, 0 when nothing, -1 on error
 * (what was taken stays in staging and is imported next time).
 */
int managed_ingest(struct store *st, struct program_rec *r, const struct policy *p);

/* Makes the store and its programs readable by every user (the system
   instance: everyone runs the managed programs). */
int managed_share_store(const struct store *st);

/* Total size of the regular files below dir. */
uint64_t dir_size(const char *dir);

#endif
