/*
 * profraw: native reader of LLVM raw profiles.  See profraw.h.
 *
 * The layout follows RawInstrProfReader<uint64_t> (InstrProfReader.cpp)
 * of LLVM 14 (raw version 8), 18 (9) and 19-22 (10).  Where LLVM accepts
 * something odd we accept it too (counters at unaligned offsets, names
 * chunks separated by zero bytes, zero padding between concatenated
 * profiles); where LLVM would read out of bounds or allocate what the
 * header claims, we stop with an error instead.
 */
#include "profraw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hash.h"
#include "util.h"
#include "banned.h"

#define VARIANT_MASK_LOOP_ENTRIES (1ULL << 55)  /* LLVM 20+ */
/* Left to llvm-profdata: with debug-info or binary correlation the records
   and names are in the instrumented binary, not in the file; a memory
   profile has no text form. */
#define VARIANT_NEEDS_TOOL (VARIANT_MASK_DBG_CORRELATE | VARIANT_MASK_MEMPROF)

#define PROFRAW_MAGIC32 0xff6c70726f665281ULL  /* "\xfflprofR\x81" */

/* Header words, in the order of the newest layout (raw version 10). */
enum hdr_field {
	H_MAGIC, H_VERSION, H_BINARY_IDS_SIZE, H_NUM_DATA, H_PAD_BEFORE_COUNTERS,
	H_NUM_COUNTERS, H_PAD_AFTER_COUNTERS, H_NUM_BITMAP_BYTES,
	H_PAD_AFTER_BITMAP, H_NAMES_SIZE, H_COUNTERS_DELTA, H_BITMAP_DELTA,
	H_NAMES_DELTA, H_NUM_VTABLES, H_VNAMES_SIZE, H_VALUE_KIND_LAST, H_COUNT
};

static const enum hdr_field v8_fields[] = {
	H_MAGIC, H_VERSION, H_BINARY_IDS_SIZE, H_NUM_DATA, H_PAD_BEFORE_COUNTERS,
	H_NUM_COUNTERS, H_PAD_AFTER_COUNTERS, H_NAMES_SIZE, H_COUNTERS_DELTA,
	H_NAMES_DELTA, H_VALUE_KIND_LAST,
};
static const enum hdr_field v9_fields[] = {
	H_MAGIC, H_VERSION, H_BINARY_IDS_SIZE, H_NUM_DATA, H_PAD_BEFORE_COUNTERS,
	H_NUM_COUNTERS, H_PAD_AFTER_COUNTERS, H_NUM_BITMAP_BYTES,
	H_PAD_AFTER_BITMAP, H_NAMES_SIZE, H_COUNTERS_DELTA, H_BITMAP_DELTA,
	H_NAMES_DELTA, H_VALUE_KIND_LAST,
};
static const enum hdr_field v10_fields[] = {
	H_MAGIC, H_VERSION, H_BINARY_IDS_SIZE, H_NUM_DATA, H_PAD_BEFORE_COUNTERS,
	H_NUM_COUNTERS, H_PAD_AFTER_COUNTERS, H_NUM_BITMAP_BYTES,
	H_PAD_AFTER_BITMAP, H_NAMES_SIZE, H_COUNTERS_DELTA, H_BITMAP_DELTA,
	H_NAMES_DELTA, H_NUM_VTABLES, H_VNAMES_SIZE, H_VALUE_KIND_LAST,
};

/* Per-version layout of the header and of one __llvm_prf_data record. */
struct layout {
	uint32_t version;
	const enum hdr_field *fields;
	size_t nfields;
	size_t rec_size;        /* sizeof(ProfileData<uint64_t>) */
	size_t off_ncounters;   /* NumCounters (u32) */
	size_t off_vsites;      /* NumValueSites[] (u16 each) */
	unsigned nkinds;        /* IPVK_Last + 1 */
	size_t off_nbitmap;     /* NumBitmapBytes (u32), 0 = absent */
};

static const struct layout layouts[] = {
	{ 8, v8_fields, ARRAY_SIZE(v8_fields), 48, 40, 44, 2, 0 },
	{ 9, v9_fields, ARRAY_SIZE(v9_fields), 64, 48, 52, 2, 56 },
	{ 10, v10_fields, ARRAY_SIZE(v10_fields), 64, 48, 52, 3, 60 },
};

#define REC_NAME_REF 0
#define REC_FUNC_HASH 8
#define REC_COUNTER_PTR 16
#define REC_BITMAP_PTR 24       /* version 9 and later */
#define VTABLE_REC_SIZE 24      /* VTableProfileData<uint64_t>, version 10 */

static const struct layout *find_layout(uint32_t version)
{
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].version == version)
			return &layouts[i];
	return NULL;
}

/* The names of one profile: MD5 of the name -> the name. */
struct name_ent {
	uint64_t hash;
	const char *s;
	size_t len;
};

struct names {
	struct name_ent *v;
	size_t n, alloc;
	unsigned char **bufs;   /* decompressed chunks that v points into */
	size_t nbufs, bufs_alloc;
};

static void names_release(struct names *t)
{
	for (size_t i = 0; i < t->nbufs; i++)
		free(t->bufs[i]);
	free(t->bufs);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int cmp_name_ent(const void *a, const void *b)
{
	const struct name_ent *x = a, *y = b;
	size_t n;
	int c;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	/* Only a hash collision gets here: order by name to be deterministic. */
	n = x->len < y->len ? x->len : y->len;
	c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static const struct name_ent *names_find(const struct names *t, uint64_t hash)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->v[lo].hash == hash ? &t->v[lo] : NULL;
}

/* Records read so far; handed to the caller's profile only on success, so
   that an error or PROFRAW_NEEDS_TOOL leaves it untouched. */
struct recs {
	struct instr_record *v;
	size_t n, alloc;
};

static void recs_release(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].counters);
		free(r->v[i].bitmap);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

struct reader {
	const char *file;
	const unsigned char *data;
	size_t len;
	size_t prof_no;         /* 1-based index of the profile being read */
	char where[64];         /* "" for the first profile, else "profile N at offset M: " */
	struct recs recs;
};

/* Section bookkeeping: off is relative to the profile's header and never
   exceeds avail, so avail - off is what remains. */
struct cursor {
	uint64_t off, avail;
};

static int take(struct reader *r, struct cursor *c, uint64_t size, const char *what)
{
	if (size > c->avail - c->off)
		return pgo_err("'%s': %struncated: %s needs %" PRIu64 " bytes, %" PRIu64 " remain",
			       r->file, r->where, what, size, c->avail - c->off);
	c->off += size;
	return 0;
}

static int take_n(struct reader *r, struct cursor *c, uint64_t count, uint64_t elem,
		  const char *what)
{
	if (count > UINT64_MAX / elem)
		return pgo_err("'%s': %struncated: %s of %" PRIu64 " entries needs more than 2^64 bytes",
			       r->file, r->where, what, count);
	return take(r, c, count * elem, what);
}

static uint64_t pad8(uint64_t n)
{
	return (8 - (n & 7)) & 7;
}

/* Build ids: a u64 length, the id, zero padding to 8 bytes; repeated. */
static int check_binary_ids(struct reader *r, const unsigned char *p, uint64_t size)
{
	uint64_t off = 0;
	if (size % 8)
		return pgo_err("'%s': %sbinary ids size %" PRIu64 " is not a multiple of 8",
			       r->file, r->where, size);
	while (off < size) {
		uint64_t idlen = get_le64(p + off);
		off += 8;
		if (idlen == 0 || idlen > size - off || pad8(idlen) > size - off - idlen)
			return pgo_err("'%s': %scorrupt binary id at offset %" PRIu64,
				       r->file, r->where, off - 8);
		off += idlen + pad8(idlen);
	}
	return 0;
}

static int read_uleb(const unsigned char *p, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; *pos < len; shift += 7) {
		unsigned char b = p[(*pos)++];
		if (shift == 63 && (b & 0x7f) > 1)
			return -1;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
		if (shift == 63)
			return -1;
	}
	return -1;
}

/*
 * Names go into the text form one per line, so they must read back as
 * names: valid text, and not a line the text reader takes for a comment,
 * a header, a bitmap size or a number of value kinds.
 */
static int name_ok(const char *s, size_t len)
{
	size_t i = 0;
	if (!valid_text(s, len) || s[0] == '#' || s[0] == ':' || s[0] == '$')
		return 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i < len;
}

/*
 * The raw profiles of one program carry the same names section, and an
 * import reads hundreds of them: the MD5 of every name is kept for the
 * last names section seen and reused when the next one is byte-identical
 * (about a fifth of the reading time otherwise).
 */
static struct {
	unsigned char *blob;
	size_t len;
	uint64_t *hashes;
	size_t n, alloc;
	int valid;
} md5_cache;

/* While a section is read: reuse (use_cache) or fill the cache. */
static int use_cache;
static size_t cache_pos;

static uint64_t name_hash(const char *name, size_t nlen)
{
	uint64_t h;
	if (use_cache && cache_pos < md5_cache.n)
		return md5_cache.hashes[cache_pos++];
	h = llvm_md5_hash(name, nlen);
	if (!use_cache) {
		ALLOC_GROW(md5_cache.hashes, md5_cache.n + 1, md5_cache.alloc);
		md5_cache.hashes[md5_cache.n++] = h;
	}
	return h;
}

static int add_names(struct reader *r, struct names *t, const char *s, size_t len,
		     const char *what)
{
	size_t start = 0;
	/* Like LLVM's StringRef::split: an empty chunk is one empty name. */
	for (size_t i = 0; i <= len; i++) {
		const char *name;
		size_t nlen;
		if (i < len && s[i] != '\x01')
			continue;
		name = s + start;
		nlen = i - start;
		start = i + 1;
		if (!nlen)
			return pgo_err("'%s': %scorrupt %s: empty name", r->file, r->where, what);
		if (!name_ok(name, nlen))
			return pgo_err("'%s': %scorrupt %s: a name is not valid text",
				       r->file, r->where, what);
		ALLOC_GROW(t->v, t->n + 1, t->alloc);
		t->v[t->n].hash = name_hash(name, nlen);
		t->v[t->n].s = name;
		t->v[t->n].len = nlen;
		t->n++;
	}
	return 0;
}

/*
 * A names blob is a series of chunks, one per module: ULEB128 size of the
 * names, ULEB128 compressed size (0 = stored), the zlib stream or the
 * names joined by '\x01', then optional zero bytes
 * (readAndDecodeStrings() in InstrProf.cpp).
 */
static int read_names_uncached(struct reader *r, struct names *t, const unsigned char *p,
				size_t len, const char *what);

static int read_names(struct reader *r, struct names *t, const unsigned char *p,
		      size_t len, const char *what)
{
	size_t first = t->n;
	int rc;
	use_cache = md5_cache.valid && md5_cache.len == len && !memcmp(md5_cache.blob, p, len);
	cache_pos = 0;
	if (!use_cache) {
		md5_cache.valid = 0;
		md5_cache.n = 0;
	}
	rc = read_names_uncached(r, t, p, len, what);
	if (use_cache && (rc < 0 || cache_pos != md5_cache.n || t->n - first != md5_cache.n)) {
		/* Cannot happen for identical bytes; be safe and recompute. */
		for (size_t i = first; i < t->n; i++)
			t->v[i].hash = llvm_md5_hash(t->v[i].s, t->v[i].len);
	}
	if (!use_cache && rc == 0) {
		free(md5_cache.blob);
		md5_cache.blob = xmalloc(len ? len : 1);
		if (len)
			memcpy(md5_cache.blob, p, len);
		md5_cache.len = len;
		md5_cache.valid = 1;
	}
	use_cache = 0;
	return rc;
}

static int read_names_uncached(struct reader *r, struct names *t, const unsigned char *p,
				size_t len, const char *what)
{
	size_t pos = 0;
	/* Names compress 3 to 10 times; a zip bomb must not exhaust memory. */
	uint64_t budget = (uint64_t)len * 256 + (1 << 20);
	while (pos < len) {
		size_t at = pos;
		uint64_t usize, csize;
		if (read_uleb(p, len, &pos, &usize) < 0 || read_uleb(p, len, &pos, &csize) < 0)
			return pgo_err("'%s': %scorrupt %s: bad chunk header at offset %zu",
				       r->file, r->where, what, at);
		if (!csize) {
			if (usize > len - pos)
				return pgo_err("'%s': %scorrupt %s: chunk of %" PRIu64 " bytes at offset %zu runs past the section",
					       r->file, r->where, what, usize, at);
			if (add_names(r, t, (const char *)p + pos, usize, what) < 0)
				return -1;
			pos += usize;
		} else {
			unsigned char *buf;
			uLongf outlen;
			int zrc;
			if (csize > len - pos)
				return pgo_err("'%s': %scorrupt %s: chunk of %" PRIu64 " bytes at offset %zu runs past the section",
					       r->file, r->where, what, csize, at);
			/* deflate cannot expand by more than 1032:1, so a
			   larger claim is corrupt and must not be allocated. */
			if (usize > csize * 1032 + 64 || usize > (uint64_t)(uLong)-1)
				return pgo_err("'%s': %scorrupt %s: chunk claims %" PRIu64 " bytes uncompressed from %" PRIu64 " compressed",
					       r->file, r->where, what, usize, csize);
			if (usize > budget)
				return pgo_err("'%s': %scorrupt %s: expands to more than 256 times its size",
					       r->file, r->where, what);
			budget -= usize;
			buf = xmalloc(usize);
			outlen = (uLongf)usize;
			zrc = uncompress(buf, &outlen, p + pos, (uLong)csize);
			if (zrc != Z_OK) {
				free(buf);
				return pgo_err("'%s': %scorrupt %s: cannot decompress chunk at offset %zu: %s",
					       r->file, r->where, what, at,
					       zrc == Z_BUF_ERROR ? "larger than its stated size" : zError(zrc));
			}
			ALLOC_GROW(t->bufs, t->nbufs + 1, t->bufs_alloc);
			t->bufs[t->nbufs++] = buf;
			if (add_names(r, t, (const char *)buf, outlen, what) < 0)
				return -1;
			pos += csize;
		}
		while (pos < len && !p[pos])
			pos++;
	}
	return 0;
}

struct header {
	uint64_t f[H_COUNT];
};

/*
 * Reads the profile whose header is at pos.  On success *next is the
 * offset just after it and *verword its version word.
 */
static int read_one(struct reader *r, size_t pos, size_t *next, uint64_t *verword)
{
	const unsigned char *p = r->data + pos;
	size_t avail = r->len - pos;
	const struct layout *lay;
	struct header h;
	struct cursor c;
	struct names names = { 0 };
	uint64_t magic, ver, data_off, cnt_off, cnt_size, bm_off = 0, names_off;
	uint64_t vnames_off = 0, value_off, csize;
	int byte_cov, temporal, rc = -1;

	if (avail < 16)
		return pgo_err("'%s': %struncated header (%zu of 16 bytes)", r->file, r->where, avail);
	magic = get_le64(p);
	if (magic != PROFRAW_MAGIC64) {
		if (magic == __builtin_bswap64(PROFRAW_MAGIC64))
			return pgo_err("'%s': %sbig-endian raw profiles are not supported", r->file, r->where);
		if (magic == PROFRAW_MAGIC32 || magic == __builtin_bswap64(PROFRAW_MAGIC32))
			return pgo_err("'%s': %s32-bit raw profiles are not supported", r->file, r->where);
		if (magic == __builtin_bswap64(PROFDATA_MAGIC))
			return pgo_err("'%s': %sis an indexed profile, not a raw one", r->file, r->where);
		return pgo_err("'%s': %snot an LLVM raw profile (bad magic 0x%016" PRIx64 ")",
			       r->file, r->where, magic);
	}
	ver = get_le64(p + 8);
	*verword = ver;
	lay = find_layout((uint32_t)ver);
	if (!lay)
		return pgo_err("'%s': %sraw profile version %" PRIu32 " is not supported (supported: 8, 9, 10)",
			       r->file, r->where, (uint32_t)ver);
	if (avail < lay->nfields * 8)
		return pgo_err("'%s': %struncated header (%zu of %zu bytes)",
			       r->file, r->where, avail, lay->nfields * 8);
	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < lay->nfields; i++)
		h.f[lay->fields[i]] = get_le64(p + 8 * i);
	if (ver & VARIANT_NEEDS_TOOL)
		return PROFRAW_NEEDS_TOOL;
	byte_cov = !!(ver & VARIANT_MASK_BYTE_COVERAGE);
	temporal = !!(ver & VARIANT_MASK_TEMPORAL_PROF);
	csize = byte_cov ? 1 : 8;

	c.off = lay->nfields * 8;
	c.avail = avail;
	if (take(r, &c, h.f[H_BINARY_IDS_SIZE], "binary ids section") < 0 ||
	    check_binary_ids(r, p + lay->nfields * 8, h.f[H_BINARY_IDS_SIZE]) < 0)
		return -1;
	data_off = c.off;
	if (take_n(r, &c, h.f[H_NUM_DATA], lay->rec_size, "data section") < 0 ||
	    take(r, &c, h.f[H_PAD_BEFORE_COUNTERS], "padding before counters") < 0)
		return -1;
	cnt_off = c.off;
	if (take_n(r, &c, h.f[H_NUM_COUNTERS], csize, "counters section") < 0)
		return -1;
	cnt_size = c.off - cnt_off;
	if (take(r, &c, h.f[H_PAD_AFTER_COUNTERS], "padding after counters") < 0)
		return -1;
	if (lay->version >= 9) {
		bm_off = c.off;
		if (take(r, &c, h.f[H_NUM_BITMAP_BYTES], "bitmap section") < 0 ||
		    take(r, &c, h.f[H_PAD_AFTER_BITMAP], "padding after bitmap") < 0)
			return -1;
	}
	names_off = c.off;
	if (take(r, &c, h.f[H_NAMES_SIZE], "names section") < 0 ||
	    take(r, &c, pad8(h.f[H_NAMES_SIZE]), "padding after names") < 0)
		return -1;
	if (lay->version >= 10) {
		if (take_n(r, &c, h.f[H_NUM_VTABLES], VTABLE_REC_SIZE, "vtable section") < 0 ||
		    take(r, &c, pad8(h.f[H_NUM_VTABLES] * VTABLE_REC_SIZE), "padding after vtables") < 0)
			return -1;
		vnames_off = c.off;
		if (take(r, &c, h.f[H_VNAMES_SIZE], "vtable names section") < 0 ||
		    take(r, &c, pad8(h.f[H_VNAMES_SIZE]), "padding after vtable names") < 0)
			return -1;
	}
	value_off = c.off;

	/*
	 * Value-profile data follows the sections, one block per record that
	 * has value sites.  Turning it into text needs the address -> name
	 * mapping llvm-profdata does; leave it to the tool.  Without data,
	 * llvm-profdata fails ("truncated profile data"): so do we.
	 */
	for (uint64_t i = 0; i < h.f[H_NUM_DATA]; i++) {
		const unsigned char *d = p + data_off + i * lay->rec_size;
		for (unsigned k = 0; k < lay->nkinds; k++) {
			if (!get_le16(d + lay->off_vsites + 2 * k))
				continue;
			if (value_off < avail)
				return PROFRAW_NEEDS_TOOL;
			return pgo_err("'%s': %srecord %" PRIu64 " has value sites but the file has no value-profile data",
				       r->file, r->where, i);
		}
	}

	if (read_names(r, &names, p + names_off, h.f[H_NAMES_SIZE], "names section") < 0)
		goto out;
	/* LLVM looks records up in one table of function and vtable names. */
	if (lay->version >= 10 &&
	    read_names(r, &names, p + vnames_off, h.f[H_VNAMES_SIZE], "vtable names section") < 0)
		goto out;
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_name_ent);

	for (uint64_t i = 0; i < h.f[H_NUM_DATA]; i++) {
		const unsigned char *d = p + data_off + i * lay->rec_size;
		uint64_t name_ref = get_le64(d + REC_NAME_REF);
		uint64_t ncnt = get_le32(d + lay->off_ncounters);
		uint64_t nbm = lay->off_nbitmap ? get_le32(d + lay->off_nbitmap) : 0;
		/* CounterPtr is relative to the record's own address, and the
		   header's delta is relative to the first record. */
		uint64_t coff = get_le64(d + REC_COUNTER_PTR) -
				(h.f[H_COUNTERS_DELTA] - i * lay->rec_size);
		const struct name_ent *ne = names_find(&names, name_ref);
		uint64_t boff = !nbm ? 0 : get_le64(d + REC_BITMAP_PTR) -
				(h.f[H_BITMAP_DELTA] - i * lay->rec_size);
		const unsigned char *cp;
		struct instr_record *rec;
		size_t skip = 0;

		if (!ne) {
			pgo_err("'%s': %srecord %" PRIu64 " (NameRef 0x%016" PRIx64 ") has no name in the names section",
				r->file, r->where, i, name_ref);
			goto out;
		}
		if (!ncnt) {
			pgo_err("'%s': %srecord %" PRIu64 " has no counters", r->file, r->where, i);
			goto out;
		}
		if (coff >= cnt_size) {
			pgo_err("'%s': %scounters of record %" PRIu64 " start outside the counters section",
				r->file, r->where, i);
			goto out;
		}
		if (ncnt > (cnt_size - coff) / csize) {
			pgo_err("'%s': %scounters of record %" PRIu64 " run past the counters section",
				r->file, r->where, i);
			goto out;
		}
		/* A temporal profile's first counter is a u64 timestamp even
		   when the others are single bytes. */
		if (temporal) {
			if (ncnt * csize <= 8) {
				pgo_err("'%s': %srecord %" PRIu64 " has no counters after its timestamp",
					r->file, r->where, i);
				goto out;
			}
			skip = byte_cov ? 8 : 1;
		}
		if (nbm) {
			if (boff >= h.f[H_NUM_BITMAP_BYTES] || nbm > h.f[H_NUM_BITMAP_BYTES] - boff) {
				pgo_err("'%s': %sbitmap bytes of record %" PRIu64 " run past the bitmap section",
					r->file, r->where, i);
				goto out;
			}
		}

		ALLOC_GROW(r->recs.v, r->recs.n + 1, r->recs.alloc);
		rec = &r->recs.v[r->recs.n++];
		memset(rec, 0, sizeof(*rec));
		rec->name = xstrndup(ne->s, ne->len);
		rec->hash = get_le64(d + REC_FUNC_HASH);
		rec->ncounters = ncnt - skip;
		rec->counters = xcalloc(rec->ncounters, sizeof(*rec->counters));
		cp = p + cnt_off + coff + skip * csize;
		if (byte_cov) {
			/* A byte counter is cleared when the block runs. */
			for (size_t k = 0; k < rec->ncounters; k++)
				rec->counters[k] = cp[k] == 0;
		} else {
			for (size_t k = 0; k < rec->ncounters; k++)
				rec->counters[k] = get_le64(cp + 8 * k);
		}
		if (nbm) {
			rec->nbitmap = nbm;
			rec->bitmap = xmalloc(nbm);
			memcpy(rec->bitmap, p + bm_off + boff, nbm);
		}
	}
	*next = pos + value_off;
	rc = 0;
out:
	names_release(&names);
	return rc;
}

/* The header lines llvm-profdata of the file's LLVM writes for it. */
static unsigned variant_flags(uint64_t ver)
{
	unsigned f = 0;
	if (ver & VARIANT_MASK_IR_PROF)
		f |= INSTR_IR;
	else
		f |= INSTR_FE;
	if (ver & VARIANT_MASK_CSIR_PROF)
		f |= INSTR_IR | INSTR_CSIR;
	if (ver & VARIANT_MASK_INSTR_ENTRY)
		f |= INSTR_ENTRY_FIRST;
	if (ver & VARIANT_MASK_LOOP_ENTRIES)
		f |= INSTR_LOOP_ENTRIES;
	/* LLVM 14's text writer has no ":single_byte_coverage" line. */
	if ((ver & VARIANT_MASK_BYTE_COVERAGE) && (uint32_t)ver >= 9)
		f |= INSTR_SINGLE_BYTE;
	if (ver & VARIANT_MASK_FUNCTION_ENTRY_ONLY)
		f |= INSTR_FUNC_ENTRY_ONLY;
	return f;
}

/* InstrProfWriter::mergeProfileKind's rules, as instr_merge() applies them. */
static int flags_conflict(const char *name, unsigned have, unsigned add)
{
	const unsigned kind = INSTR_FE | INSTR_IR;
	const unsigned blocks = INSTR_ENTRY_FIRST | INSTR_LOOP_ENTRIES;

	if ((have & kind) && (add & kind) && (have & INSTR_FE) != (add & INSTR_FE))
		return pgo_err("'%s': cannot merge %s profile with %s one", name,
			       add & INSTR_IR ? "an IR-level" : "a front-end",
			       add & INSTR_IR ? "a front-end" : "an IR-level");
	if (((have & INSTR_FUNC_ENTRY_ONLY) && (add & blocks)) ||
	    ((add & INSTR_FUNC_ENTRY_ONLY) && (have & blocks)))
		return pgo_err("'%s': cannot merge a function-entry-only profile with a block profile",
			       name);
	return 0;
}

int profraw_read(const char *name, const unsigned char *data, size_t len,
		 struct instr_profile *out, uint32_t *version)
{
	struct reader r;
	uint64_t first_ver = 0, ver = 0;
	size_t pos = 0;
	unsigned flags;
	int rc;

	memset(&r, 0, sizeof(r));
	r.file = name;
	r.data = data;
	r.len = len;
	if (!len)
		return pgo_err("'%s': empty raw profile", name);
	for (r.prof_no = 1;; r.prof_no++) {
		size_t next = 0;
		if (r.prof_no > 1)
			snprintf(r.where, sizeof(r.where), "profile %zu at offset %zu: ", r.prof_no, pos);
		rc = read_one(&r, pos, &next, &ver);
		if (r.prof_no == 1) {
			first_ver = ver;
			if (version)
				*version = (uint32_t)ver;
		}
		if (rc)
			goto fail;
		if ((uint32_t)ver != (uint32_t)first_ver) {
			rc = pgo_err("'%s': %sraw profile version %" PRIu32 " differs from the first profile's %" PRIu32,
				     name, r.where, (uint32_t)ver, (uint32_t)first_ver);
			goto fail;
		}
		/* As RawInstrProfReader::readNextHeader(): zero padding may
		   separate profiles, each of which starts 8-byte aligned. */
		pos = next;
		while (pos < len && !data[pos])
			pos++;
		if (pos == len)
			break;
		if (pos % 8) {
			rc = pgo_err("'%s': unexpected data at offset %zu after profile %zu",
				     name, pos, r.prof_no);
			goto fail;
		}
	}

	/* llvm-profdata takes the kind from the first header only. */
	flags = variant_flags(first_ver);
	if (flags_conflict(name, out->flags, flags)) {
		rc = -1;
		goto fail;
	}
	out->flags |= flags;
	for (size_t i = 0; i < r.recs.n; i++)
		instr_profile_add(out, &r.recs.v[i]);
	free(r.recs.v);
	/* Normalizing is the caller's: reading many files and sorting once
	   is what makes a large import fast. */
	return 0;
fail:
	recs_release(&r.recs);
	return rc;
}

void profraw_probe(const unsigned char *data, size_t len, struct profraw_probe *out)
{
	uint64_t magic, ver;

	memset(out, 0, sizeof(*out));
	if (len < 16)
		return;
	magic = get_le64(data);
	ver = get_le64(data + 8);
	if (magic == PROFRAW_MAGIC64 || magic == PROFRAW_MAGIC32) {
		out->kind = PROFRAW_RAW;
	} else if (magic == __builtin_bswap64(PROFRAW_MAGIC64) ||
		   magic == __builtin_bswap64(PROFRAW_MAGIC32)) {
		/* Readable by llvm-profdata only; profraw_read() says so. */
		out->kind = PROFRAW_RAW;
		ver = __builtin_bswap64(ver);
	} else if (magic == __builtin_bswap64(PROFDATA_MAGIC)) {
		/* The indexed magic is the byte string "\xfflprofi\x81" (LLVM's
		   0x8169666f72706cff read little-endian). */
		out->kind = PROFRAW_INDEXED;
	} else {
		return;
	}
	out->version = (uint32_t)ver;
	out->flags = ver & 0xffffffff00000000ULL;
}
