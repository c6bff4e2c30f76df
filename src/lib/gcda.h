/*
 * gcda: GCC profiles, a set of .gcda files keyed by object path.
 *
 * pgo stores such a set as one deterministic archive:
 *
 *   magic "PGOGCDA\n" (8 bytes), u32 version = 1, u32 entry count,
 *   then per entry, sorted by path (bytewise), paths unique:
 *     u32 path length, path bytes (relative, no "..", no leading '/'),
 *     u64 data length, data bytes (a .gcda file)
 *   all integers little-endian.
 *
 * Paths are those of the .gcda files relative to the profile directory
 * (under -fprofile-generate=DIR GCC mangles the object path with '#').
 * Every .gcda is checked on the way in: magic "gcda" (as GCC writes it on
 * this host, little-endian u32 0x67636461), version, stamp, then a walk of
 * the tagged records (u32 tag, u32 length in bytes) that must end exactly
 * at the end of the file.  The GCC version the data was written by is
 * derived from the version word (e.g. "B22*" -> 12.2).
 */
#ifndef PGO_GCDA_H
#define PGO_GCDA_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct gcda_entry {
	char *path;
	size_t len;
	unsigned char *data;
};

struct gcda_set {
	size_t n, alloc;
	struct gcda_entry *e;
};

void gcda_set_init(struct gcda_set *s);
void gcda_set_release(struct gcda_set *s);

/* Checks one .gcda file image; fills the GCC major.minor it was written by. */
int gcda_check(const char *name, const unsigned char *data, size_t len,
	       unsigned *gcc_major, unsigned *gcc_minor);

/* Reads every *.gcda below dir (recursively) into s, paths relative to dir. */
int gcda_set_read_dir(const char *dir, struct gcda_set *s);
/* Writes the files of s below dir, creating subdirectories. */
int gcda_set_write_dir(const struct gcda_set *s, const char *dir);

int gcda_archive_parse(const char *name, const unsigned char *data, size_t len,
		       struct gcda_set *out);
void gcda_archive_emit(struct gcda_set *s, struct strbuf *out);

/* Sum of all arc counters of all functions in all files, and the number
   of functions (for show); per-file sums through the callback. */
struct gcda_stats {
	uint64_t total;
	size_t functions;
	size_t files;
};
int gcda_set_stats(const struct gcda_set *s, struct gcda_stats *st,
		   void (*per_file)(void *ctx, const char *path, uint64_t sum, size_t nfuncs),
		   void *ctx);

#endif
