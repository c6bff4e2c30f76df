#include "compress.h"

#include <zstd.h>

#include "banned.h"

/* Level 9: profiles are written once and read many times; it compresses
   canonical text about 8-12x at a few ms per MB. */
#define PGO_ZSTD_LEVEL 9

int compress_zstd(const void *data, size_t len, struct strbuf *out)
{
	size_t bound = ZSTD_compressBound(len), n;
	strbuf_grow(out, bound);
	n = ZSTD_compress(out->buf + out->len, bound, data, len, PGO_ZSTD_LEVEL);
	if (ZSTD_isError(n))
		return pgo_err("cannot compress: %s", ZSTD_getErrorName(n));
	strbuf_setlen(out, out->len + n);
	return 0;
}

int decompress_zstd(const char *name, const void *data, size_t len, size_t max,
		    struct strbuf *out)
{
	unsigned long long size = ZSTD_getFrameContentSize(data, len);
	size_t n;
	if (size == ZSTD_CONTENTSIZE_ERROR)
		return pgo_err("'%s': not a zstd frame", name);
	if (size == ZSTD_CONTENTSIZE_UNKNOWN)
		return pgo_err("'%s': zstd frame without a content size", name);
	if (max && size > max)
		return pgo_err("'%s': content size %llu is larger than the limit %zu", name,
			       size, max);
	strbuf_grow(out, (size_t)size);
	n = ZSTD_decompress(out->buf + out->len, (size_t)size, data, len);
	if (ZSTD_isError(n))
		return pgo_err("'%s': corrupt zstd data: %s", name, ZSTD_getErrorName(n));
	if (n != size)
		return pgo_err("'%s': zstd frame holds %zu bytes, header says %llu", name, n, size);
	strbuf_setlen(out, out->len + n);
	return 0;
}
