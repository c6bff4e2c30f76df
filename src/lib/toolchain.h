/*
 * toolchain: which compiler made a profile, and which tools read it.
 *
 * A profile is only meaningful to the compiler that made it: LLVM's raw
 * and indexed formats change with the major version, the IR CFG hash of
 * the same function changes between majors, and GCC's gcda files carry
 * the writer's version.  Every profile in the store is therefore tied to
 * a toolchain identity, written "clang 14.0.6" or "gcc 12.2.0", and every
 * tool pgo runs on it (llvm-profdata, gcov-tool) is the one of that
 * compiler's major version: found beside the compiler, in
 * /usr/lib/llvm-MAJOR/bin, or on PATH as TOOL-MAJOR.
 */
#ifndef PGO_TOOLCHAIN_H
#define PGO_TOOLCHAIN_H

#include <stdint.h>
#include "util.h"

enum tc_family { TC_UNKNOWN = 0, TC_CLANG, TC_GCC };

struct toolchain {
	enum tc_family family;
	unsigned major, minor, patch;
	char *compiler;     /* resolved path of the compiler, or NULL */
};

void toolchain_init(struct toolchain *tc);
void toolchain_release(struct toolchain *tc);

/* "clang 14.0.6" */
char *toolchain_id(const struct toolchain *tc);
/* Parses "clang 14.0.6", "clang-14", "clang-22.1.8", "gcc 12", "gcc-12.2.0". */
int toolchain_parse_id(const char *s, struct toolchain *tc);
/* Same family and major version: profiles can be used by both. */
int toolchain_compatible(const struct toolchain *a, const struct toolchain *b);

/* Runs the compiler to learn its family and version. */
int toolchain_detect(const char *compiler, struct toolchain *tc);

/*
 * The raw (.profraw) and indexed (.profdata) format versions an LLVM
 * major version writes; 0 when unknown.
 */
uint32_t llvm_raw_version(unsigned major);
uint32_t llvm_indexed_version(unsigned major);
/* "raw 8, indexed 7" for clang; "gcda 12.2" for gcc; newly allocated. */
char *toolchain_format(const struct toolchain *tc);

/*
 * LLVM majors installed here (with an llvm-profdata), ascending.
 * Returns the count, fills up to max entries.
 */
size_t llvm_installed_majors(unsigned *out, size_t max);

/* The installed clang of that major (full version), or just the major. */
int toolchain_llvm_major(unsigned major, struct toolchain *out);

/* Path of an LLVM tool (llvm-profdata, llvm-profgen, ...) of the given
   major version, or NULL with an error saying where it was looked for. */
char *llvm_tool_path(unsigned major, const char *tool);

/* Path of gcov-tool matching a GCC major, or NULL with an error. */
char *gcc_tool_path(unsigned major, const char *tool);

/*
 * Picks the toolchain for a raw profile of version rawv: the one given
 * (hint, may be NULL; must agree), else the only installed LLVM whose
 * raw version is rawv.  Errors name both versions on a mismatch, and the
 * candidates when several fit.
 */
int toolchain_for_llvm_file(const char *file, int indexed, uint32_t version,
			    const struct toolchain *hint, struct toolchain *out);

#endif
