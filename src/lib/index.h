/*
 * index: what the store knows about each profile, behind a narrow
 * interface.
 *
 * The commands never see SQL.  The one backend today is SQLite
 * (index_sqlite.c, the only file that includes sqlite3.h), a file
 * "index.db" in the store; a shared backend for teams (PostgreSQL) plugs
 * in behind the same operations.  Rows are only ever added for objects
 * that are already durable, so an index row always has its object; an
 * object without a row is garbage that gc removes.
 *
 * Schema changes are forward migrations numbered from 1; opening an index
 * written by a newer pgo is refused rather than guessed at.
 */
#ifndef PGO_INDEX_H
#define PGO_INDEX_H

#include <stdint.h>
#include "util.h"

#define DIGEST_HEX 64

struct profile_meta {
	char digest[DIGEST_HEX + 1];
	char *program;       /* may be NULL */
	char *kind;          /* "llvm-instr", "llvm-sample", "gcc" */
	char *toolchain;     /* "clang 14.0.6" */
	char *format;        /* "raw 8, indexed 7" */
	int64_t created;     /* unix time, seconds */
	char *host;
	char *command;       /* command line of the run, or of the import */
	char *label;
	char *source;        /* what was imported (paths), or "merge" */
	uint64_t runs;       /* runs (raw profiles) merged into it */
	uint64_t size;       /* canonical bytes */
	uint64_t stored_size;/* bytes at rest (compressed) */
	uint64_t functions;
	uint64_t total;      /* sum of all counts */
};
void profile_meta_release(struct profile_meta *m);

struct lineage_edge {
	char parent[DIGEST_HEX + 1];
	uint64_t weight;
};

struct index_filter {
	const char *program;    /* NULL: all */
	const char *kind;       /* NULL: all */
	const char *toolchain_prefix; /* e.g. "clang 14." ; NULL: all */
};

struct pgo_index;

/* Opens (creating and migrating) the index of the store in dir. */
int index_open(const char *dir, struct pgo_index **out);
void index_close(struct pgo_index *idx);

/*
 * Records a profile and its lineage in one transaction.  Returns 1 when
 * a row with that digest already existed (nothing changed), 0 when added.
 */
int index_add(struct pgo_index *idx, const struct profile_meta *m,
	      const struct lineage_edge *parents, size_t nparents);

/* 0 and fills m; 1 when absent; -1 on error. */
int index_get(struct pgo_index *idx, const char *digest, struct profile_meta *m);

/* Resolves a unique digest prefix (>= 4 hex digits).  0 found, 1 none,
   -1 error (ambiguous prefixes are an error that lists the count). */
int index_resolve_prefix(struct pgo_index *idx, const char *prefix,
			 char out[DIGEST_HEX + 1]);

/* Newest profile (created, then rowid) matching the filter: 0, 1 none. */
int index_newest(struct pgo_index *idx, const struct index_filter *f,
		 char out[DIGEST_HEX + 1]);

/* Calls fn for each matching profile, newest first; fn returning
   non-zero stops the walk and is returned. */
int index_list(struct pgo_index *idx, const struct index_filter *f,
	       int (*fn)(const struct profile_meta *m, void *ctx), void *ctx);

/* Parents of a profile (for show), in parent-digest order. */
int index_parents(struct pgo_index *idx, const char *digest,
		  struct lineage_edge **out, size_t *n);

/* Removes a profile's row (its lineage rows as child stay as history only
   where the parent still exists; rows naming it as parent are kept). */
int index_remove(struct pgo_index *idx, const char *digest);

/* Whether a digest has a row. */
int index_has(struct pgo_index *idx, const char *digest);

/* Schema version of the opened index. */
int index_schema_version(struct pgo_index *idx);

/*
 * Managed programs (pgod): what pgo enable declared, the state of each
 * in its lifecycle, its generations and the transitions between states.
 */
struct program_rec {
	char *name;
	char *project;        /* project root */
	char *binary;         /* the binary, relative to the root */
	char *link;           /* the stable path users run */
	char *state;          /* plain, profiling, building, optimized, disabled */
	char *reason;         /* why it is in that state */
	int64_t generation;   /* current generation, 0 for none */
	char *spool;          /* spool of the instrumented generation */
	uint64_t runs;        /* runs collected since the instrumented build */
	uint64_t counts;      /* counter mass collected */
	double stability;     /* overlap of the last two merged profiles, -1 unknown */
	char *cumulative;     /* merged profile of the collected runs */
	char *last_build;     /* result of the last optimized build */
	int64_t next_try;     /* no build before this time (back-off) */
	int64_t failures;     /* failed builds in a row */
	int collecting;       /* 0 when over a size cap */
	char *source_sig;     /* signature of the sources the generation was built from */
	char *last_batch;     /* digest of the last batch merged (replays are skipped) */
	char *toolchain;      /* compiler of the instrumented generation */
	int64_t updated;
};
void program_rec_release(struct program_rec *r);

struct generation_rec {
	char *program;
	int64_t number;
	char *mode;
	char *digest;         /* profile, "" for none */
	char *path;           /* the generation's binary */
	char *log;            /* its build log */
	int64_t created;
};
void generation_rec_release(struct generation_rec *g);

struct transition_rec {
	int64_t time;
	char *from;
	char *to;
	char *reason;
};
void transition_rec_release(struct transition_rec *t);

/* Inserts or replaces the program's row. */
int index_program_put(struct pgo_index *idx, const struct program_rec *r);
/* 0 found, 1 absent, -1 error. */
int index_program_get(struct pgo_index *idx, const char *name, struct program_rec *r);
int index_program_list(struct pgo_index *idx,
		       int (*fn)(const struct program_rec *r, void *ctx), void *ctx);
int index_program_delete(struct pgo_index *idx, const char *name);
int index_generation_add(struct pgo_index *idx, const struct generation_rec *g);
/* Newest first. */
int index_generation_list(struct pgo_index *idx, const char *program,
			  int (*fn)(const struct generation_rec *g, void *ctx), void *ctx);
int index_generation_delete(struct pgo_index *idx, const char *program, int64_t number);
int index_transition_add(struct pgo_index *idx, const char *program, const char *from,
			 const char *to, const char *reason);
/* The newest max transitions, newest first. */
int index_transition_list(struct pgo_index *idx, const char *program, size_t max,
			  int (*fn)(const struct transition_rec *t, void *ctx), void *ctx);

#endif
