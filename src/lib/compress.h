/*
 * compress: zstd at rest.  The only module that includes zstd.h.
 *
 * Stored objects are single zstd frames with the content size recorded in
 * the frame header; decompression refuses frames without it or larger
 * than the caller's limit, so a corrupt object cannot make pgo allocate
 * without bound.
 */
#ifndef PGO_COMPRESS_H
#define PGO_COMPRESS_H

#include <stddef.h>
#include "util.h"

/* Appends the compressed form of data to out. */
int compress_zstd(const void *data, size_t len, struct strbuf *out);
/* Appends the decompressed bytes to out; name is used in messages. */
int decompress_zstd(const char *name, const void *data, size_t len, size_t max,
		    struct strbuf *out);

#endif
