/*
 * profraw: native reader of LLVM raw profiles (.profraw) and header probe
 * of indexed profiles (.profdata).
 *
 * Raw profiles are what an instrumented program writes.  The layout
 * (llvm/include/llvm/ProfileData/InstrProfData.inc, RawInstrProfReader in
 * InstrProfReader.cpp) is: a header of u64 fields whose number depends on
 * the version, binary ids, the per-function data records, counters,
 * MC/DC bitmap bytes, the names blob (possibly zlib-compressed), vtable
 * records and names, and value-profile data.  Supported: 64-bit
 * little-endian raw versions 8 (LLVM 14-15), 9 and 10 (LLVM 18-22).
 * Several profiles concatenated in one file (as the runtime writes when
 * merging modules with %m... or when files are cat'ed) are read one after
 * the other.
 *
 * profraw_read() produces the same records that `llvm-profdata merge
 * -text` of the same file writes, except for value-profile data: when a
 * file carries value sites with data (value profiling was on), it returns
 * PROFRAW_NEEDS_TOOL and the caller falls back to llvm-profdata.
 *
 * Untrusted input: every count and offset in the header is checked
 * against the file size before anything is allocated or read.
 */
#ifndef PGO_PROFRAW_H
#define PGO_PROFRAW_H

#include <stddef.h>
#include <stdint.h>
#include "prof_instr.h"

#define PROFRAW_MAGIC64 0xff6c70726f667281ULL   /* "\xfflprofr\x81" */
#define PROFDATA_MAGIC 0xff6c70726f666981ULL    /* "\xfflprofi\x81" */

/* Version word flags (high byte of the raw/indexed version). */
#define VARIANT_MASK_IR_PROF (1ULL << 56)
#define VARIANT_MASK_CSIR_PROF (1ULL << 57)
#define VARIANT_MASK_INSTR_ENTRY (1ULL << 58)
#define VARIANT_MASK_DBG_CORRELATE (1ULL << 59)
#define VARIANT_MASK_BYTE_COVERAGE (1ULL << 60)
#define VARIANT_MASK_FUNCTION_ENTRY_ONLY (1ULL << 61)
#define VARIANT_MASK_MEMPROF (1ULL << 62)
#define VARIANT_MASK_TEMPORAL_PROF (1ULL << 63)

enum profraw_kind { PROFRAW_NONE = 0, PROFRAW_RAW, PROFRAW_INDEXED };

/* Looks at the first bytes only.  version is the format version without
   the flag bits; flags are the high bits.  */
struct profraw_probe {
	enum profraw_kind kind;
	uint32_t version;
	uint64_t flags;
};
void profraw_probe(const unsigned char *data, size_t len, struct profraw_probe *out);

#define PROFRAW_NEEDS_TOOL 1

/*
 * Reads a raw profile and adds its records to out (which may already hold
 * records: they are appended; instr_profile_normalize() then merges
 * records of the same function, so that reading several files and
 * normalizing once merges them).  Returns 0, -1 on error
 * (message names the file and the problem), or PROFRAW_NEEDS_TOOL.
 * Sets *version to the raw format version.
 */
int profraw_read(const char *name, const unsigned char *data, size_t len,
		 struct instr_profile *out, uint32_t *version);

#endif
