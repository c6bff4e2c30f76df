/*
 * profile: a profile of any kind, tied to its toolchain, and its stored
 * (canonical) form.
 *
 * The canonical form of every kind starts with identity lines:
 *
 *   # pgo profile v1
 *   # kind: llvm-instr
 *   # toolchain: clang 14.0.6
 *   # format: raw 8, indexed 7
 *
 * followed by the kind's canonical body: the text of prof_instr or
 * prof_sample, or the archive of gcda.  These bytes are what the store
 * keeps and what the digest (SHA-256) is taken of.  An exported file adds
 * provenance lines ("# program: ...", "# created: ...") after the
 * identity lines; they are comments to LLVM's readers, and are dropped
 * again on import, so they never change the digest.
 */
#ifndef PGO_PROFILE_H
#define PGO_PROFILE_H

#include "util.h"
#include "toolchain.h"
#include "prof_instr.h"
#include "prof_sample.h"
#include "gcda.h"

enum profile_kind { PROFILE_NONE = 0, PROFILE_INSTR, PROFILE_SAMPLE, PROFILE_GCDA };

const char *profile_kind_name(enum profile_kind k);   /* "llvm-instr" */
enum profile_kind profile_kind_parse(const char *s);  /* PROFILE_NONE if unknown */

struct profile {
	enum profile_kind kind;
	struct toolchain tc;
	union {
		struct instr_profile instr;
		struct sample_profile sample;
		struct gcda_set gcda;
	} u;
};

void profile_init(struct profile *p, enum profile_kind kind);
void profile_release(struct profile *p);

/* The canonical bytes (identity lines + body). */
int profile_to_object(struct profile *p, struct strbuf *out);

/*
 * Parses canonical bytes, or an exported file with provenance lines.
 * Fills p (kind, toolchain, data).  name is used in messages.
 */
int profile_from_object(const char *name, const char *data, size_t len, struct profile *p);

/* Whether data starts like a pgo canonical file. */
int profile_is_object(const char *data, size_t len);

/*
 * Writes p in the form its compiler reads, at path: an indexed .profdata
 * made by the llvm-profdata of p's LLVM version (instrumentation), a
 * sample profile text (sample), or a directory of .gcda files (GCC).
 * Files are replaced durably; a gcda directory is written beside and
 * renamed into place.
 */
int profile_write_for_compiler(struct profile *p, const char *path);

/* dst += weight * src; both must be of one kind and compatible toolchains.
   For GCC profiles the merge is done by the matching gcov-tool. */
int profile_merge(struct profile *dst, const struct profile *src, uint64_t weight);

struct profile_summary {
	uint64_t functions;
	uint64_t total;
};
void profile_summarize(struct profile *p, struct profile_summary *s);

/* The hottest functions (or files, for GCC), hottest first. */
struct profile_hot {
	char *name;
	uint64_t count;
};
size_t profile_hottest(struct profile *p, struct profile_hot **out);
void profile_hot_free(struct profile_hot *h, size_t n);

/* Overlap of two profiles of one kind (see prof_instr.h for the definition). */
struct profile_func_change {
	const char *name;
	uint64_t base, test;
	int in_base, in_test;
	double base_share, test_share;
};
struct profile_diff {
	double overlap;
	size_t both, base_only, test_only;
	size_t n;
	struct profile_func_change *f;   /* most changed first */
	struct instr_overlap io;         /* owners of the names */
	struct sample_overlap so;
};
int profile_diff(struct profile *base, struct profile *test, struct profile_diff *d);
void profile_diff_release(struct profile_diff *d);

#endif
