/*
 * prof_sample: parsing, canonical emission, merging and overlap of LLVM
 * text sample profiles.  Data under t/data/prof_sample/ (see its README).
 * When llvm-profdata-14/-22 are installed, the canonical text is checked
 * to be read by them as the same data as the original.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "util.h"
#include "fsutil.h"
#include "run.h"
#include "prof_sample.h"

static int parse_str(const char *name, const char *text, struct sample_profile *p)
{
	sample_profile_init(p);
	return sample_parse_text(name, text, strlen(text), p);
}

static char *emit(struct sample_profile *p)
{
	struct strbuf sb = STRBUF_INIT;
	sample_emit_text(p, &sb);
	return strbuf_detach(&sb, NULL);
}

/* Parses text and returns its canonical form (NULL on a parse error). */
static char *canon_str(const char *text)
{
	struct sample_profile p;
	char *s;
	if (parse_str("t", text, &p) < 0)
		return NULL;
	s = emit(&p);
	sample_profile_release(&p);
	return s;
}

static int load(const char *rel, struct sample_profile *p)
{
	struct strbuf sb = STRBUF_INIT;
	int r;
	sample_profile_init(p);
	if (read_file(test_srcpath(rel), &sb, 0) < 0)
		return -1;
	r = sample_parse_text(rel, sb.buf, sb.len, p);
	strbuf_release(&sb);
	return r;
}

static char *load_canon(const char *rel)
{
	struct sample_profile p;
	char *s;
	if (load(rel, &p) < 0) {
		printf("# %s\n", pgo_errmsg());
		return xstrdup("<error>");
	}
	s = emit(&p);
	sample_profile_release(&p);
	return s;
}

static char *merged(const char *const *rels, size_t n, uint64_t weight)
{
	struct sample_profile acc;
	sample_profile_init(&acc);
	for (size_t i = 0; i < n; i++) {
		struct sample_profile p;
		if (load(rels[i], &p) < 0 || sample_merge(&acc, &p, weight) < 0)
			printf("# %s\n", pgo_errmsg());
		sample_profile_release(&p);
	}
	{
		char *s = emit(&acc);
		sample_profile_release(&acc);
		return s;
	}
}

/* Expects a parse failure whose message contains every fragment. */
static void bad(const char *text, size_t len, const char *frag1, const char *frag2)
{
	struct sample_profile p;
	int r;
	sample_profile_init(&p);
	pgo_err_clear();
	r = sample_parse_text("bad.prof", text, len, &p);
	CHECK(r == -1);
	CHECK_MSG(strstr(pgo_errmsg(), frag1) != NULL, frag1);
	if (frag2 && !CHECK_MSG(strstr(pgo_errmsg(), frag2) != NULL, frag2))
		printf("# got: %s\n", pgo_errmsg());
	CHECK(p.n == 0);
	sample_profile_release(&p);
}

static void test_fixed_point(void)
{
	static const char *const files[] = {
		"t/data/prof_sample/hand.txt", "t/data/prof_sample/cs.txt",
		"t/data/prof_sample/real1.txt", "t/data/prof_sample/real2.txt",
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *a = load_canon(files[i]), *b = canon_str(a);
		CHECK(b != NULL);
		CHECK_STR(a, b ? b : "");
		free(a);
		free(b);
	}
}

static void test_golden(void)
{
	struct strbuf want = STRBUF_INIT;
	char *got = load_canon("t/data/prof_sample/hand.txt");
	CHECK(read_file(test_srcpath("t/data/prof_sample/hand.canon"), &want, 0) == 0);
	CHECK_STR(got, want.buf);
	free(got);
	strbuf_release(&want);
}

static void test_grammar(void)
{
	char *s;

	/* Comments (also indented), blank lines and lines of spaces are
	   skipped; names keep ':' and spaces; !Flat is dropped; metadata goes
	   last and targets are sorted by name. */
	s = canon_str("# provenance\n\n[main:1 @ foo]:10:2\n  \n 1: 10 z:1 a b:2\n"
		      " # note\n !Flat\n");
	CHECK_STR(s ? s : "", "[main:1 @ foo]:10:2\n 1: 10 a b:2 z:1\n");
	free(s);

	/* Target names as LLVM anchors them: at ':' + a whole number. */
	s = canon_str("f:1:1\n 1: 5 a:1x b:9 c::d:3\n");
	CHECK_STR(s ? s : "", "f:1:1\n 1: 5 a:1x b:9 c::d:3\n");
	free(s);

	/* Discriminators and the ".0" form, 16-bit offsets. */
	s = canon_str("f:1:1\n 65535.4294967295: 1\n 2.0: 3\n 2: 4\n");
	CHECK_STR(s ? s : "", "f:1:1\n 2: 7\n 65535.4294967295: 1\n");
	free(s);

	/* No final newline, metadata with blanks around the value. */
	s = canon_str("f:1:1\n 1: 1\n !CFGChecksum:   7  \n !Attributes:3");
	CHECK_STR(s ? s : "", "f:1:1\n 1: 1\n !CFGChecksum: 7\n !Attributes: 3\n");
	free(s);

	/* An empty file, or one of comments only, is an empty profile. */
	s = canon_str("# nothing\n\n");
	CHECK_STR(s ? s : "x", "");
	free(s);
}

static void test_merge_order(void)
{
	static const char *const ab[] = { "t/data/prof_sample/real1.txt", "t/data/prof_sample/real2.txt" };
	static const char *const ba[] = { "t/data/prof_sample/real2.txt", "t/data/prof_sample/real1.txt" };
	static const char *const abc[] = { "t/data/prof_sample/real1.txt", "t/data/prof_sample/real2.txt",
					   "t/data/prof_sample/hand.txt" };
	static const char *const cba[] = { "t/data/prof_sample/hand.txt", "t/data/prof_sample/real2.txt",
					   "t/data/prof_sample/real1.txt" };
	static const char *const a3[] = { "t/data/prof_sample/real1.txt", "t/data/prof_sample/real1.txt",
					  "t/data/prof_sample/real1.txt" };
	static const char *const a1[] = { "t/data/prof_sample/real1.txt" };
	char *x = merged(ab, 2, 1), *y = merged(ba, 2, 1);
	CHECK_STR(x, y);
	CHECK(strstr(x, "work:12303:0\n") != NULL); /* 4046 + 8257 */
	free(x);
	free(y);

	x = merged(abc, 3, 1);
	y = merged(cba, 3, 1);
	CHECK_STR(x, y);
	free(y);
	{
		/* (A+B)+C with A+B parsed back from its text, against A+(B+C). */
		struct sample_profile ab_p, bc_p, a, b, c;
		char *ab_text = merged(ab, 2, 1), *r1, *r2;
		CHECK(parse_str("ab", ab_text, &ab_p) == 0);
		CHECK(load("t/data/prof_sample/hand.txt", &c) == 0);
		CHECK(sample_merge(&ab_p, &c, 1) == 0);
		r1 = emit(&ab_p);
		CHECK(load("t/data/prof_sample/real2.txt", &b) == 0);
		sample_profile_init(&bc_p);
		CHECK(sample_merge(&bc_p, &b, 1) == 0);
		CHECK(sample_merge(&bc_p, &c, 1) == 0);
		CHECK(load("t/data/prof_sample/real1.txt", &a) == 0);
		CHECK(sample_merge(&a, &bc_p, 1) == 0);
		r2 = emit(&a);
		CHECK_STR(r1, r2);
		CHECK_STR(r1, x);
		free(r1);
		free(r2);
		free(ab_text);
		sample_profile_release(&ab_p);
		sample_profile_release(&bc_p);
		sample_profile_release(&a);
		sample_profile_release(&b);
		sample_profile_release(&c);
	}
	free(x);

	x = merged(a3, 3, 1);
	y = merged(a1, 1, 3);
	CHECK_STR(x, y);
	CHECK(strstr(x, "work:12138:0\n") != NULL); /* 3 * 4046 */
	free(x);
	free(y);
}

static void test_saturation(void)
{
	struct sample_profile a, b;
	char *s;
	CHECK(parse_str("a", "f:18446744073709551615:1\n 1: 18446744073709551615 g:18446744073709551614\n", &a) == 0);
	CHECK(parse_str("b", "f:1:1\n 1: 1 g:5\n", &b) == 0);
	CHECK(sample_merge(&a, &b, 1) == 0);
	CHECK(sample_merge(&a, &b, UINT64_MAX) == 0);
	s = emit(&a);
	CHECK_STR(s, "f:18446744073709551615:18446744073709551615\n"
		  " 1: 18446744073709551615 g:18446744073709551615\n");
	CHECK_U64(sample_profile_sum(&a), UINT64_MAX);
	free(s);
	CHECK(sample_merge(&a, &b, 0) == -1);
	sample_profile_release(&a);
	sample_profile_release(&b);

	/* Duplicates inside one file saturate too. */
	s = canon_str("f:18446744073709551615:0\n 1: 9\nf:1:0\n 1: 18446744073709551615\n");
	CHECK_STR(s ? s : "", "f:18446744073709551615:0\n 1: 18446744073709551615\n");
	free(s);
}

static void test_nested_merge(void)
{
	struct sample_profile a, b;
	char *s;
	CHECK(parse_str("a", "main:100:1\n 1: 1\n 3: foo:60\n  1: 30\n  2: bar:30\n   1: 30 x:5\n"
			"  !CFGChecksum: 7\n 4: foo:39\n  1: 39\n", &a) == 0);
	CHECK(parse_str("b", "main:50:2\n 3: foo:40\n  1: 10\n  2: bar:20\n   1: 15 x:1 y:2\n   2: 5\n"
			"  2: baz:10\n   1: 10\n 3.1: foo:9\n  1: 9\n", &b) == 0);
	CHECK(sample_merge(&a, &b, 2) == 0);
	s = emit(&a);
	CHECK_STR(s, "main:200:5\n"
		  " 1: 1\n"
		  " 3: foo:140\n"
		  "  1: 50\n"
		  "  2: bar:70\n"
		  "   1: 60 x:7 y:4\n"
		  "   2: 10\n"
		  "  2: baz:20\n"
		  "   1: 20\n"
		  "  !CFGChecksum: 7\n"
		  " 3.1: foo:18\n"
		  "  1: 18\n"
		  " 4: foo:39\n"
		  "  1: 39\n");
	free(s);
	sample_profile_release(&a);
	sample_profile_release(&b);
}

static void test_checksum_conflict(void)
{
	struct sample_profile a, b;
	char *before, *after;
	CHECK(parse_str("a", "f:10:1\n 1: 10\n 2: g:3\n  1: 3\n  !CFGChecksum: 5\n !CFGChecksum: 1\n", &a) == 0);
	CHECK(parse_str("b", "f:10:1\n 1: 10\n 2: g:3\n  1: 3\n  !CFGChecksum: 6\n !CFGChecksum: 1\n", &b) == 0);
	before = emit(&a);
	CHECK(sample_merge(&a, &b, 1) == -1);
	CHECK(strstr(pgo_errmsg(), "'g': cfg checksum mismatch (5 vs 6)") != NULL);
	after = emit(&a);
	CHECK_STR(before, after); /* a failed merge leaves dst alone */
	free(before);
	free(after);
	sample_profile_release(&b);
	/* 0 is "none" in a probe-based profile: it merges with anything. */
	CHECK(parse_str("b", "f:1:0\n 1: 1\n !CFGChecksum: 0\n", &b) == 0);
	CHECK(sample_merge(&a, &b, 1) == 0);
	after = emit(&a);
	CHECK(strstr(after, "\n !CFGChecksum: 1\n") != NULL);
	free(after);
	sample_profile_release(&a);
	sample_profile_release(&b);

	{
		const char *dup = "f:1:1\n 1: 1\n !CFGChecksum: 4\nf:1:1\n 1: 1\n !CFGChecksum: 5\n";
		bad(dup, strlen(dup), "'bad.prof': 'f': cfg checksum mismatch (4 vs 5)", NULL);
	}
}

static void test_depth(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct sample_profile p;
	char *s, *t;

	/* 127 nested inlinees are accepted and round-trip... */
	strbuf_addstr(&sb, "f:1:1\n");
	for (int d = 1; d < 128; d++) {
		for (int k = 0; k < d; k++)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, "1: g:1\n");
	}
	s = canon_str(sb.buf);
	CHECK(s != NULL);
	CHECK_STR(s ? s : "", sb.buf);
	t = s ? canon_str(s) : NULL;
	CHECK_STR(t ? t : "", sb.buf);
	free(s);
	free(t);
	/* ...the 128th level is not. */
	for (int k = 0; k < 128; k++)
		strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, "1: g:1\n");
	bad(sb.buf, sb.len, "'bad.prof': line 129: inline nesting deeper than 128", NULL);

	/* 100000 spaces are an indentation jump, found without recursion. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "f:1:1\n");
	for (int k = 0; k < 100000; k++)
		strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, "1: g:1\n");
	bad(sb.buf, sb.len, "'bad.prof': line 2: indentation jumps from 1 to 100000 spaces", NULL);
	strbuf_release(&sb);

	sample_profile_init(&p);
	sample_profile_release(&p);
}

#define BAD(text, frag) bad(text, sizeof(text) - 1, frag, NULL)

static void test_corrupt(void)
{
	BAD("f:1:1\n 1: 1\n   2: 3\n", "'bad.prof': line 3: indentation jumps from 1 to 3 spaces");
	BAD("f:1:1\n 1: 5x\n", "'bad.prof': line 2: count '5x' is not a number");
	BAD("f:1:1\n 1: 18446744073709551616\n", "'bad.prof': line 2: count '18446744073709551616' is out of range");
	BAD("f:1:1\n 1: 1 g:18446744073709551616\n", "line 2: call count '18446744073709551616' is out of range");
	BAD("f:18446744073709551616:1\n", "'bad.prof': line 1: total '18446744073709551616' is out of range");
	BAD("main:10\n", "'bad.prof': line 1: expected 'name:total:head'");
	BAD(":10:1\n", "'bad.prof': line 1: expected 'name:total:head'");
	BAD("main:10:x\n", "'bad.prof': line 1: head count 'x' is not a number");
	BAD("ma\xffin:1:1\n 1: 1\n", "'bad.prof': line 1: not valid text");
	BAD("f:1:1\n 1: 1 \xc3\x28:1\n", "'bad.prof': line 2: not valid text");
	BAD("f:1:1\r\n", "'bad.prof': line 1: not valid text");
	bad("f:1:1\n 1:\0 1\n", 13, "'bad.prof': line 2: not valid text", NULL);
	BAD(" 1: 1\n", "'bad.prof': line 1: indented line before the first function");
	BAD("f:1:1\n 1: 1\n !CFGChecksum: 1\n 2: 1\n", "'bad.prof': line 4: body line after metadata");
	BAD("f:1:1\n !Weird: 1\n", "'bad.prof': line 2: unknown metadata '!Weird: 1'");
	BAD("f:1:1\n !Attributes: 4294967296\n", "line 2: attributes '4294967296' is out of range");
	BAD("f:1:1\n !CFGChecksum: 1\n !CFGChecksum: 1\n", "line 3: duplicate !CFGChecksum");
	BAD("f:1:1\n 1: g:1\n  !Flat\n", "line 3: !Flat in an inlined function");
	BAD("f:1:1\n 65536: 1\n", "'bad.prof': line 2: line offset '65536' is out of range");
	BAD("f:1:1\n 1.4294967296: 1\n", "line 2: discriminator '4294967296' is out of range");
	BAD("f:1:1\n x: 1\n", "'bad.prof': line 2: line offset 'x' is not a number");
	BAD("f:1:1\n 1 1\n", "line 2: expected 'offset[.discriminator]: ...'");
	BAD("f:1:1\n 1:1\n", "line 2: expected ': ' and a count or callee");
	BAD("f:1:1\n 1: 5 \n", "'bad.prof': line 2: trailing space after the counts");
	BAD("f:1:1\n 1: 5 g\n", "line 2: expected 'target:count' after 'g'");
	BAD("f:1:1\n 1: 5 :3\n", "line 2: call target without a name");
	BAD("f:1:1\n 1: 5 g:1 h:2 g:3\n", "'bad.prof': line 2: call target 'g' given twice");
	BAD("f:1:1\n 1: vtables _ZTV1A:3\n", "line 2: vtable type profiles are not supported");
	BAD("f:1:1\n 1: g\n", "'bad.prof': line 2: expected 'callee:total'");
	BAD("f:1:1\n 1: :5\n", "'bad.prof': line 2: expected 'callee:total'");
	BAD("f:1:1\n 1: g:x\n", "'bad.prof': line 2: total 'x' is not a number");
}

static void test_overlap(void)
{
	struct sample_profile a, b;
	struct sample_overlap o;

	CHECK(load("t/data/prof_sample/real1.txt", &a) == 0);
	CHECK(load("t/data/prof_sample/real1.txt", &b) == 0);
	CHECK(sample_merge(&b, &a, 4) == 0); /* b = 5a: same shape */
	CHECK(sample_overlap(&a, &b, &o) == 0);
	CHECK(o.overlap > 0.999999 && o.overlap <= 1.0);
	CHECK(o.both == 1 && o.base_only == 0 && o.test_only == 0);
	CHECK(o.nfuncs == 1 && !strcmp(o.funcs[0].name, "work"));
	CHECK(o.funcs[0].overlap > 0.999999);
	CHECK_U64(o.funcs[0].test_sum, 5 * o.funcs[0].base_sum);
	sample_overlap_release(&o);
	sample_profile_release(&a);
	sample_profile_release(&b);

	/* base: f {1:50, 2:50}, g {1:100}; test: f {1:100}, h {1:100}.
	   Shares: base f1 .25 f2 .25 g1 .5; test f1 .5 h1 .5.
	   Program overlap = min(.25,.5) = .25; f alone: min(.5,1) = .5. */
	CHECK(parse_str("a", "f:100:0\n 1: 50\n 2: 50\n 3: x:999\n  1: 999\ng:100:0\n 1: 100\n", &a) == 0);
	CHECK(parse_str("b", "f:100:0\n 1: 100\nh:100:0\n 1: 100\n", &b) == 0);
	CHECK(sample_overlap(&a, &b, &o) == 0);
	CHECK(o.overlap > 0.2499999 && o.overlap < 0.2500001);
	CHECK(o.both == 1 && o.base_only == 1 && o.test_only == 1 && o.nfuncs == 3);
	/* Sorted by change of share: g and h (.5 each, by name), then f. */
	CHECK_STR(o.funcs[0].name, "g");
	CHECK(o.funcs[0].in_base && !o.funcs[0].in_test && o.funcs[0].base_sum == 100);
	CHECK_STR(o.funcs[1].name, "h");
	CHECK(!o.funcs[1].in_base && o.funcs[1].in_test);
	CHECK_STR(o.funcs[2].name, "f");
	CHECK(o.funcs[2].overlap > 0.4999999 && o.funcs[2].overlap < 0.5000001);
	CHECK_U64(o.funcs[2].base_sum, 100);
	CHECK_U64(o.funcs[2].test_sum, 100);
	CHECK_U64(sample_profile_sum(&a), 200);
	sample_overlap_release(&o);
	sample_profile_release(&a);
	sample_profile_release(&b);
}

/* llvm-profdata reads the original and the canonical text as the same data. */
static void test_llvm_agrees(void)
{
	static const char *const files[] = { "hand.txt", "hand2.txt", "cs.txt", "real1.txt", "real2.txt" };
	static const char *const tools[] = { "llvm-profdata-14", "llvm-profdata-22" };
	char dir[] = "/tmp/pgo-test-sample-XXXXXX";

	if (!mkdtemp(dir)) {
		CHECK_MSG(0, "mkdtemp");
		return;
	}
	for (size_t t = 0; t < ARRAY_SIZE(tools); t++) {
		char *prog = find_program(tools[t]);
		if (!prog) {
			printf("ok %d - # SKIP %s not installed\n", ++test_n, tools[t]);
			continue;
		}
		free(prog);
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			struct strbuf o1 = STRBUF_INIT, o2 = STRBUF_INIT, err = STRBUF_INIT;
			char *rel = xasprintf("t/data/prof_sample/%s", files[i]);
			char *orig = xstrdup(test_srcpath(rel));
			char *canon = load_canon(rel);
			char *path = xasprintf("%s/canon.txt", dir);
			const char *a1[] = { tools[t], "merge", "--sample", "--text", orig, "-o", "-", NULL };
			const char *a2[] = { tools[t], "merge", "--sample", "--text", path, "-o", "-", NULL };

			/* LLVM 14 keeps only the last copy of a function given
			   twice, so hand.txt (which has one) is for 22 only. */
			if (t == 0 && !strcmp(files[i], "hand.txt"))
				goto next;
			CHECK(write_file_durable(path, canon, strlen(canon), 0644) == 0);
			CHECK(run_capture(a1, &o1, &err) == 0);
			CHECK(run_capture(a2, &o2, &err) == 0);
			CHECK_MSG(o1.len > 0 && !strcmp(o1.buf, o2.buf), files[i]);
			unlink(path);
		next:
			free(path);
			free(canon);
			free(orig);
			free(rel);
			strbuf_release(&o1);
			strbuf_release(&o2);
			strbuf_release(&err);
		}
	}
	rmdir(dir);
}

int main(void)
{
	test_fixed_point();
	test_golden();
	test_grammar();
	test_merge_order();
	test_saturation();
	test_nested_merge();
	test_checksum_conflict();
	test_depth();
	test_corrupt();
	test_overlap();
	test_llvm_agrees();
	return test_done();
}
