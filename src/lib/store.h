/*
 * store: content-addressed profiles with an index.
 *
 * Layout of a store directory (created 0700 on first use):
 *   objects/ab/cdef...    zstd of a profile's canonical bytes; the name is
 *                         the SHA-256 of those bytes (2 + 62 hex digits)
 *   index.db              the index (see index.h)
 *   tmp/                  scratch space of pgo processes
 *
 * Writing a profile: the object is written durably (temp file, fsync,
 * link into place, fsync directory) before its index row is added, so a
 * crash leaves at worst an object without a row, which gc removes after a
 * grace period.  Objects are immutable; two processes writing the same
 * object write the same bytes and the first one wins.
 *
 * Reading verifies: the decompressed bytes must hash to the name.
 */
#ifndef PGO_STORE_H
#define PGO_STORE_H

#include "util.h"
#include "index.h"
#include "profile.h"

struct store {
	char *dir;
	struct pgo_index *idx;
};

/* The store directory: dir if given, else $PGO_STORE, else
   $XDG_DATA_HOME/pgo, else ~/.local/share/pgo.  Newly allocated. */
char *store_default_dir(const char *dir);

int store_open(const char *dir, struct store *st);
void store_close(struct store *st);

char *store_object_path(const struct store *st, const char *digest);

/*
 * Stores p.  meta supplies provenance (program, host, command, label,
 * source, runs, created: 0 means now); store_put fills the digest, kind,
 * toolchain, format, sizes and totals.  Returns 0 when added, 1 when the
 * same profile was already stored, -1 on error (nothing recorded).
 */
int store_put(struct store *st, struct profile *p, struct profile_meta *meta,
	      const struct lineage_edge *parents, size_t nparents);

/* Reads and verifies an object's canonical bytes. */
int store_read_object(struct store *st, const char *digest, struct strbuf *out);
/* Reads, verifies and parses a stored profile. */
int store_load(struct store *st, const char *digest, struct profile *p);

/*
 * Resolves a reference that names a stored profile: a full digest, a
 * unique prefix of at least 4 hex digits, or a program name (its newest
 * profile).  Returns 0 found, 1 not found (no error recorded), -1 error.
 */
int store_resolve(struct store *st, const char *ref, char digest[DIGEST_HEX + 1]);

struct gc_opts {
	long keep;            /* newest profiles kept per program; <0: keep all */
	int dry_run;
	long grace_seconds;   /* unreferenced objects younger than this stay */
};
struct gc_report {
	size_t profiles, objects, temps;
	uint64_t bytes;
};
int store_gc(struct store *st, const struct gc_opts *o, struct gc_report *r,
	     void (*removed)(void *ctx, const char *what, const char *name), void *ctx);

/* Exported canonical text with provenance lines (see profile.h). */
int store_export_text(struct store *st, const char *digest, struct strbuf *out);

#endif
