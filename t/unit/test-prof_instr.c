/*
 * prof_instr: parsing what llvm-profdata writes, writing it back byte for
 * byte, merging, overlap, and refusing corrupt text.  The profiles under
 * t/data/prof_instr/ come from clang-14 and clang-22 (see gen.sh there).
 */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "util.h"
#include "fsutil.h"
#include "prof_instr.h"

#define DATA "t/data/prof_instr/"

static char *slurp(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	if (read_file(test_srcpath(rel), &sb, 0) < 0) {
		printf("# %s\n", pgo_errmsg());
		return xstrdup("");
	}
	return strbuf_detach(&sb, NULL);
}

/* Parses a data file; on failure the test fails and p is empty. */
static int load(const char *file, struct instr_profile *p)
{
	char *rel = xasprintf(DATA "%s", file);
	char *text = slurp(rel);
	int ret = instr_parse_text(file, text, strlen(text), p);
	if (ret < 0)
		printf("# %s\n", pgo_errmsg());
	CHECK_MSG(ret == 0, file);
	free(text);
	free(rel);
	return ret;
}

/* (no libm: the unit tests link with libpgo only) */
static double dabs(double x)
{
	return x < 0 ? -x : x;
}

static int parse_str(const char *text, struct instr_profile *p)
{
	return instr_parse_text("t.txt", text, strlen(text), p);
}

static char *emit(struct instr_profile *p)
{
	struct strbuf sb = STRBUF_INIT;
	instr_emit_text(p, &sb);
	return strbuf_detach(&sb, NULL);
}

static int same_text(const char *got, const char *want, const char *what)
{
	int ok = !strcmp(got, want);
	if (!ok) {
		size_t i = 0;
		while (got[i] && got[i] == want[i])
			i++;
		printf("# %s: first difference at byte %zu: got \"%.40s\" want \"%.40s\"\n",
		       what, i, got + i, want + i);
	}
	return CHECK_MSG(ok, what);
}

static int same_as_file(struct instr_profile *p, const char *file)
{
	char *rel = xasprintf(DATA "%s", file);
	char *want = slurp(rel);
	char *got = emit(p);
	int ok = same_text(got, want, file);
	free(got);
	free(want);
	free(rel);
	return ok;
}

static int error_has(const char *part)
{
	int ok = strstr(pgo_errmsg(), part) != NULL;
	if (!ok)
		printf("# error was: %s\n# expected it to contain: %s\n", pgo_errmsg(), part);
	return CHECK_MSG(ok, part);
}

static const struct instr_record *find(const struct instr_profile *p,
				       const char *name, uint64_t hash)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->recs[i].name, name) && p->recs[i].hash == hash)
			return &p->recs[i];
	return NULL;
}

/* Every profile llvm-profdata wrote reads and writes back byte for byte. */
static void test_llvm_text_roundtrip(void)
{
	static const char *const files[] = {
		"ir14-a.txt", "ir14-b.txt", "ir14-c.txt", "ir14-ab.txt",
		"ir22-a.txt", "ir22-b.txt", "ir22-c.txt", "ir22-abc.txt",
		"ir22-b-w3.txt", "fe14.txt", "fe22.txt", "csir14.txt",
		"csir22.txt", "mcdc22-a.txt", "mcdc22-b.txt", "mcdc22-ab.txt",
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct instr_profile p;
		if (load(files[i], &p) == 0)
			same_as_file(&p, files[i]);
		instr_profile_release(&p);
	}
}

static void test_parsed_content(void)
{
	struct instr_profile p;
	const struct instr_record *r;

	if (load("ir14-a.txt", &p) == 0) {
		CHECK_U64(p.flags, INSTR_IR);
		CHECK_U64(p.n, 8);
		r = find(&p, "main", 843330714420681356ULL);
		CHECK(r != NULL);
		if (r) {
			CHECK_U64(r->ncounters, 11);
			CHECK_U64(r->counters[0], 256);
			CHECK_U64(r->nsites[IPVK_IndirectCallTarget], 1);
			CHECK_U64(r->nsites[IPVK_MemOPSize], 2);
			CHECK_U64(r->sites[IPVK_IndirectCallTarget][0].n, 5);
			CHECK_STR(r->sites[IPVK_IndirectCallTarget][0].v[0].target, "prog.c:sq");
			CHECK_U64(r->sites[IPVK_IndirectCallTarget][0].v[0].count, 35);
			CHECK_STR(r->sites[IPVK_IndirectCallTarget][0].v[4].target,
				  "** External Symbol **");
			CHECK_STR(r->sites[IPVK_MemOPSize][1].v[2].target, "0");
		}
		/* records sorted by name, then hash */
		for (size_t i = 1; i < p.n; i++)
			CHECK(strcmp(p.recs[i - 1].name, p.recs[i].name) <= 0);
	}
	instr_profile_release(&p);

	if (load("csir22.txt", &p) == 0) {
		CHECK_U64(p.flags, INSTR_IR | INSTR_CSIR);
		/* the context-sensitive copy of main is a record of its own */
		CHECK(find(&p, "main", 515077614922668684ULL) != NULL);
		CHECK(find(&p, "main", 1997833451853749368ULL) != NULL);
	}
	instr_profile_release(&p);

	if (load("fe22.txt", &p) == 0)
		CHECK_U64(p.flags, INSTR_FE);
	instr_profile_release(&p);

	if (load("mcdc22-ab.txt", &p) == 0) {
		r = find(&p, "cond5", 2881766529008728ULL);
		CHECK(r && r->nbitmap == 2 && r->bitmap[0] == 0xc3 && r->bitmap[1] == 0);
	}
	instr_profile_release(&p);
}

/* What LLVM's reader accepts besides its writer's exact form. */
static void test_reader_leniency(void)
{
	struct instr_profile p;
	char *out;

	CHECK(parse_str("# leading comment\r\n\r\n:IR\r\n:Entry_First\r\n"
			"zed\r\n0x10\r\n# c\r\n2\r\n\r\n3\r\n4\r\n"
			"abc\n017\n1\n9\n"
			"zed\n16\n2\n1\n1\n", &p) == 0);
	CHECK_U64(p.flags, INSTR_IR | INSTR_ENTRY_FIRST);
	out = emit(&p);
	same_text(out,
		  "# IR level Instrumentation Flag\n:ir\n"
		  "# Always instrument the function entry block\n:entry_first\n"
		  "abc\n# Func Hash:\n15\n# Num Counters:\n1\n# Counter Values:\n9\n\n"
		  "zed\n# Func Hash:\n16\n# Num Counters:\n2\n# Counter Values:\n4\n5\n\n",
		  "comments, CRLF, radix prefixes, duplicates merged, sorted");
	free(out);
	instr_profile_release(&p);

	CHECK(parse_str(":ir\n:entry_first\n:not_entry_first\n:no_such_keyword\n", &p) < 0);
	error_has("line 4: unknown header keyword ':no_such_keyword'");
	CHECK(parse_str(":ir\n:entry_first\n:not_entry_first\nf\n1\n1\n1\n", &p) == 0);
	CHECK_U64(p.flags, INSTR_IR);
	instr_profile_release(&p);

	CHECK(parse_str(":fe\nf\n1\n1\n1\n", &p) == 0);
	CHECK_U64(p.flags, INSTR_FE);
	instr_profile_release(&p);
	CHECK(parse_str(":fe\n:ir\nf\n1\n1\n1\n", &p) < 0);
	error_has("line 2: ':ir' contradicts ':fe'");

	/* an empty profile has no kind and merges with any */
	CHECK(parse_str("", &p) == 0);
	CHECK_U64(p.flags, 0);
	CHECK_U64(p.n, 0);
	instr_profile_release(&p);

	CHECK(parse_str(":csir\n:single_byte_coverage\n:instrument_loop_entries\nf\n1\n1\n1\n", &p) == 0);
	CHECK_U64(p.flags, INSTR_IR | INSTR_CSIR | INSTR_SINGLE_BYTE | INSTR_LOOP_ENTRIES);
	out = emit(&p);
	same_text(out,
		  "# CSIR level Instrumentation Flag\n:csir\n"
		  "# Always instrument the loop entry blocks\n:instrument_loop_entries\n"
		  "# Instrument block coverage\n:single_byte_coverage\n"
		  "f\n# Func Hash:\n1\n# Num Counters:\n1\n# Counter Values:\n1\n\n",
		  "header lines in LLVM's order");
	free(out);
	instr_profile_release(&p);
}

static void test_temporal_traces_skipped(void)
{
	struct instr_profile p;
	if (load("temporal22.txt", &p) == 0) {
		CHECK_U64(p.flags, INSTR_IR);
		same_as_file(&p, "temporal22.expected");
	}
	instr_profile_release(&p);

	CHECK(parse_str(":ir\n:temporal_prof_traces\n# n\n2\n# s\n2\n# Weight:\n1\nmain,f,\n"
			"# Weight:\n1\nmain,\n:entry_first\nf\n1\n1\n1\n", &p) == 0);
	CHECK_U64(p.flags, INSTR_IR | INSTR_ENTRY_FIRST);
	CHECK_U64(p.n, 1);
	instr_profile_release(&p);

	CHECK(parse_str(":ir\n:temporal_prof_traces\n3\n3\n1\nmain,\n", &p) < 0);
	error_has("expected the weight of temporal profile trace 2");
}

/* merge(A,B) == merge(B,A), (A+B)+C == A+(B+C), and both equal what
   llvm-profdata merge writes for the same inputs. */
static void test_merge_order_independent(void)
{
	struct instr_profile a, b, c, ab, ba, ab_c, bc, a_bc;
	char *t1, *t2;

	if (load("ir22-a.txt", &a) || load("ir22-b.txt", &b) || load("ir22-c.txt", &c))
		return;
	instr_profile_init(&ab);
	instr_profile_init(&ba);
	CHECK(instr_merge(&ab, &a, 1) == 0 && instr_merge(&ab, &b, 1) == 0);
	CHECK(instr_merge(&ba, &b, 1) == 0 && instr_merge(&ba, &a, 1) == 0);
	t1 = emit(&ab);
	t2 = emit(&ba);
	same_text(t1, t2, "merge(A,B) == merge(B,A)");
	free(t1);
	free(t2);

	instr_profile_init(&ab_c);
	CHECK(instr_merge(&ab_c, &ab, 1) == 0 && instr_merge(&ab_c, &c, 1) == 0);
	instr_profile_init(&bc);
	CHECK(instr_merge(&bc, &b, 1) == 0 && instr_merge(&bc, &c, 1) == 0);
	instr_profile_init(&a_bc);
	CHECK(instr_merge(&a_bc, &a, 1) == 0 && instr_merge(&a_bc, &bc, 1) == 0);
	t1 = emit(&ab_c);
	t2 = emit(&a_bc);
	same_text(t1, t2, "(A+B)+C == A+(B+C)");
	free(t1);
	free(t2);
	same_as_file(&ab_c, "ir22-abc.txt");
	CHECK_U64(instr_profile_sum(&ab_c),
		  instr_profile_sum(&a) + instr_profile_sum(&b) + instr_profile_sum(&c));

	instr_profile_release(&a);
	instr_profile_release(&b);
	instr_profile_release(&c);
	instr_profile_release(&ab);
	instr_profile_release(&ba);
	instr_profile_release(&ab_c);
	instr_profile_release(&bc);
	instr_profile_release(&a_bc);

	/* clang-14 profiles, against llvm-profdata-14 */
	if (load("ir14-a.txt", &a) || load("ir14-b.txt", &b))
		return;
	CHECK(instr_merge(&a, &b, 1) == 0);
	same_as_file(&a, "ir14-ab.txt");
	instr_profile_release(&a);
	instr_profile_release(&b);

	/* MC/DC bitmaps are ORed */
	if (load("mcdc22-a.txt", &a) || load("mcdc22-b.txt", &b))
		return;
	CHECK(instr_merge(&b, &a, 1) == 0);
	same_as_file(&b, "mcdc22-ab.txt");
	instr_profile_release(&a);
	instr_profile_release(&b);
}

static void test_merge_weight(void)
{
	struct instr_profile b, w3, sum;
	char *t1, *t2;

	if (load("ir22-b.txt", &b))
		return;
	instr_profile_init(&w3);
	instr_profile_init(&sum);
	CHECK(instr_merge(&w3, &b, 3) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(instr_merge(&sum, &b, 1) == 0);
	t1 = emit(&w3);
	t2 = emit(&sum);
	same_text(t1, t2, "weight 3 == A+A+A");
	free(t1);
	free(t2);
	same_as_file(&w3, "ir22-b-w3.txt");

	/* a profile merged into itself */
	CHECK(instr_merge(&b, &b, 2) == 0);
	t1 = emit(&b);
	t2 = emit(&w3);
	same_text(t1, t2, "A += 2*A == 3*A");
	free(t1);
	free(t2);

	CHECK(instr_merge(&sum, &b, 0) < 0);
	error_has("weight");

	instr_profile_release(&b);
	instr_profile_release(&w3);
	instr_profile_release(&sum);
}

static void test_saturation(void)
{
	struct instr_profile a, b;
	char *out;

	CHECK(parse_str(":ir\nf\n1\n2\n18446744073709551610\n7\n1\n0\n1\n1\ng:18446744073709551615\n", &a) == 0);
	CHECK(parse_str(":ir\nf\n1\n2\n10\n18446744073709551615\n1\n0\n1\n1\ng:1\n", &b) == 0);
	CHECK(instr_merge(&a, &b, 1) == 0);
	CHECK_U64(a.recs[0].counters[0], UINT64_MAX);
	CHECK_U64(a.recs[0].counters[1], UINT64_MAX);
	CHECK_U64(a.recs[0].sites[0][0].v[0].count, UINT64_MAX);
	CHECK_U64(instr_record_sum(&a.recs[0]), UINT64_MAX);
	out = emit(&a);
	CHECK(strstr(out, "18446744073709551615\n18446744073709551615\n") != NULL);
	free(out);
	instr_profile_release(&a);
	instr_profile_release(&b);

	/* the weight multiplies with saturation too */
	CHECK(parse_str("f\n1\n1\n6148914691236517206\n", &a) == 0);
	instr_profile_init(&b);
	CHECK(instr_merge(&b, &a, 3) == 0);
	CHECK_U64(b.recs[0].counters[0], UINT64_MAX);
	instr_profile_release(&a);
	instr_profile_release(&b);
}

/* A conflict is an error and leaves the destination as it was. */
static void test_merge_conflicts(void)
{
	struct instr_profile dst, src;
	char *before, *after;

	if (load("ir22-a.txt", &dst))
		return;
	before = emit(&dst);

	CHECK(parse_str(":ir\naaa\n1\n1\n5\nmain\n515077614922668684\n3\n1\n2\n3\n", &src) == 0);
	CHECK(instr_merge(&dst, &src, 1) < 0);
	error_has("conflicting records for 'main' (hash 515077614922668684): 10 counters vs 3");
	after = emit(&dst);
	same_text(after, before, "dst unchanged after a counter conflict");
	free(after);
	instr_profile_release(&src);

	/* same counters, but no value sites */
	CHECK(parse_str(":ir\nmain\n515077614922668684\n10\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n", &src) == 0);
	CHECK(instr_merge(&dst, &src, 1) < 0);
	error_has("1 IPVK_IndirectCallTarget sites vs 0");
	after = emit(&dst);
	same_text(after, before, "dst unchanged after a value-site conflict");
	free(after);
	instr_profile_release(&src);

	/* front-end and IR profiles do not mix */
	if (load("fe22.txt", &src) == 0) {
		CHECK(instr_merge(&dst, &src, 1) < 0);
		error_has("cannot merge a front-end profile with an IR-level profile");
		after = emit(&dst);
		same_text(after, before, "dst unchanged after a flags mismatch");
		free(after);
	}
	instr_profile_release(&src);

	/* conflicting duplicates within one file */
	CHECK(parse_str("f\n1\n1\n5\nf\n1\n2\n5\n6\n", &src) < 0);
	error_has("'t.txt': conflicting records for 'f' (hash 1): 1 counters vs 2");
	CHECK_U64(src.n, 0);

	free(before);
	instr_profile_release(&dst);
}

static void test_value_site_merge(void)
{
	struct instr_profile a, b, ba;
	char *t1, *t2;
	static const char a_txt[] =
		":ir\nf\n7\n1\n100\n2\n"
		"0\n1\n3\nf:5\n** External Symbol **:2\n** External Symbol **:3\n"
		"1\n1\n2\n8:4\n16:1\n";
	static const char b_txt[] =
		":ir\nf\n7\n1\n1\n2\n"
		"0\n1\n3\ng:4\nf:1\n** External Symbol **:7\n"
		"1\n1\n1\n16:3\n";

	CHECK(parse_str(a_txt, &a) == 0);
	CHECK(parse_str(b_txt, &b) == 0);
	/* on reading, targets are sorted by count */
	CHECK_STR(a.recs[0].sites[0][0].v[1].target, "** External Symbol **");
	CHECK_U64(a.recs[0].sites[0][0].v[1].count, 3);

	instr_profile_init(&ba);
	CHECK(instr_merge(&ba, &b, 1) == 0 && instr_merge(&ba, &a, 1) == 0);
	CHECK(instr_merge(&a, &b, 1) == 0);
	t1 = emit(&a);
	t2 = emit(&ba);
	same_text(t1, t2, "value sites: merge(A,B) == merge(B,A)");
	/* occurrences of one target pair by rank: 7+3 and 2; ties by text */
	same_text(t1,
		  "# IR level Instrumentation Flag\n:ir\n"
		  "f\n# Func Hash:\n7\n# Num Counters:\n1\n# Counter Values:\n101\n"
		  "# Num Value Kinds:\n2\n"
		  "# ValueKind = IPVK_IndirectCallTarget:\n0\n# NumValueSites:\n1\n"
		  "4\n** External Symbol **:10\nf:6\ng:4\n** External Symbol **:2\n"
		  "# ValueKind = IPVK_MemOPSize:\n1\n# NumValueSites:\n1\n"
		  "2\n16:4\n8:4\n\n",
		  "value sites merged");
	free(t1);
	free(t2);
	instr_profile_release(&a);
	instr_profile_release(&b);
	instr_profile_release(&ba);

	/* memory-operation sizes are numbers: 016 and 16 are one size */
	CHECK(parse_str("f\n1\n1\n1\n1\n1\n1\n2\n016:1\n16:2\n", &a) < 0);
	error_has("memory operation size 16 appears twice");
}

static void test_bitmap_or(void)
{
	struct instr_profile a, b;
	char *out;

	CHECK(parse_str("f\n1\n1\n1\n$3\n0x1\n0x80\n0\n", &a) == 0);
	CHECK(parse_str("f\n1\n1\n1\n$ 3\n0x3\n0\n0xf0\n", &b) == 0);
	CHECK(instr_merge(&a, &b, 5) == 0);
	out = emit(&a);
	same_text(out,
		  "f\n# Func Hash:\n1\n# Num Counters:\n1\n# Counter Values:\n6\n"
		  "# Num Bitmap Bytes:\n$3\n# Bitmap Byte Values:\n0x3\n0x80\n0xf0\n\n\n",
		  "bitmap bytes ORed");
	free(out);
	instr_profile_release(&b);

	CHECK(parse_str("f\n1\n1\n1\n$2\n0x3\n0\n", &b) == 0);
	CHECK(instr_merge(&a, &b, 1) < 0);
	error_has("3 bitmap bytes vs 2");
	instr_profile_release(&a);
	instr_profile_release(&b);
}

/* Corrupt input: -1, a message naming the file, the line and the problem,
   and an empty profile. */
static void bad(const char *text, size_t len, const char *msg)
{
	struct instr_profile p;
	int ret = instr_parse_text("bad.txt", text, len, &p);
	CHECK_MSG(ret < 0, msg);
	if (ret < 0) {
		error_has(msg);
		CHECK(p.n == 0 && p.recs == NULL);
	}
	instr_profile_release(&p);
}

#define BAD(text, msg) bad(text, sizeof(text) - 1, msg)

static void test_corrupt_inputs(void)
{
	char big[101];

	BAD(":ir\nfoo\n1\n3\n55555\n66666\n",
	    "'bad.txt': line 7: truncated record 'foo': 2 of 3 counters");
	BAD(":ir\nfoo\n", "'bad.txt': line 3: truncated record 'foo': unexpected end of file, expected a function hash");
	BAD("foo\n1\n2\n5\nx7\n", "'bad.txt': line 5: counter 2 of 'foo' is not a decimal number");
	BAD("foo\n1\n2\n5\n-7\n", "line 5: counter 2 of 'foo' is not a decimal number");
	BAD("foo\n1\n1\n18446744073709551616\n", "line 4: counter 1 of 'foo' is not a decimal number");
	BAD("foo\nabc\n1\n1\n", "'bad.txt': line 2: expected a function hash for 'foo'");
	BAD("foo\n1\n0\n", "line 3: 'foo' has no counters");
	BAD("foo\n1\nmany\n", "line 3: expected the number of counters of 'foo'");

	/* 2^60 counters announced in a file of 100 bytes */
	memset(big, '7', sizeof(big));
	memcpy(big, "foo\n1\n1152921504606846976\n", 26);
	for (size_t i = 27; i < 100; i += 2)
		big[i] = '\n';
	big[100] = 0;
	bad(big, 100, "'bad.txt': line 3: 1152921504606846976 counters of 'foo' do not fit in the 74 bytes that remain");

	BAD("f\xc3\x28o\n1\n1\n1\n", "'bad.txt': line 1: function name is not valid UTF-8 text");
	BAD("ok\n1\n1\n1\n\xff\n1\n1\n1\n", "line 5: function name is not valid UTF-8 text");
	BAD("f\n1\n1\n1\n1\n0\n1\n1\nta\xe2\x82rget:3\n",
	    "line 9: target name in the value profile of 'f' is not valid UTF-8 text");
	BAD("a\x01\n1\n1\n1\n", "function name is not valid UTF-8 text");
	BAD(":ir\n:bogus\nf\n1\n1\n1\n", "'bad.txt': line 2: unknown header keyword ':bogus'");
	BAD(":ir\n:\xff\xfe\n", "line 2: unknown header keyword");

	BAD("foo\n1\n1\n5\n1\n0\n4000000000\n0\n",
	    "'bad.txt': line 7: 4000000000 value sites of 'foo' do not fit in the 2 bytes that remain");
	BAD("foo\n1\n1\n5\n1\n0\n99999999999\n0\n", "line 7: expected the number of value sites of 'foo'");
	BAD("foo\n1\n1\n5\n1\n0\n1\n1000\nf:1\n",
	    "line 8: 1000 values of 'foo' do not fit in the 4 bytes that remain");
	BAD("foo\n1\n1\n5\n1\n0\n2\n1\nf:1\n",
	    "line 10: truncated record 'foo': unexpected end of file, expected the number of values of a value site");
	BAD("foo\n1\n1\n5\n1\n0\n1\n3\nfff:1\nggg:2\n",
	    "line 11: truncated record 'foo': 2 of 3 values of a value site");
	BAD("foo\n1\n1\n5\n4\n", "line 5: 'foo' has 4 value kinds, expected 1 to 3");
	BAD("foo\n1\n1\n5\n2\n7\n", "line 6: unknown value kind 7 in 'foo'");
	BAD("foo\n1\n1\n5\n2\n0\n0\n0\n0\n", "line 8: value kind 0 appears twice in 'foo'");
	BAD("foo\n1\n1\n5\n1\n0\n1\n1\nnocolon\n", "line 9: expected 'target:count' in the value profile of 'foo'");
	BAD("foo\n1\n1\n5\n1\n0\n1\n1\n:5\n", "line 9: empty target name");
	BAD("foo\n1\n1\n5\n1\n0\n1\n1\nf:x\n", "line 9: value count in the value profile of 'foo' is not a decimal number");
	BAD("foo\n1\n1\n5\n1\n1\n1\n1\nabc:5\n", "line 9: memory operation size in the value profile of 'foo' is not a decimal number");
	BAD("foo\n1\n1\n5\n$2\n0x1\n0x100\n", "line 7: bitmap byte 2 of 'foo' is not a number from 0 to 255");
	BAD("foo\n1\n1\n5\n$9999\n0\n", "line 5: 9999 bitmap bytes of 'foo' do not fit");
	BAD("foo\n1\n1\n5\n$x\n", "line 5: expected the number of bitmap bytes of 'foo'");
	BAD("f\n1\n1\n1\n1\n0\n1\n0\n:ir\n1\n1\n1\n", "line 9: function name ':ir' starts with ':'");
	BAD("123\n1\n1\n1\n", "line 1: function name '123' is a number");
	bad("foo\n1\n1\n\0\n", 10, "'bad.txt': line 4: NUL byte in a text profile");
	BAD(":ir\n:temporal_prof_traces\nx\n", "line 3: expected the number of temporal profile traces");
}

static int funcs_sorted(const struct instr_overlap *o, double bt, double tt)
{
	for (size_t i = 1; i < o->nfuncs; i++) {
		const struct instr_func_overlap *x = &o->funcs[i - 1], *y = &o->funcs[i];
		double cx = dabs((double)x->test_sum / tt - (double)x->base_sum / bt);
		double cy = dabs((double)y->test_sum / tt - (double)y->base_sum / bt);
		if (cx < cy || (cx == cy && strcmp(x->name, y->name) > 0))
			return 0;
	}
	return 1;
}

/* The figure llvm-profdata-14 overlap printed for the same two profiles. */
static void test_overlap(void)
{
	struct instr_profile a, b, x, y;
	struct instr_overlap o;
	char *printed = slurp(DATA "overlap14-ab.out");
	const char *pct = strstr(printed, "overlap: ");
	double llvm = pct ? atof(pct + 9) : -1.0;

	CHECK_MSG(llvm > 0, "llvm-profdata overlap output read");
	if (load("ir14-a.txt", &a) || load("ir14-b.txt", &b))
		goto out;
	CHECK(instr_overlap(&a, &b, &o) == 0);
	printf("# overlap %.6f%%, llvm-profdata-14 printed %.3f%%\n", o.overlap * 100, llvm);
	CHECK(dabs(o.overlap * 100 - llvm) <= 0.0005 + 1e-9);
	CHECK_U64(o.both, 8);
	CHECK_U64(o.base_only + o.test_only + o.mismatched, 0);
	CHECK_U64(o.nfuncs, 8);
	CHECK(funcs_sorted(&o, (double)instr_profile_sum(&a), (double)instr_profile_sum(&b)));
	for (size_t i = 0; i < o.nfuncs; i++)
		CHECK(o.funcs[i].overlap >= 0 && o.funcs[i].overlap <= 1.0 + 1e-12);
	instr_overlap_release(&o);

	CHECK(instr_overlap(&a, &a, &o) == 0);
	CHECK(dabs(o.overlap - 1.0) < 1e-12);
	instr_overlap_release(&o);
	instr_profile_release(&a);
	instr_profile_release(&b);

	/* Hand-computed: totals 10 and 20.  f scores min(1/10,2/20) +
	   min(3/10,2/20) = 0.2; g has another hash in each (one record only
	   in each); h differs in shape (mismatched, not scored). */
	CHECK(parse_str("f\n1\n2\n1\n3\ng\n1\n1\n4\nh\n1\n1\n2\n", &x) == 0);
	CHECK(parse_str("f\n1\n2\n2\n2\ng\n2\n1\n10\nh\n1\n2\n3\n3\n", &y) == 0);
	CHECK(instr_overlap(&x, &y, &o) == 0);
	CHECK(dabs(o.overlap - 0.2) < 1e-12);
	CHECK_U64(o.both, 1);
	CHECK_U64(o.base_only, 1);
	CHECK_U64(o.test_only, 1);
	CHECK_U64(o.mismatched, 1);
	CHECK_U64(o.nfuncs, 4);
	/* share changes: g#2 +0.5, g#1 -0.4, f -0.2, h +0.1 */
	if (o.nfuncs == 4) {
		CHECK(o.funcs[0].hash == 2 && o.funcs[0].in_test && !o.funcs[0].in_base);
		CHECK(o.funcs[1].hash == 1 && !strcmp(o.funcs[1].name, "g"));
		CHECK_STR(o.funcs[2].name, "f");
		CHECK_STR(o.funcs[3].name, "h");
		/* per function: min(1/4,2/4) + min(3/4,2/4) */
		CHECK(dabs(o.funcs[2].overlap - 0.75) < 1e-12);
	}
	instr_overlap_release(&o);
	instr_profile_release(&x);
	instr_profile_release(&y);
out:
	free(printed);
}

static void test_normalize_added_records(void)
{
	struct instr_profile p;
	struct instr_record r;
	char *out;

	instr_profile_init(&p);
	for (int i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		r.name = xstrdup(i == 1 ? "a" : "b");
		r.hash = 9;
		r.ncounters = 1;
		r.counters = xcalloc(1, sizeof(*r.counters));
		r.counters[0] = (uint64_t)i + 1;
		instr_profile_add(&p, &r);
		CHECK(r.name == NULL);
	}
	CHECK(!p.sorted);
	CHECK(instr_profile_normalize(&p) == 0);
	CHECK_U64(p.n, 2);
	CHECK_STR(p.recs[0].name, "a");
	CHECK_U64(p.recs[1].counters[0], 4);
	out = emit(&p);
	same_text(out,
		  "a\n# Func Hash:\n9\n# Num Counters:\n1\n# Counter Values:\n2\n\n"
		  "b\n# Func Hash:\n9\n# Num Counters:\n1\n# Counter Values:\n4\n\n",
		  "added records sorted and merged");
	free(out);

	memset(&r, 0, sizeof(r));
	r.name = xstrdup("a");
	r.hash = 9;
	r.ncounters = 2;
	r.counters = xcalloc(2, sizeof(*r.counters));
	instr_profile_add(&p, &r);
	CHECK(instr_profile_normalize(&p) < 0);
	error_has("conflicting records for 'a' (hash 9)");
	CHECK_U64(p.n, 3);
	instr_profile_release(&p);
}

int main(void)
{
	test_llvm_text_roundtrip();
	test_parsed_content();
	test_reader_leniency();
	test_temporal_traces_skipped();
	test_merge_order_independent();
	test_merge_weight();
	test_saturation();
	test_merge_conflicts();
	test_value_site_merge();
	test_bitmap_or();
	test_corrupt_inputs();
	test_overlap();
	test_normalize_added_records();
	return test_done();
}
