/*
 * Tests for the native raw profile reader: what it reads from real
 * clang-14 (raw v8) and clang-22 (raw v10) profiles must be written by
 * instr_emit_text() exactly as `llvm-profdata merge -text` writes the same
 * file (goldens in t/data/profraw, see its README); corrupt inputs must
 * fail with a specific message and leave the profile untouched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "test.h"
#include "fsutil.h"
#include "profraw.h"
#include "util.h"

#define N "x.profraw"

static void load(const char *rel, struct strbuf *sb)
{
	char path[256];
	snprintf(path, sizeof(path), "t/data/profraw/%s", rel);
	strbuf_reset(sb);
	if (read_file(test_srcpath(path), sb, 0) < 0) {
		printf("# %s\n", pgo_errmsg());
		exit(1);
	}
}

static int rd(const struct strbuf *sb, struct instr_profile *p, uint32_t *ver)
{
	return profraw_read(N, (const unsigned char *)sb->buf, sb->len, p, ver);
}

static void emit(struct instr_profile *p, struct strbuf *out)
{
	strbuf_reset(out);
	instr_emit_text(p, out);
}

static int same_text(const struct strbuf *got, const struct strbuf *want, const char *what)
{
	size_t i = 0, line = 1;
	if (got->len == want->len && !memcmp(got->buf, want->buf, got->len))
		return 1;
	while (i < got->len && i < want->len && got->buf[i] == want->buf[i])
		if (got->buf[i++] == '\n')
			line++;
	printf("# %s: output differs from the golden at line %zu\n", what, line);
	return 0;
}

/* Reads raw into a fresh profile and compares its text with golden. */
static void check_golden(const char *raw, const char *golden, uint32_t version,
			 unsigned flags)
{
	struct strbuf data = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct instr_profile p;
	uint32_t v = 0;
	int rc;
	char what[128];

	instr_profile_init(&p);
	load(raw, &data);
	load(golden, &want);
	rc = rd(&data, &p, &v);
	snprintf(what, sizeof(what), "%s reads", raw);
	if (!CHECK_MSG(rc == 0, what))
		printf("# %s\n", pgo_errmsg());
	snprintf(what, sizeof(what), "%s is raw version %u", raw, version);
	CHECK_MSG(v == version, what);
	snprintf(what, sizeof(what), "%s has header flags 0x%x", raw, flags);
	CHECK_MSG(p.flags == flags, what);
	emit(&p, &got);
	snprintf(what, sizeof(what), "%s emits %s", raw, golden);
	CHECK_MSG(same_text(&got, &want, raw), what);
	instr_profile_release(&p);
	strbuf_release(&data);
	strbuf_release(&want);
	strbuf_release(&got);
}

static const struct instr_record *find(const struct instr_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->recs[i].name, name))
			return &p->recs[i];
	return NULL;
}

/* A profile already holding v10-ir, to check that failures leave it alone. */
struct fixture {
	struct instr_profile p;
	struct strbuf before, after;
};

static void fixture_init(struct fixture *f)
{
	struct strbuf data = STRBUF_INIT;
	instr_profile_init(&f->p);
	strbuf_init(&f->before, 0);
	strbuf_init(&f->after, 0);
	load("v10-ir.profraw", &data);
	if (rd(&data, &f->p, NULL) != 0) {
		printf("# fixture: %s\n", pgo_errmsg());
		exit(1);
	}
	emit(&f->p, &f->before);
	strbuf_release(&data);
}

static void fixture_release(struct fixture *f)
{
	instr_profile_release(&f->p);
	strbuf_release(&f->before);
	strbuf_release(&f->after);
}

/* Reading buf must fail with exactly msg and leave the profile as it was. */
static void check_err(const char *label, const void *buf, size_t len, const char *msg)
{
	struct fixture f;
	int rc;
	char what[256];

	fixture_init(&f);
	pgo_err_clear();
	rc = profraw_read(N, buf, len, &f.p, NULL);
	snprintf(what, sizeof(what), "%s: fails", label);
	CHECK_MSG(rc == -1, what);
	snprintf(what, sizeof(what), "%s: says \"%s\"", label, msg);
	if (!CHECK_MSG(!strcmp(pgo_errmsg(), msg), what))
		printf("# got: %s\n", pgo_errmsg());
	emit(&f.p, &f.after);
	snprintf(what, sizeof(what), "%s: profile untouched", label);
	CHECK_MSG(f.before.len == f.after.len &&
		  !memcmp(f.before.buf, f.after.buf, f.before.len), what);
	fixture_release(&f);
}

/* Like check_err() for messages with a variable tail (zlib's wording). */
static void check_err_prefix(const char *label, const void *buf, size_t len, const char *prefix)
{
	struct instr_profile p;
	char what[256];
	int rc;

	instr_profile_init(&p);
	rc = profraw_read(N, buf, len, &p, NULL);
	snprintf(what, sizeof(what), "%s: fails with \"%s...\"", label, prefix);
	if (!CHECK_MSG(rc == -1 && str_starts_with(pgo_errmsg(), prefix), what))
		printf("# got: %s\n", pgo_errmsg());
	CHECK_MSG(p.n == 0, "nothing was added");
	instr_profile_release(&p);
}

/* Offsets in a raw v10 file, from its header. */
struct v10 {
	uint64_t num_data, num_counters, names_size;
	size_t data_off, cnt_off, names_off, end;
};

static struct v10 v10_layout(const struct strbuf *sb)
{
	const unsigned char *b = (const unsigned char *)sb->buf;
	struct v10 l;
	l.num_data = get_le64(b + 3 * 8);
	l.num_counters = get_le64(b + 5 * 8);
	l.names_size = get_le64(b + 9 * 8);
	l.data_off = 128 + get_le64(b + 2 * 8);
	l.cnt_off = l.data_off + 64 * l.num_data + get_le64(b + 4 * 8);
	l.names_off = l.cnt_off + 8 * l.num_counters + get_le64(b + 6 * 8) +
		      get_le64(b + 7 * 8) + get_le64(b + 8 * 8);
	l.end = l.names_off + l.names_size + ((8 - l.names_size % 8) % 8);
	return l;
}

static void add_uleb(struct strbuf *sb, uint64_t v)
{
	do {
		strbuf_addch(sb, (char)((v & 0x7f) | (v >> 7 ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

/* The v10 file with its names section replaced by blob (len bytes). */
static void with_names(const struct strbuf *orig, const void *blob, size_t len,
		       struct strbuf *out)
{
	struct v10 l = v10_layout(orig);
	static const char zeros[8];
	strbuf_reset(out);
	strbuf_add(out, orig->buf, l.names_off);
	strbuf_add(out, blob, len);
	strbuf_add(out, zeros, (8 - len % 8) % 8);
	put_le64(out->buf + 9 * 8, len);
}

static void test_goldens(void)
{
	check_golden("v8-ir.profraw", "v8-ir.txt", 8, INSTR_IR);
	check_golden("v8-fe.profraw", "v8-fe.txt", 8, INSTR_FE);
	/* LLVM 14 writes no :single_byte_coverage line: neither do we. */
	check_golden("v8-cov.profraw", "v8-cov.txt", 8, INSTR_IR | INSTR_FUNC_ENTRY_ONLY);
	check_golden("v8-cs.profraw", "v8-cs.txt", 8, INSTR_IR | INSTR_CSIR);
	check_golden("v8-concat.profraw", "v8-concat.txt", 8, INSTR_IR);
	check_golden("v10-ir.profraw", "v10-ir.txt", 10, INSTR_IR);
	check_golden("v10-entry.profraw", "v10-entry.txt", 10, INSTR_IR | INSTR_ENTRY_FIRST);
	check_golden("v10-loop.profraw", "v10-loop.txt", 10, INSTR_IR | INSTR_LOOP_ENTRIES);
	check_golden("v10-bcov.profraw", "v10-bcov.txt", 10, INSTR_IR | INSTR_SINGLE_BYTE);
	check_golden("v10-temporal.profraw", "v10-temporal.txt", 10, INSTR_IR);
	check_golden("v10-mcdc.profraw", "v10-mcdc.txt", 10, INSTR_FE);
	check_golden("v10-concat.profraw", "v10-concat.txt", 10, INSTR_IR);
	check_golden("v10-vtables.profraw", "v10-ir.txt", 10, INSTR_IR);
	check_golden("v9-ir.profraw", "v10-ir.txt", 9, INSTR_IR);
	check_golden("v9-mcdc.profraw", "v10-mcdc.txt", 9, INSTR_FE);
}

static void test_records(void)
{
	struct strbuf data = STRBUF_INIT;
	struct instr_profile p;
	const struct instr_record *r;

	/* Spot checks that do not depend on the emitter. */
	instr_profile_init(&p);
	load("v10-mcdc.profraw", &data);
	CHECK(rd(&data, &p, NULL) == 0);
	r = find(&p, "lib_pick");
	CHECK(r && r->ncounters == 6 && r->counters[0] == 39);
	CHECK(r && r->nbitmap == 1 && r->bitmap[0] == 0x1f);
	r = find(&p, "main.c:never_called");
	CHECK(r && r->ncounters == 2 && r->counters[0] == 0 && r->counters[1] == 0);
	instr_profile_release(&p);

	/* Byte counters: 0 in the file means the block ran. */
	instr_profile_init(&p);
	load("v8-cov.profraw", &data);
	CHECK(rd(&data, &p, NULL) == 0);
	r = find(&p, "main");
	CHECK(r && r->ncounters == 1 && r->counters[0] == 1);
	r = find(&p, "apply");
	CHECK(r && r->ncounters == 1 && r->counters[0] == 0);
	instr_profile_release(&p);

	/* The timestamp counter of temporal profiles is not a counter. */
	instr_profile_init(&p);
	load("v10-temporal.profraw", &data);
	CHECK(rd(&data, &p, NULL) == 0);
	r = find(&p, "main");
	CHECK(r && r->ncounters == 7 && r->counters[0] == 701);
	instr_profile_release(&p);
	strbuf_release(&data);
}

static void test_merge(void)
{
	struct strbuf data = STRBUF_INIT, other = STRBUF_INIT, want = STRBUF_INIT,
		      got = STRBUF_INIT;
	struct instr_profile p;

	/* Reading twice into one profile adds up, as llvm-profdata merge does. */
	instr_profile_init(&p);
	load("v10-ir.profraw", &data);
	load("v10-ir-x2.txt", &want);
	CHECK(rd(&data, &p, NULL) == 0);
	CHECK(rd(&data, &p, NULL) == 0);
	emit(&p, &got);
	CHECK(same_text(&got, &want, "v10-ir twice"));

	/* Zero padding between concatenated profiles is skipped. */
	instr_profile_release(&p);
	instr_profile_init(&p);
	strbuf_reset(&other);
	strbuf_add(&other, data.buf, data.len);
	strbuf_add(&other, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	strbuf_add(&other, data.buf, data.len);
	strbuf_add(&other, "\0\0\0\0\0\0\0\0", 8);
	CHECK(rd(&other, &p, NULL) == 0);
	emit(&p, &got);
	CHECK(same_text(&got, &want, "v10-ir, padding, v10-ir, padding"));
	instr_profile_release(&p);

	/* IR and front-end profiles do not mix, nor do function-entry-only
	   ones with block profiles (InstrProfWriter::mergeProfileKind). */
	load("v10-mcdc.profraw", &other);
	check_err("front-end into IR", other.buf, other.len,
		  "'" N "': cannot merge a front-end profile with an IR-level one");
	instr_profile_init(&p);
	load("v10-entry.profraw", &other);
	CHECK(rd(&other, &p, NULL) == 0);
	put_le64(data.buf + 8, get_le64(data.buf + 8) | VARIANT_MASK_FUNCTION_ENTRY_ONLY);
	CHECK(rd(&data, &p, NULL) == -1);
	CHECK_STR(pgo_errmsg(),
		  "'" N "': cannot merge a function-entry-only profile with a block profile");
	instr_profile_release(&p);

	strbuf_release(&data);
	strbuf_release(&other);
	strbuf_release(&want);
	strbuf_release(&got);
}

static void test_value_profiles(void)
{
	struct strbuf data = STRBUF_INIT;
	struct fixture f;
	uint32_t v = 0;
	const char *files[] = { "v8-vp.profraw", "v10-vp.profraw" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		fixture_init(&f);
		load(files[i], &data);
		CHECK_MSG(rd(&data, &f.p, &v) == PROFRAW_NEEDS_TOOL, files[i]);
		CHECK(v == (i ? 10 : 8));
		emit(&f.p, &f.after);
		CHECK_MSG(f.after.len == f.before.len &&
			  !memcmp(f.after.buf, f.before.buf, f.after.len),
			  "the profile is untouched when the tool is needed");
		fixture_release(&f);
	}
	load("v10-vp-nodata.profraw", &data);
	check_err("value sites without value data", data.buf, data.len,
		  "'" N "': record 0 has value sites but the file has no value-profile data");

	/* Records and names kept in the binary (debug-info correlation). */
	fixture_init(&f);
	load("v10-ir.profraw", &data);
	put_le64(data.buf + 8, get_le64(data.buf + 8) | VARIANT_MASK_DBG_CORRELATE);
	CHECK(rd(&data, &f.p, NULL) == PROFRAW_NEEDS_TOOL);
	emit(&f.p, &f.after);
	CHECK(f.after.len == f.before.len && !memcmp(f.after.buf, f.before.buf, f.after.len));
	fixture_release(&f);
	strbuf_release(&data);
}

static void test_truncated(void)
{
	struct strbuf data = STRBUF_INIT, msg = STRBUF_INIT;
	const char *files[] = { "v8-ir.profraw", "v8-cov.profraw", "v10-ir.profraw",
				"v10-mcdc.profraw", "v9-ir.profraw", "v10-vtables.profraw",
				"v10-concat.profraw" };
	struct v10 l;

	size_t ir_len;

	load("v10-ir.profraw", &data);
	ir_len = data.len;
	/* Every proper prefix is an error, whatever section it cuts. */
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t fails = 0, cuts = 0;
		struct instr_profile p;
		int concat = !strcmp(files[i], "v10-concat.profraw");
		load(files[i], &data);
		for (size_t n = 0; n < data.len; n++) {
			int rc;
			/* v10-concat is v10-ir, other, v10-ir: a cut between two
			   profiles leaves a whole file. */
			if (concat && (n == ir_len || n == data.len - ir_len))
				continue;
			instr_profile_init(&p);
			rc = profraw_read(N, (const unsigned char *)data.buf, n, &p, NULL);
			fails += rc == -1 && p.n == 0;
			cuts++;
			instr_profile_release(&p);
		}
		strbuf_reset(&msg);
		strbuf_addf(&msg, "%s: all %zu truncations fail (%zu did)", files[i], cuts, fails);
		CHECK_MSG(fails == cuts, msg.buf);
	}

	load("v10-ir.profraw", &data);
	l = v10_layout(&data);
	CHECK(l.end == data.len);
	check_err("empty", data.buf, 0, "'" N "': empty raw profile");
	check_err("cut in magic", data.buf, 8, "'" N "': truncated header (8 of 16 bytes)");
	check_err("cut in header", data.buf, 24, "'" N "': truncated header (24 of 128 bytes)");
	check_err("cut in binary ids", data.buf, 128 + 16,
		  "'" N "': truncated: binary ids section needs 32 bytes, 16 remain");
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': truncated: data section needs %llu bytes, 10 remain",
		    (unsigned long long)l.num_data * 64);
	check_err("cut in data", data.buf, l.data_off + 10, msg.buf);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': truncated: counters section needs %llu bytes, 5 remain",
		    (unsigned long long)l.num_counters * 8);
	check_err("cut in counters", data.buf, l.cnt_off + 5, msg.buf);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': truncated: names section needs %llu bytes, 3 remain",
		    (unsigned long long)l.names_size);
	check_err("cut in names", data.buf, l.names_off + 3, msg.buf);
	if (l.names_size % 8) {
		strbuf_reset(&msg);
		strbuf_addf(&msg, "'" N "': truncated: padding after names needs %llu bytes, 0 remain",
			    (unsigned long long)(8 - l.names_size % 8));
		check_err("cut in names padding", data.buf, l.names_off + l.names_size, msg.buf);
	}
	strbuf_release(&data);
	strbuf_release(&msg);
}

static void test_corrupt_header(void)
{
	struct strbuf data = STRBUF_INIT, msg = STRBUF_INIT;
	struct v10 l;

	load("v10-ir.profraw", &data);
	l = v10_layout(&data);

	data.buf[0] ^= 1;
	check_err("wrong magic", data.buf, data.len,
		  "'" N "': not an LLVM raw profile (bad magic 0xff6c70726f667280)");
	put_le64(data.buf, __builtin_bswap64(PROFRAW_MAGIC64));
	check_err("byte-swapped magic", data.buf, data.len,
		  "'" N "': big-endian raw profiles are not supported");
	put_le64(data.buf, 0xff6c70726f665281ULL);
	check_err("32-bit magic", data.buf, data.len,
		  "'" N "': 32-bit raw profiles are not supported");
	put_le64(data.buf, __builtin_bswap64(PROFDATA_MAGIC));
	check_err("indexed magic", data.buf, data.len,
		  "'" N "': is an indexed profile, not a raw one");
	put_le64(data.buf, PROFRAW_MAGIC64);

	put_le64(data.buf + 8, VARIANT_MASK_IR_PROF | 99);
	check_err("version 99", data.buf, data.len,
		  "'" N "': raw profile version 99 is not supported (supported: 8, 9, 10)");
	put_le64(data.buf + 8, VARIANT_MASK_IR_PROF | 11);
	check_err("version 11", data.buf, data.len,
		  "'" N "': raw profile version 11 is not supported (supported: 8, 9, 10)");
	put_le64(data.buf + 8, VARIANT_MASK_IR_PROF | 10);

	put_le64(data.buf + 3 * 8, 1ULL << 61);
	check_err("NumData 2^61", data.buf, data.len,
		  "'" N "': truncated: data section of 2305843009213693952 entries needs more than 2^64 bytes");
	put_le64(data.buf + 3 * 8, 1000);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': truncated: data section needs 64000 bytes, %zu remain",
		    data.len - l.data_off);
	check_err("NumData 1000", data.buf, data.len, msg.buf);
	put_le64(data.buf + 3 * 8, l.num_data);

	put_le64(data.buf + 5 * 8, 1ULL << 62);
	check_err("NumCounters 2^62", data.buf, data.len,
		  "'" N "': truncated: counters section of 4611686018427387904 entries needs more than 2^64 bytes");
	/* One counter more moves the names 8 bytes further than the file goes. */
	put_le64(data.buf + 5 * 8, l.num_counters + 1);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': truncated: names section needs %llu bytes, %llu remain",
		    (unsigned long long)l.names_size,
		    (unsigned long long)(data.len - l.names_off - 8));
	check_err("NumCounters one too many", data.buf, data.len, msg.buf);
	put_le64(data.buf + 5 * 8, l.num_counters);

	put_le64(data.buf + 2 * 8, 12);
	check_err("binary ids size 12", data.buf, data.len,
		  "'" N "': binary ids size 12 is not a multiple of 8");
	put_le64(data.buf + 2 * 8, 32);
	put_le64(data.buf + 128, 0);
	check_err("binary id of length 0", data.buf, data.len,
		  "'" N "': corrupt binary id at offset 0");
	put_le64(data.buf + 128, 25);
	check_err("binary id longer than its section", data.buf, data.len,
		  "'" N "': corrupt binary id at offset 0");
	strbuf_release(&data);
	strbuf_release(&msg);
}

static void test_corrupt_records(void)
{
	struct strbuf data = STRBUF_INIT, msg = STRBUF_INIT;
	struct v10 l;
	char *rec3;
	uint64_t v;

	load("v10-ir.profraw", &data);
	l = v10_layout(&data);
	CHECK(l.num_data >= 4);
	rec3 = data.buf + l.data_off + 3 * 64;

	v = get_le64(rec3 + 16);
	put_le64(rec3 + 16, v + 0x10000);
	check_err("CounterPtr past the counters", data.buf, data.len,
		  "'" N "': counters of record 3 start outside the counters section");
	put_le64(rec3 + 16, v - 0x10000);
	check_err("CounterPtr before the counters", data.buf, data.len,
		  "'" N "': counters of record 3 start outside the counters section");
	put_le64(rec3 + 16, v);

	v = get_le32(rec3 + 48);
	put_le32(rec3 + 48, 1000);
	check_err("NumCounters past the counters", data.buf, data.len,
		  "'" N "': counters of record 3 run past the counters section");
	put_le32(rec3 + 48, 0xffffffff);
	check_err("NumCounters 2^32-1", data.buf, data.len,
		  "'" N "': counters of record 3 run past the counters section");
	put_le32(rec3 + 48, 0);
	check_err("NumCounters 0", data.buf, data.len, "'" N "': record 3 has no counters");
	put_le32(rec3 + 48, (uint32_t)v);

	v = get_le64(rec3);
	put_le64(rec3, v ^ 1);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': record 3 (NameRef 0x%016llx) has no name in the names section",
		    (unsigned long long)(v ^ 1));
	check_err("unknown NameRef", data.buf, data.len, msg.buf);
	put_le64(rec3, v);

	/* MC/DC bitmap bytes are bounded by the bitmap section. */
	load("v10-mcdc.profraw", &data);
	l = v10_layout(&data);
	for (uint64_t i = 0; i < l.num_data; i++) {
		char *rec = data.buf + l.data_off + i * 64;
		if (!get_le32(rec + 60))
			continue;
		put_le32(rec + 60, 1000);
		strbuf_reset(&msg);
		strbuf_addf(&msg, "'" N "': bitmap bytes of record %llu run past the bitmap section",
			    (unsigned long long)i);
		check_err("NumBitmapBytes 1000", data.buf, data.len, msg.buf);
		break;
	}
	strbuf_release(&data);
	strbuf_release(&msg);
}

static void test_corrupt_names(void)
{
	struct strbuf data = STRBUF_INIT, bad = STRBUF_INIT, blob = STRBUF_INIT,
		      want = STRBUF_INIT, got = STRBUF_INIT;
	struct instr_profile p;
	struct v10 l;
	const unsigned char *z;
	size_t zpos = 0;
	uint64_t usize = 0, csize = 0;

	load("v10-ir.profraw", &data);
	l = v10_layout(&data);
	z = (const unsigned char *)data.buf + l.names_off;
	/* The section is one compressed chunk: two one-byte ULEB128 sizes. */
	CHECK(z[0] < 0x80 && z[1] < 0x80 && z[1] > 0);
	usize = z[0];
	csize = z[1];
	zpos = 2;
	CHECK(zpos + csize <= l.names_size);

	/* The same names stored uncompressed, in two chunks with zero bytes
	   between them, read the same. */
	{
		static const char a[] = "apply\x01lib_pick\x01lib_work";
		static const char b[] = "main\x01main.c;add1\x01main.c;dbl";
		strbuf_reset(&blob);
		strbuf_addch(&blob, (char)(sizeof(a) - 1));
		strbuf_addch(&blob, 0);
		strbuf_add(&blob, a, sizeof(a) - 1);
		strbuf_add(&blob, "\0\0\0", 3);
		strbuf_addch(&blob, (char)(sizeof(b) - 1));
		strbuf_addch(&blob, 0);
		strbuf_add(&blob, b, sizeof(b) - 1);
		with_names(&data, blob.buf, blob.len, &bad);
		instr_profile_init(&p);
		CHECK(rd(&bad, &p, NULL) == 0);
		load("v10-ir.txt", &want);
		emit(&p, &got);
		CHECK(same_text(&got, &want, "uncompressed names"));
		instr_profile_release(&p);
	}

	/* A chunk claiming 2^40 bytes must not be allocated. */
	strbuf_reset(&blob);
	strbuf_add(&blob, "\x80\x80\x80\x80\x80\x20", 6);
	strbuf_addch(&blob, (char)csize);
	strbuf_add(&blob, z + zpos, csize);
	with_names(&data, blob.buf, blob.len, &bad);
	strbuf_reset(&got);
	strbuf_addf(&got, "'" N "': corrupt names section: chunk claims 1099511627776 bytes uncompressed from %llu compressed",
		    (unsigned long long)csize);
	check_err("names claiming 2^40 bytes", bad.buf, bad.len, got.buf);

	/* Chunks that each expand 1000 times, together over the budget. */
	{
		size_t n = 200000;
		unsigned char *plain = xmalloc(n), *z2 = xmalloc(n);
		memset(plain, 'a', n);
		strbuf_reset(&blob);
		for (int k = 0; k < 12; k++) {
			uLongf zlen = n;
			if (compress2(z2, &zlen, plain, n, 9) != Z_OK)
				break;
			add_uleb(&blob, n);
			add_uleb(&blob, zlen);
			strbuf_add(&blob, z2, zlen);
		}
		with_names(&data, blob.buf, blob.len, &bad);
		check_err("names expanding 1000 times", bad.buf, bad.len,
			  "'" N "': corrupt names section: expands to more than 256 times its size");
		free(plain);
		free(z2);
	}

	/* A smaller claim than the real size is corrupt too. */
	strbuf_reset(&blob);
	strbuf_addch(&blob, (char)(usize - 1));
	strbuf_addch(&blob, (char)csize);
	strbuf_add(&blob, z + zpos, csize);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("names larger than claimed", bad.buf, bad.len,
		  "'" N "': corrupt names section: cannot decompress chunk at offset 0: larger than its stated size");

	/* A damaged zlib stream. */
	strbuf_reset(&bad);
	strbuf_add(&bad, data.buf, data.len);
	bad.buf[l.names_off + zpos + csize / 2] ^= 0x55;
	bad.buf[l.names_off + zpos + csize / 2 + 1] ^= 0x55;
	check_err_prefix("corrupt zlib stream", bad.buf, bad.len,
			 "'" N "': corrupt names section: cannot decompress chunk at offset 0: ");
	/* A compressed size past the section. */
	strbuf_reset(&bad);
	strbuf_add(&bad, data.buf, data.len);
	bad.buf[l.names_off + 1] = 0x7f;
	check_err("compressed size past the section", bad.buf, bad.len,
		  "'" N "': corrupt names section: chunk of 127 bytes at offset 0 runs past the section");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x0b\x00" "main\x01\x01" "apply", 13);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("empty name", bad.buf, bad.len, "'" N "': corrupt names section: empty name");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x0a\x00" "main\x01" "ap\nly", 12);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("name with a newline", bad.buf, bad.len,
		  "'" N "': corrupt names section: a name is not valid text");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x05\x00" "#main", 7);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("name that would read as a comment", bad.buf, bad.len,
		  "'" N "': corrupt names section: a name is not valid text");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x0a\x00" "main\x01" "12345", 12);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("name that would read as a number", bad.buf, bad.len,
		  "'" N "': corrupt names section: a name is not valid text");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x64\x00" "main", 6);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("stored chunk past the section", bad.buf, bad.len,
		  "'" N "': corrupt names section: chunk of 100 bytes at offset 0 runs past the section");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err("ULEB128 overflow", bad.buf, bad.len,
		  "'" N "': corrupt names section: bad chunk header at offset 0");

	strbuf_reset(&blob);
	strbuf_add(&blob, "\x04\x00" "main", 6);
	with_names(&data, blob.buf, blob.len, &bad);
	check_err_prefix("names missing a record's name", bad.buf, bad.len, "'" N "': record 0 (NameRef 0x");

	strbuf_release(&data);
	strbuf_release(&bad);
	strbuf_release(&blob);
	strbuf_release(&want);
	strbuf_release(&got);
}

static void test_concat_errors(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, cat = STRBUF_INIT,
		      msg = STRBUF_INIT;
	struct v10 l;

	load("v10-ir.profraw", &a);
	load("v8-ir.profraw", &b);
	l = v10_layout(&a);
	strbuf_add(&cat, a.buf, a.len);
	strbuf_add(&cat, b.buf, b.len);
	strbuf_addf(&msg, "'" N "': profile 2 at offset %zu: raw profile version 8 differs from the first profile's 10",
		    a.len);
	check_err("v10 then v8", cat.buf, cat.len, msg.buf);

	strbuf_reset(&cat);
	strbuf_add(&cat, a.buf, a.len);
	strbuf_add(&cat, "abcde", 5);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': profile 2 at offset %zu: truncated header (5 of 16 bytes)", a.len);
	check_err("trailing garbage", cat.buf, cat.len, msg.buf);

	strbuf_reset(&cat);
	strbuf_add(&cat, a.buf, a.len);
	strbuf_add(&cat, "\0\0\0\0\0\0\0\0", 8);
	strbuf_add(&cat, "0123456789abcdef", 16);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': profile 2 at offset %zu: not an LLVM raw profile (bad magic 0x3736353433323130)",
		    a.len + 8);
	check_err("garbage after padding", cat.buf, cat.len, msg.buf);

	strbuf_reset(&cat);
	strbuf_add(&cat, a.buf, a.len);
	strbuf_add(&cat, a.buf, l.data_off + 40);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': profile 2 at offset %zu: truncated: data section needs %llu bytes, 40 remain",
		    a.len, (unsigned long long)l.num_data * 64);
	check_err("second profile truncated", cat.buf, cat.len, msg.buf);

	/* v8-cov's length is not a multiple of 8: a profile after it would
	   be misaligned, which LLVM refuses. */
	load("v8-cov.profraw", &a);
	CHECK(a.len % 8 != 0);
	strbuf_reset(&cat);
	strbuf_add(&cat, a.buf, a.len);
	strbuf_add(&cat, b.buf, b.len);
	strbuf_reset(&msg);
	strbuf_addf(&msg, "'" N "': unexpected data at offset %zu after profile 1", a.len);
	check_err("misaligned second profile", cat.buf, cat.len, msg.buf);

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&cat);
	strbuf_release(&msg);
}

static void test_probe(void)
{
	struct strbuf data = STRBUF_INIT;
	struct profraw_probe pr;
	unsigned char buf[16];

	load("v8-ir.profraw", &data);
	profraw_probe((const unsigned char *)data.buf, data.len, &pr);
	CHECK(pr.kind == PROFRAW_RAW && pr.version == 8 && pr.flags == VARIANT_MASK_IR_PROF);
	load("v8-fe.profraw", &data);
	profraw_probe((const unsigned char *)data.buf, data.len, &pr);
	CHECK(pr.kind == PROFRAW_RAW && pr.version == 8 && pr.flags == 0);
	load("v10-bcov.profraw", &data);
	profraw_probe((const unsigned char *)data.buf, data.len, &pr);
	CHECK(pr.kind == PROFRAW_RAW && pr.version == 10 &&
	      pr.flags == (VARIANT_MASK_IR_PROF | VARIANT_MASK_BYTE_COVERAGE));
	profraw_probe((const unsigned char *)data.buf, 15, &pr);
	CHECK(pr.kind == PROFRAW_NONE);

	/* The first 16 bytes of what llvm-profdata-22 merge writes. */
	memcpy(buf, "\xff" "lprofi" "\x81" "\x0d\0\0\0\0\0\0\x01", 16);
	profraw_probe(buf, 16, &pr);
	CHECK(pr.kind == PROFRAW_INDEXED && pr.version == 13 && pr.flags == VARIANT_MASK_IR_PROF);
	memcpy(buf, "\xff" "lprofi" "\x81" "\x07\0\0\0\0\0\0\0", 16);
	profraw_probe(buf, 16, &pr);
	CHECK(pr.kind == PROFRAW_INDEXED && pr.version == 7 && pr.flags == 0);
	/* Big-endian raw: detected, its version read the right way round. */
	memcpy(buf, "\xff" "lprofr" "\x81" "\x01\0\0\0\0\0\0\x0a", 16);
	profraw_probe(buf, 16, &pr);
	CHECK(pr.kind == PROFRAW_RAW && pr.version == 10 && pr.flags == VARIANT_MASK_IR_PROF);
	memcpy(buf, "# IR level Instr", 16);
	profraw_probe(buf, 16, &pr);
	CHECK(pr.kind == PROFRAW_NONE);
	strbuf_release(&data);
}

int main(void)
{
	test_goldens();
	test_records();
	test_merge();
	test_value_profiles();
	test_truncated();
	test_corrupt_header();
	test_corrupt_records();
	test_corrupt_names();
	test_concat_errors();
	test_probe();
	return test_done();
}
