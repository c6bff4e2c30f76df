/*
 * gcda: sets of GCC .gcda files and their archive (see gcda.h).
 *
 * The .gcda layout checked here is the one GCC 12 writes (gcc/gcov-io.h,
 * libgcc/libgcov-driver.c write_one_data), verified with gcov-dump-12:
 *
 *   u32 magic 0x67636461, u32 version ("B22*" = 12.2), u32 stamp,
 *   u32 checksum (new in GCC 12), then records of
 *   u32 tag, u32 length in bytes (words before GCC 12), payload,
 *   and a final zero word (accepted when missing).
 *
 * A counter record whose counters are all zero is written without payload
 * and with the negated length (GCC 12 "compressed" zero counters), so a
 * length with the top bit set is legal for counter tags only.  Counters
 * are u64 stored as two u32 words, low word first.
 *
 * Data written by another GCC major version is refused: GCC 11 and older
 * count lengths in words and have no checksum word, and a later layout
 * change must not be misread silently.
 */
#include "gcda.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "banned.h"

#define GCDA_MAGIC 0x67636461u
#define GCOV_TAG_FUNCTION 0x01000000u
#define GCOV_TAG_COUNTER_BASE 0x01a10000u
#define GCOV_COUNTERS 8u                 /* GCC 12's gcov-counter.def */
#define GCDA_HEADER 16u
#define GCDA_SUPPORTED_MAJOR 12u

static const char archive_magic[8] = { 'P', 'G', 'O', 'G', 'C', 'D', 'A', '\n' };

void gcda_set_init(struct gcda_set *s)
{
	memset(s, 0, sizeof(*s));
}

void gcda_set_release(struct gcda_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].data);
	}
	free(s->e);
	gcda_set_init(s);
}

static int is_counter_tag(uint32_t tag)
{
	return tag >= GCOV_TAG_COUNTER_BASE && !((tag - GCOV_TAG_COUNTER_BASE) & 0x1ffffu) &&
	       ((tag - GCOV_TAG_COUNTER_BASE) >> 17) < GCOV_COUNTERS;
}

/*
 * Walks the records of a checked-or-not image.  Calls fn for every record
 * with its payload (NULL for compressed zero counters) and byte length.
 */
typedef void (*record_fn)(void *ctx, uint32_t tag, const unsigned char *payload,
			  uint64_t len);

static int walk(const char *name, const unsigned char *data, size_t len,
		unsigned *gmaj, unsigned *gmin, record_fn fn, void *ctx)
{
	uint32_t version;
	unsigned char v[4];
	size_t pos = GCDA_HEADER;

	if (len < GCDA_HEADER)
		return pgo_err("'%s': truncated: %zu bytes, a gcda header needs %u",
			       name, len, GCDA_HEADER);
	if (get_le32(data) != GCDA_MAGIC)
		return pgo_err("'%s': not a gcda file (magic 0x%08x, expected 0x%08x)",
			       name, get_le32(data), GCDA_MAGIC);
	version = get_le32(data + 4);
	v[0] = (unsigned char)(version >> 24);
	v[1] = (unsigned char)(version >> 16);
	v[2] = (unsigned char)(version >> 8);
	v[3] = (unsigned char)version;
	/* GCC's gcov-iov: major/10 + 'A', major%10 + '0', minor + '0', status. */
	if (v[0] < 'A' || v[0] > 'Z' || v[1] < '0' || v[1] > '9' ||
	    v[2] < '0' || v[2] > '9')
		return pgo_err("'%s': bad gcda version word 0x%08x", name, version);
	{
		unsigned maj = (unsigned)(v[0] - 'A') * 10 + (unsigned)(v[1] - '0');
		unsigned min = (unsigned)(v[2] - '0');
		if (maj != GCDA_SUPPORTED_MAJOR)
			return pgo_err("'%s': written by GCC %u.%u; only GCC %u data is supported",
				       name, maj, min, GCDA_SUPPORTED_MAJOR);
		if (gmaj)
			*gmaj = maj;
		if (gmin)
			*gmin = min;
	}
	while (pos < len) {
		uint32_t tag, length;
		/* libgcov ends the file with a zero word. */
		if (len - pos >= 4 && get_le32(data + pos) == 0) {
			if (len - pos == 4)
				break;
			return pgo_err("'%s': %zu bytes after the end marker at offset %zu",
				       name, len - pos - 4, pos);
		}
		if (len - pos < 8)
			return pgo_err("'%s': truncated record header at offset %zu: %zu bytes remain, 8 needed",
				       name, pos, len - pos);
		tag = get_le32(data + pos);
		length = get_le32(data + pos + 4);
		pos += 8;
		if (length & 0x80000000u) {
			uint32_t n = (uint32_t)-length;
			if (!is_counter_tag(tag) || n % 8)
				return pgo_err("'%s': record 0x%08x at offset %zu has a bad length 0x%08x",
					       name, tag, pos - 8, length);
			if (fn)
				fn(ctx, tag, NULL, n);
			continue;
		}
		if (length % 4 || (is_counter_tag(tag) && length % 8))
			return pgo_err("'%s': record 0x%08x at offset %zu has a bad length %u",
				       name, tag, pos - 8, length);
		if (length > len - pos)
			return pgo_err("'%s': truncated: record 0x%08x at offset %zu needs %u bytes, %zu remain",
				       name, tag, pos - 8, length, len - pos);
		if (fn)
			fn(ctx, tag, data + pos, length);
		pos += length;
	}
	return 0;
}

int gcda_check(const char *name, const unsigned char *data, size_t len,
	       unsigned *gcc_major, unsigned *gcc_minor)
{
	return walk(name, data, len, gcc_major, gcc_minor, NULL, NULL);
}

/* ---- paths ---------------------------------------------------------- */

/*
 * Paths come from archives, i.e. from outside: they are written below a
 * directory, so they must stay inside it and name only .gcda files.
 */
static int check_path(const char *name, const char *p, size_t len)
{
	size_t i = 0;
	if (!len)
		return pgo_err("'%s': empty path", name);
	if (memchr(p, '\0', len))
		return pgo_err("'%s': path contains a NUL byte", name);
	if (p[0] == '/')
		return pgo_err("'%s': absolute path '%.*s'", name, (int)len, p);
	if (len < 5 || memcmp(p + len - 5, ".gcda", 5))
		return pgo_err("'%s': path '%.*s' does not end in .gcda", name, (int)len, p);
	while (i <= len) {
		const char *s = memchr(p + i, '/', len - i);
		size_t e = s ? (size_t)(s - p) : len, cl = e - i;
		if (!cl)
			return pgo_err("'%s': path '%.*s' has an empty component",
				       name, (int)len, p);
		if ((cl == 1 && p[i] == '.') || (cl == 2 && p[i] == '.' && p[i + 1] == '.'))
			return pgo_err("'%s': path '%.*s' has a '%.*s' component",
				       name, (int)len, p, (int)cl, p + i);
		i = e + 1;
	}
	return 0;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	if (c)
		return c;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct gcda_entry *x = a, *y = b;
	return cmp_bytes(x->path, strlen(x->path), y->path, strlen(y->path));
}

/* ---- directories ---------------------------------------------------- */

static int read_tree(const char *root, const char *rel, struct gcda_set *s,
		     unsigned depth)
{
	char *dirpath = *rel ? path_join(root, rel) : xstrdup(root);
	DIR *d;
	struct dirent *de;
	int ret = 0;

	/* Directory trees of objects are shallow; a loop of bind mounts is not. */
	if (depth > 64) {
		ret = pgo_err("'%s': directories nested too deeply", dirpath);
		free(dirpath);
		return ret;
	}
	d = opendir(dirpath);
	if (!d) {
		ret = pgo_err_errno("cannot open directory '%s'", dirpath);
		free(dirpath);
		return ret;
	}
	while (!ret) {
		struct stat st;
		char *full, *sub;
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = pgo_err_errno("cannot read directory '%s'", dirpath);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		full = path_join(dirpath, de->d_name);
		sub = *rel ? path_join(rel, de->d_name) : xstrdup(de->d_name);
		if (lstat(full, &st) < 0) {
			ret = pgo_err_errno("cannot stat '%s'", full);
		} else if (S_ISDIR(st.st_mode)) {
			ret = read_tree(root, sub, s, depth + 1);
		} else if (str_ends_with(de->d_name, ".gcda")) {
			struct strbuf sb = STRBUF_INIT;
			/* Symbolic links are not followed: a profile set is
			   the files GCC wrote, nothing outside the directory. */
			if (!S_ISREG(st.st_mode))
				ret = pgo_err("'%s': not a regular file", full);
			else if (read_file(full, &sb, 0) < 0 ||
				 gcda_check(full, (const unsigned char *)sb.buf, sb.len,
					    NULL, NULL) < 0 ||
				 check_path(full, sub, strlen(sub)) < 0)
				ret = -1;
			if (!ret) {
				struct gcda_entry *e;
				ALLOC_GROW(s->e, s->n + 1, s->alloc);
				e = &s->e[s->n++];
				e->path = sub;
				sub = NULL;
				e->data = (unsigned char *)strbuf_detach(&sb, &e->len);
			}
			strbuf_release(&sb);
		}
		free(full);
		free(sub);
	}
	closedir(d);
	free(dirpath);
	return ret;
}

int gcda_set_read_dir(const char *dir, struct gcda_set *s)
{
	struct gcda_set tmp;
	gcda_set_init(&tmp);
	if (read_tree(dir, "", &tmp, 0) < 0) {
		gcda_set_release(&tmp);
		return -1;
	}
	if (!tmp.n) {
		gcda_set_release(&tmp);
		return pgo_err("no .gcda files in '%s'", dir);
	}
	/* readdir order is the file system's: sort for a stable archive. */
	ALLOC_GROW(s->e, pgo_size_add(s->n, tmp.n), s->alloc);
	memcpy(s->e + s->n, tmp.e, tmp.n * sizeof(*tmp.e));
	s->n += tmp.n;
	free(tmp.e);
	qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
	for (size_t i = 1; i < s->n; i++)
		if (!cmp_entry(&s->e[i - 1], &s->e[i]))
			return pgo_err("'%s': '%s' is in the set twice", dir, s->e[i].path);
	return 0;
}

/*
 * Each file is written with write_file_durable(): a compiler reading the
 * directory (a parallel -fprofile-use build) sees a whole .gcda or none,
 * never a half-written one, at the cost of one fsync per file.
 */
int gcda_set_write_dir(const struct gcda_set *s, const char *dir)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct gcda_entry *e = &s->e[i];
		char *full, *parent;
		int r;
		if (check_path(dir, e->path, strlen(e->path)) < 0)
			return -1;
		full = path_join(dir, e->path);
		parent = path_dirname(full);
		r = mkdir_p(parent, 0755);
		if (!r)
			r = write_file_durable(full, e->data, e->len, 0644);
		free(parent);
		free(full);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* ---- archive -------------------------------------------------------- */

int gcda_archive_parse(const char *name, const unsigned char *data, size_t len,
		       struct gcda_set *out)
{
	struct gcda_set s;
	size_t pos = 16;
	uint32_t version, count;

	if (len < 16)
		return pgo_err("'%s': truncated: %zu bytes, the archive header needs 16",
			       name, len);
	if (memcmp(data, archive_magic, 8))
		return pgo_err("'%s': not a pgo gcda archive (bad magic)", name);
	version = get_le32(data + 8);
	if (version != 1)
		return pgo_err("'%s': unsupported gcda archive version %u", name, version);
	count = get_le32(data + 12);
	/* Every entry takes at least 12 bytes: bound count before allocating. */
	if (count > (len - pos) / 12)
		return pgo_err("'%s': truncated: %u entries need at least %llu bytes, %zu remain",
			       name, count, (unsigned long long)count * 12, len - pos);
	gcda_set_init(&s);
	if (count) {
		s.e = xcalloc(count, sizeof(*s.e));
		s.alloc = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct gcda_entry *e = &s.e[i];
		uint32_t plen;
		uint64_t dlen;
		if (len - pos < 4) {
			pgo_err("'%s': truncated: entry %u: path length needs 4 bytes, %zu remain",
				name, i, len - pos);
			goto fail;
		}
		plen = get_le32(data + pos);
		pos += 4;
		if (plen > len - pos) {
			pgo_err("'%s': truncated: entry %u: path needs %u bytes, %zu remain",
				name, i, plen, len - pos);
			goto fail;
		}
		if (check_path(name, (const char *)data + pos, plen) < 0)
			goto fail;
		e->path = xstrndup((const char *)data + pos, plen);
		s.n++;
		pos += plen;
		if (i && cmp_entry(&s.e[i - 1], e) >= 0) {
			pgo_err("'%s': entry '%s' %s", name, e->path,
				cmp_entry(&s.e[i - 1], e) ? "is out of order" :
				"is given twice");
			goto fail;
		}
		if (len - pos < 8) {
			pgo_err("'%s': truncated: entry '%s': data length needs 8 bytes, %zu remain",
				name, e->path, len - pos);
			goto fail;
		}
		dlen = get_le64(data + pos);
		pos += 8;
		if (dlen > len - pos) {
			pgo_err("'%s': truncated: entry '%s': data needs %llu bytes, %zu remain",
				name, e->path, (unsigned long long)dlen, len - pos);
			goto fail;
		}
		{
			char *what = xasprintf("%s:%s", name, e->path);
			int r = gcda_check(what, data + pos, (size_t)dlen, NULL, NULL);
			free(what);
			if (r < 0)
				goto fail;
		}
		e->len = (size_t)dlen;
		e->data = xmalloc(e->len);
		if (e->len)
			memcpy(e->data, data + pos, e->len);
		pos += e->len;
	}
	if (pos != len) {
		pgo_err("'%s': %zu bytes of trailing garbage after %u entries",
			name, len - pos, count);
		goto fail;
	}
	gcda_set_release(out);
	*out = s;
	return 0;
fail:
	gcda_set_release(&s);
	return -1;
}

void gcda_archive_emit(struct gcda_set *s, struct strbuf *out)
{
	unsigned char w[8];
	if (s->n > 1)
		qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
	strbuf_add(out, archive_magic, sizeof(archive_magic));
	put_le32(w, 1);
	strbuf_add(out, w, 4);
	put_le32(w, (uint32_t)s->n);
	strbuf_add(out, w, 4);
	for (size_t i = 0; i < s->n; i++) {
		size_t pl = strlen(s->e[i].path);
		put_le32(w, (uint32_t)pl);
		strbuf_add(out, w, 4);
		strbuf_add(out, s->e[i].path, pl);
		put_le64(w, (uint64_t)s->e[i].len);
		strbuf_add(out, w, 8);
		strbuf_add(out, s->e[i].data, s->e[i].len);
	}
}

/* ---- statistics ----------------------------------------------------- */

struct file_stats {
	uint64_t sum;
	size_t functions;
};

static void stats_record(void *ctx, uint32_t tag, const unsigned char *payload,
			 uint64_t len)
{
	struct file_stats *fs = ctx;
	/* Zero-length function records stand for COMDAT functions whose
	   body another object provides: not functions of this file. */
	if (tag == GCOV_TAG_FUNCTION && len)
		fs->functions++;
	if (tag == GCOV_TAG_COUNTER_BASE && payload)
		for (uint64_t k = 0; k + 8 <= len; k += 8)
			fs->sum = sat_add64(fs->sum, get_le64(payload + k));
}

int gcda_set_stats(const struct gcda_set *s, struct gcda_stats *st,
		   void (*per_file)(void *ctx, const char *path, uint64_t sum, size_t nfuncs),
		   void *ctx)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < s->n; i++) {
		struct file_stats fs = { 0, 0 };
		if (walk(s->e[i].path, s->e[i].data, s->e[i].len, NULL, NULL,
			 stats_record, &fs) < 0)
			return -1;
		st->total = sat_add64(st->total, fs.sum);
		st->functions += fs.functions;
		st->files++;
		if (per_file)
			per_file(ctx, s->e[i].path, fs.sum, fs.functions);
	}
	return 0;
}
