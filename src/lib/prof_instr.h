/*
 * prof_instr: LLVM instrumentation profiles in memory and in canonical text.
 *
 * The canonical text is the grammar of `llvm-profdata merge -text` (see
 * llvm/lib/ProfileData/TextInstrProfReader.cpp and InstrProfWriter.cpp's
 * writeRecordInText), made deterministic:
 *   - header flag lines (":ir", ":csir", ":entry_first", ...) in a fixed order;
 *   - records sorted by name (bytewise) then by function hash; records with
 *     all-zero counters are kept (dropping them changes code generation);
 *   - value-profile targets of each site sorted by count descending, then
 *     by target text ascending;
 *   - temporal profile traces are dropped (they depend on input order).
 * Every record is written exactly as llvm-profdata writes it, comment lines
 * included, so the body is byte-identical to what llvm-profdata of the same
 * version writes for the same data, and llvm-profdata reads it back.
 * (LLVM 14 and 22 write identical text; only data that 14 cannot represent,
 * such as MC/DC bitmaps or ":single_byte_coverage", is unreadable by 14.)
 *
 * Merging sums counters with saturation (as LLVM does), ORs MC/DC bitmap
 * bytes, and sums value-profile counts per target; since every operation
 * is commutative and associative and the output is sorted, merging in any
 * order gives identical bytes.  A record present in both with the same
 * name and hash but a different number of counters is a conflict: it is
 * an error, as in llvm-profdata.
 */
#ifndef PGO_PROF_INSTR_H
#define PGO_PROF_INSTR_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

/*
 * Header flags.  Text header lines are written in LLVM's order: ":csir" or
 * ":ir", ":entry_first", ":instrument_loop_entries", ":single_byte_coverage".
 * Front-end profiles have no header line (LLVM writes none; ":fe" is read).
 */
enum instr_flag {
	INSTR_FE = 1 << 0,           /* front-end instrumentation (no line) */
	INSTR_IR = 1 << 1,           /* ":ir" IR-level instrumentation */
	INSTR_CSIR = 1 << 2,         /* ":csir" context-sensitive IR (implies IR) */
	INSTR_ENTRY_FIRST = 1 << 3,  /* ":entry_first" */
	INSTR_SINGLE_BYTE = 1 << 4,  /* ":single_byte_coverage" */
	INSTR_FUNC_ENTRY_ONLY = 1 << 5, /* raw profiles only: text has no keyword */
	INSTR_MEMPROF = 1 << 6,      /* memory profile present (not supported in text) */
	INSTR_LOOP_ENTRIES = 1 << 7, /* ":instrument_loop_entries" (LLVM 20+) */
};

/* Value kinds, numbered as LLVM's InstrProfValueKind. */
enum instr_vkind {
	IPVK_IndirectCallTarget = 0,
	IPVK_MemOPSize = 1,
	IPVK_VTableTarget = 2,
	IPVK_COUNT = 3,
};

struct instr_value {
	char *target;     /* function name, or decimal value for MemOPSize */
	uint64_t count;
};

struct instr_site {
	size_t n;
	struct instr_value *v;
};

struct instr_record {
	char *name;
	uint64_t hash;
	size_t ncounters;
	uint64_t *counters;
	size_t nbitmap;              /* MC/DC bitmap bytes */
	uint8_t *bitmap;
	size_t nsites[IPVK_COUNT];   /* value sites per kind (0 = none) */
	struct instr_site *sites[IPVK_COUNT];
};

struct instr_profile {
	unsigned flags;              /* enum instr_flag */
	size_t n, alloc;
	struct instr_record *recs;
	int sorted;                  /* recs are sorted and unique */
};

void instr_profile_init(struct instr_profile *p);
void instr_profile_release(struct instr_profile *p);

/*
 * Appends a record; takes ownership of every pointer in rec.  The profile
 * is sorted (and records with equal name and hash merged) by
 * instr_profile_normalize(), which every function below calls as needed.
 */
void instr_profile_add(struct instr_profile *p, struct instr_record *rec);
int instr_profile_normalize(struct instr_profile *p);

/*
 * Parses the text format (anything llvm-profdata merge -text writes, plus
 * the canonical form).  name is used in error messages.  Temporal traces
 * are skipped.  Every count and size is validated against the remaining
 * input before anything is allocated.
 */
int instr_parse_text(const char *name, const char *data, size_t len,
		     struct instr_profile *out);

/* Whether any record has value-profile sites (indirect calls, memory
   operation sizes, virtual tables). */
int instr_has_values(const struct instr_profile *p);

/* Writes the canonical text (header flags + records) to out. */
void instr_emit_text(struct instr_profile *p, struct strbuf *out);

/* dst += weight * src.  Fails (dst unchanged) on a conflicting record or
   on incompatible header flags (e.g. IR and front-end profiles). */
int instr_merge(struct instr_profile *dst, const struct instr_profile *src,
		uint64_t weight);

/* Totals. */
uint64_t instr_record_sum(const struct instr_record *r);
uint64_t instr_profile_sum(const struct instr_profile *p);

/*
 * Overlap as `llvm-profdata overlap` defines it: for every counter of
 * every function present in both (same name and hash), the minimum of its
 * share of the base profile's total and of the test profile's total, summed.
 * 1.0 means identical up to scale.  Optional per-function results.
 */
struct instr_func_overlap {
	const char *name;            /* points into base or test */
	uint64_t hash;
	uint64_t base_sum, test_sum; /* 0 where the function is absent */
	int in_base, in_test;
	double overlap;              /* function-level, counts normalized per function */
};
struct instr_overlap {
	double overlap;              /* program-level edge overlap, 0..1 */
	size_t base_only, test_only, both, mismatched;  /* function counts */
	size_t nfuncs;
	struct instr_func_overlap *funcs;  /* sorted by |share change| descending */
};
int instr_overlap(struct instr_profile *base, struct instr_profile *test,
		  struct instr_overlap *out);
void instr_overlap_release(struct instr_overlap *o);

#endif
