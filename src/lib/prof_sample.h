/*
 * prof_sample: LLVM sample profiles (AutoFDO) in the text format that
 * -fprofile-sample-use reads (llvm/lib/ProfileData/SampleProfReader.cpp,
 * SampleProfileReaderText; writer: SampleProfWriter.cpp).
 *
 *   name:total:head
 *    offset[.discriminator]: count [target:count ...]
 *    offset[.discriminator]: callee:total      <- an inlined call site,
 *     ...                                         its body one space deeper
 *    !CFGChecksum: N / !Attributes: N           <- metadata lines
 *
 * Canonical form: functions sorted by name (bytewise); within a function
 * body lines sorted by (offset, discriminator), call targets by name,
 * inlined call sites by (offset, discriminator, callee name), after the
 * body lines; metadata lines last (LLVM 14 and 22 reject a body line after
 * metadata).  Names may contain ':' (context-sensitive profiles use
 * "[main:1 @ foo]"); numbers are parsed from the right.
 *
 * Merging sums totals, head counts, body counts and target counts with
 * saturation, recursively for inlinees; the weight multiplies every count.
 */
#ifndef PGO_PROF_SAMPLE_H
#define PGO_PROF_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct sample_target {
	char *name;
	uint64_t count;
};

struct sample_line {
	uint32_t offset, discr;
	uint64_t count;
	size_t ntargets;
	struct sample_target *targets;
};

struct sample_func;

struct sample_callsite {
	uint32_t offset, discr;
	struct sample_func *callee;   /* callee->name is the inlined function */
};

struct sample_func {
	char *name;
	uint64_t total, head;
	int has_checksum;
	uint64_t checksum;            /* !CFGChecksum */
	int has_attributes;
	uint64_t attributes;          /* !Attributes */
	size_t nlines, alloc_lines;
	struct sample_line *lines;
	size_t ncalls, alloc_calls;
	struct sample_callsite *calls;
};

struct sample_profile {
	size_t n, alloc;
	struct sample_func **funcs;   /* top-level functions */
};

void sample_profile_init(struct sample_profile *p);
void sample_profile_release(struct sample_profile *p);
int sample_parse_text(const char *name, const char *data, size_t len,
		      struct sample_profile *out);
/* Sorts and merges duplicates; called by emit and merge. */
void sample_profile_normalize(struct sample_profile *p);
void sample_emit_text(struct sample_profile *p, struct strbuf *out);
int sample_merge(struct sample_profile *dst, const struct sample_profile *src,
		 uint64_t weight);
/* Sum of the total samples of the top-level functions (saturating). */
uint64_t sample_profile_sum(const struct sample_profile *p);

/* Overlap with the same definition as prof_instr's, over body counts of
   top-level functions matched by name. */
struct sample_func_overlap {
	const char *name;
	uint64_t base_sum, test_sum;
	int in_base, in_test;
	double overlap;
};
struct sample_overlap {
	double overlap;
	size_t base_only, test_only, both;
	size_t nfuncs;
	struct sample_func_overlap *funcs;
};
int sample_overlap(struct sample_profile *base, struct sample_profile *test,
		   struct sample_overlap *out);
void sample_overlap_release(struct sample_overlap *o);

#endif
