/*
 * ingest: turning what a user has (raw and indexed LLVM profiles, text
 * forms, pgo's own exported files, sample profiles, directories of .gcda
 * or .profraw files) into a profile tied to its toolchain.
 *
 * The toolchain comes from the data where the data says it (raw and
 * indexed format versions, the gcda version word, pgo's header), checked
 * against the one the caller names if any.  Text forms do not say which
 * compiler made them; there the caller's toolchain is used, or the
 * default clang on PATH, and the result says that it was assumed.
 *
 * Raw profiles are read natively (profraw.c); files the native reader
 * does not handle (value-profile data) and indexed profiles go through
 * the llvm-profdata of the matching major version, run with an argv.
 */
#ifndef PGO_INGEST_H
#define PGO_INGEST_H

#include "profile.h"

struct ingest_result {
	uint64_t runs;          /* raw profiles read (each is a run or a pool) */
	int toolchain_assumed;  /* the toolchain was not in the data */
	uint64_t files;         /* files read */
};

/*
 * Reads path (a file or a directory) into out.  hint may be NULL or name
 * the toolchain the caller expects.  On error nothing is left in out.
 */
int ingest_path(const char *path, const struct toolchain *hint, struct profile *out,
		struct ingest_result *res);

/* Reads raw profiles (.profraw files) into one profile, as a directory of
   them is read: natively, merged as it goes, and the files the native
   reader leaves (value-profile data) all by one llvm-profdata run.
   what names the set in messages. */
int ingest_raw_list(const char *what, const char *const *paths, size_t n,
		    const struct toolchain *hint, struct profile *out, struct ingest_result *res);

/* Whether path is a regular file starting like an LLVM raw profile. */
int ingest_is_raw_file(const char *path);

/*
 * Takes what instrumented programs wrote into spool and moves it into
 * staging (created if needed), durably, one file per source file.
 *
 * The LLVM runtime merges into its %m pool files, and GCC's into its
 * .gcda files, under an fcntl write lock on the whole file.  Each file is
 * taken under that same lock: read, copied to staging, then truncated to
 * zero bytes before the lock is released.  A process that exits later
 * finds an empty file and writes only its own counts, so no count is lost
 * or taken twice, while the programs keep running.  (Removing the file
 * instead would lose the counts of a process already waiting on the lock
 * of the old file.)  Empty files are skipped.  *taken counts the files.
 */
int spool_collect(const char *spool, const char *staging, size_t *taken);

/*
 * Runs of the instrumented build: each process appends one byte to
 * SPOOL/pgo-runs as it starts (buildenv.c).  The count is moved into
 * STAGING/pgo-runs (written durably, added to what is there) before the
 * spool's file is emptied, so that it travels with the profiles it
 * belongs to.  Returns the count now in staging.
 */
uint64_t spool_take_runs(const char *spool, const char *staging);

#endif
