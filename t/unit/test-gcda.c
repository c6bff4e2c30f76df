/*
 * gcda: checking GCC 12 .gcda files, reading and writing sets of them,
 * the archive format, and counter statistics.  The data under
 * t/data/gcda/ was made with gcc-12 from t/data/gcda/src (see README):
 * main() calls step() exactly 1000 times, and step() returns early for
 * the 250 values of i with i % 4 == 0.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "util.h"
#include "fsutil.h"
#include "run.h"
#include "gcda.h"

static char tmpdir[] = "/tmp/pgo-test-gcda-XXXXXX";

static char *tmp(const char *rel)
{
	return path_join(tmpdir, rel);
}

static int files_equal(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int eq = read_file(a, &x, 0) == 0 && read_file(b, &y, 0) == 0 &&
		 x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return eq;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	char *dir = path_dirname(path);
	mkdir_p(dir, 0755);
	free(dir);
	CHECK(write_file_durable(path, data, len, 0644) == 0);
}

struct per_file_log {
	struct strbuf sb;
};

static void log_file(void *ctx, const char *path, uint64_t sum, size_t nfuncs)
{
	struct per_file_log *l = ctx;
	strbuf_addf(&l->sb, "%s %llu %zu\n", path, (unsigned long long)sum, nfuncs);
}

static void test_gcda_check(void)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned maj = 0, min = 0;
	const unsigned char *d;

	CHECK(read_file(test_srcpath("t/data/gcda/tree/sub/step.gcda"), &sb, 0) == 0);
	d = (const unsigned char *)sb.buf;
	CHECK(gcda_check("step.gcda", d, sb.len, &maj, &min) == 0);
	CHECK_U64(maj, 12);
	CHECK_U64(min, 2);
	/* "B22*" as GCC writes it: bytes '*' '2' '2' 'B' little-endian. */
	CHECK(!memcmp(d + 4, "*22B", 4));

	CHECK(gcda_check("x.gcda", d, 10, NULL, NULL) == -1);
	CHECK_STR(pgo_errmsg(), "'x.gcda': truncated: 10 bytes, a gcda header needs 16");
	CHECK(gcda_check("x.gcda", d, sb.len - 8, NULL, NULL) == -1);
	CHECK(strstr(pgo_errmsg(), "'x.gcda': truncated: record 0x01af0000 at offset 76 needs 8 bytes, 4 remain") != NULL);
	CHECK(gcda_check("x.gcda", d, sb.len - 16, NULL, NULL) == -1);
	CHECK_STR(pgo_errmsg(), "'x.gcda': truncated record header at offset 76: 4 bytes remain, 8 needed");
	CHECK(gcda_check("x.gcda", d, sb.len - 4, NULL, NULL) == 0); /* no end marker */
	{
		unsigned char *c = xcalloc(1, sb.len + 8);
		memcpy(c, d, sb.len);
		CHECK(gcda_check("x.gcda", c, sb.len + 8, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': 8 bytes after the end marker at offset 92");
		free(c);
	}
	{
		unsigned char *c = xmalloc(sb.len);
		memcpy(c, d, sb.len);
		c[0] = 'x';
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK(strstr(pgo_errmsg(), "'x.gcda': not a gcda file (magic 0x67636478") != NULL);
		memcpy(c, d, sb.len);
		memcpy(c + 4, "*31B", 4); /* GCC 11.3 */
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': written by GCC 11.3; only GCC 12 data is supported");
		memcpy(c, d, sb.len);
		memcpy(c + 4, "\x01\x02\x03\x04", 4);
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': bad gcda version word 0x04030201");
		memcpy(c, d, sb.len);
		/* The function record (offset 32) claims 2^20 bytes. */
		put_le32(c + 36, 1u << 20);
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': truncated: record 0x01000000 at offset 32 needs 1048576 bytes, 56 remain");
		memcpy(c, d, sb.len);
		put_le32(c + 36, 0xfffffff0u); /* negative length on a non-counter */
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': record 0x01000000 at offset 32 has a bad length 0xfffffff0");
		memcpy(c, d, sb.len);
		put_le32(c + 36, 13);
		CHECK(gcda_check("x.gcda", c, sb.len, NULL, NULL) == -1);
		CHECK_STR(pgo_errmsg(), "'x.gcda': record 0x01000000 at offset 32 has a bad length 13");
		free(c);
	}
	strbuf_release(&sb);
}

static void test_stats(void)
{
	struct gcda_set s;
	struct gcda_stats st;
	struct per_file_log log = { STRBUF_INIT };

	/* Per run: main's arcs 1 + 1000 + 1 + 1 + 1, step's 1000 + 250,
	   other's 1 + 10, sq's 10, never's zero (compressed) = 2275, in
	   5 functions. */
	gcda_set_init(&s);
	CHECK(gcda_set_read_dir(test_srcpath("t/data/gcda/tree"), &s) == 0);
	CHECK_U64(s.n, 3); /* sub/notes.txt is not a .gcda: skipped */
	CHECK(gcda_set_stats(&s, &st, log_file, &log) == 0);
	CHECK_U64(st.total, 2275);
	CHECK_U64(st.functions, 5);
	CHECK_U64(st.files, 3);
	CHECK_STR(log.sb.buf, "main.gcda 1004 1\nsub/other.gcda 21 3\nsub/step.gcda 1250 1\n");
	gcda_set_release(&s);

	/* gcov-tool merge of two runs doubles every arc. */
	CHECK(gcda_set_read_dir(test_srcpath("t/data/gcda/merged"), &s) == 0);
	CHECK(gcda_set_stats(&s, &st, NULL, NULL) == 0);
	CHECK_U64(st.total, 4550);
	CHECK_U64(st.functions, 5);
	CHECK_STR(s.n ? s.e[0].path : "", "#tmp#gc#build#main.gcda");
	gcda_set_release(&s);
	strbuf_release(&log.sb);
}

static void test_round_trip(void)
{
	static const char *const names[] = {
		"#tmp#gc#build#main.gcda", "#tmp#gc#build#sub#other.gcda",
		"#tmp#gc#build#sub#step.gcda",
	};
	struct gcda_set s, t;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *out = tmp("rt");

	gcda_set_init(&s);
	gcda_set_init(&t);
	CHECK(gcda_set_read_dir(test_srcpath("t/data/gcda/flat"), &s) == 0);
	gcda_archive_emit(&s, &a);
	CHECK(gcda_archive_parse("a.arch", (const unsigned char *)a.buf, a.len, &t) == 0);
	CHECK(gcda_set_write_dir(&t, out) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *want = xasprintf("t/data/gcda/flat/%s", names[i]);
		char *orig = xstrdup(test_srcpath(want));
		char *got = path_join(out, names[i]);
		CHECK_MSG(files_equal(orig, got), names[i]);
		free(want);
		free(orig);
		free(got);
	}
	gcda_set_release(&t);
	/* And again through the directory: the same archive bytes. */
	CHECK(gcda_set_read_dir(out, &t) == 0);
	gcda_archive_emit(&t, &b);
	CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	gcda_set_release(&s);
	gcda_set_release(&t);
	strbuf_release(&a);
	strbuf_release(&b);
	free(out);
}

/* The same files created in two orders give the same archive. */
static void test_order(void)
{
	static const char *const paths[] = { "b/x.gcda", "a.gcda", "b/a/z.gcda", "c.gcda", "b.gcda" };
	struct strbuf img = STRBUF_INIT, e1 = STRBUF_INIT, e2 = STRBUF_INIT;
	struct gcda_set s;
	char *d1 = tmp("o1"), *d2 = tmp("o2");

	CHECK(read_file(test_srcpath("t/data/gcda/tree/sub/step.gcda"), &img, 0) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *p = path_join(d1, paths[i]);
		write_bytes(p, img.buf, img.len - (i == 2 ? 0 : 4)); /* vary: no end marker */
		free(p);
	}
	for (size_t i = ARRAY_SIZE(paths); i-- > 0;) {
		char *p = path_join(d2, paths[i]);
		write_bytes(p, img.buf, img.len - (i == 2 ? 0 : 4));
		free(p);
	}
	gcda_set_init(&s);
	CHECK(gcda_set_read_dir(d1, &s) == 0);
	gcda_archive_emit(&s, &e1);
	if (CHECK_U64(s.n, 5)) {
		CHECK_STR(s.e[0].path, "a.gcda");
		CHECK_STR(s.e[1].path, "b.gcda");
		CHECK_STR(s.e[2].path, "b/a/z.gcda");
		CHECK_STR(s.e[3].path, "b/x.gcda");
		CHECK_STR(s.e[4].path, "c.gcda");
	}
	gcda_set_release(&s);
	CHECK(gcda_set_read_dir(d2, &s) == 0);
	gcda_archive_emit(&s, &e2);
	gcda_set_release(&s);
	CHECK(e1.len == e2.len && !memcmp(e1.buf, e2.buf, e1.len));
	/* Header: magic, version 1, 5 entries, then "a.gcda". */
	CHECK(e1.len > 30 && !memcmp(e1.buf, "PGOGCDA\n\1\0\0\0\5\0\0\0\6\0\0\0a.gcda", 26));
	strbuf_release(&img);
	strbuf_release(&e1);
	strbuf_release(&e2);
	free(d1);
	free(d2);
}

/* gcov-tool reads what write_dir wrote. */
static void test_gcov_tool(void)
{
	struct gcda_set s, m;
	struct gcda_stats st;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *in = tmp("gt-in"), *merged = tmp("gt-out");
	char *prog = find_program("gcov-tool");

	if (!prog) {
		printf("ok %d - # SKIP gcov-tool not installed\n", ++test_n);
		free(in);
		free(merged);
		return;
	}
	free(prog);
	gcda_set_init(&s);
	gcda_set_init(&m);
	CHECK(gcda_set_read_dir(test_srcpath("t/data/gcda/tree"), &s) == 0);
	CHECK(gcda_set_write_dir(&s, in) == 0);
	{
		const char *argv[] = { "gcov-tool", "merge", "-o", merged, in, in, NULL };
		int rc = run_capture(argv, &out, &err);
		CHECK_U64(rc, 0);
		if (rc)
			printf("# %s\n", err.buf);
	}
	CHECK(gcda_set_read_dir(merged, &m) == 0);
	CHECK_U64(m.n, 3);
	CHECK(gcda_set_stats(&m, &st, NULL, NULL) == 0);
	CHECK_U64(st.total, 2 * 2275);
	gcda_set_release(&s);
	gcda_set_release(&m);
	strbuf_release(&out);
	strbuf_release(&err);
	free(in);
	free(merged);
}

static void test_read_dir_errors(void)
{
	struct gcda_set s;
	char *empty = tmp("empty"), *junk = tmp("junk"), *link = tmp("link");
	char *p;

	gcda_set_init(&s);
	CHECK(mkdir_p(empty, 0755) == 0);
	p = path_join(empty, "notes.txt");
	write_bytes(p, "x", 1);
	free(p);
	CHECK(gcda_set_read_dir(empty, &s) == -1);
	p = xasprintf("no .gcda files in '%s'", empty);
	CHECK_STR(pgo_errmsg(), p);
	free(p);

	p = path_join(junk, "sub/x.gcda");
	write_bytes(p, "this is not a gcda file", 23);
	CHECK(gcda_set_read_dir(junk, &s) == -1);
	CHECK(strstr(pgo_errmsg(), p) != NULL && strstr(pgo_errmsg(), "not a gcda file"));
	CHECK(s.n == 0);
	free(p);

	CHECK(mkdir_p(link, 0755) == 0);
	p = path_join(link, "l.gcda");
	CHECK(symlink(test_srcpath("t/data/gcda/tree/main.gcda"), p) == 0);
	CHECK(gcda_set_read_dir(link, &s) == -1);
	CHECK(strstr(pgo_errmsg(), "l.gcda': not a regular file") != NULL);
	free(p);

	CHECK(gcda_set_read_dir("/nonexistent-pgo-dir", &s) == -1);
	CHECK(strstr(pgo_errmsg(), "cannot open directory '/nonexistent-pgo-dir'") != NULL);
	free(empty);
	free(junk);
	free(link);
}

/* Builds an archive from (path, data) pairs in the order given. */
static void arch(struct strbuf *sb, const char *const *paths, size_t n,
		 const struct strbuf *img)
{
	unsigned char w[8];
	strbuf_reset(sb);
	strbuf_add(sb, "PGOGCDA\n", 8);
	put_le32(w, 1);
	strbuf_add(sb, w, 4);
	put_le32(w, (uint32_t)n);
	strbuf_add(sb, w, 4);
	for (size_t i = 0; i < n; i++) {
		put_le32(w, (uint32_t)strlen(paths[i]));
		strbuf_add(sb, w, 4);
		strbuf_addstr(sb, paths[i]);
		put_le64(w, img->len);
		strbuf_add(sb, w, 8);
		strbuf_add(sb, img->buf, img->len);
	}
}

static void bad_arch(const struct strbuf *sb, const char *msg)
{
	struct gcda_set s;
	gcda_set_init(&s);
	CHECK(gcda_archive_parse("g.arch", (const unsigned char *)sb->buf, sb->len, &s) == -1);
	if (!CHECK_MSG(strstr(pgo_errmsg(), msg) != NULL, msg))
		printf("# got: %s\n", pgo_errmsg());
	CHECK(s.n == 0);
	gcda_set_release(&s);
}

static void test_archive_errors(void)
{
	struct strbuf img = STRBUF_INIT, sb = STRBUF_INIT;
	struct gcda_set s;

	CHECK(read_file(test_srcpath("t/data/gcda/tree/sub/step.gcda"), &img, 0) == 0);
	{
		const char *p[] = { "a.gcda", "b/c.gcda" };
		arch(&sb, p, 2, &img);
		gcda_set_init(&s);
		CHECK(gcda_archive_parse("g.arch", (const unsigned char *)sb.buf, sb.len, &s) == 0);
		CHECK_U64(s.n, 2);
		CHECK_STR(s.e[1].path, "b/c.gcda");
		CHECK_U64(s.e[1].len, img.len);
		gcda_set_release(&s);
		/* Truncated anywhere: an error, never a crash. */
		{
			size_t accepted = 0;
			for (size_t cut = 0; cut < sb.len; cut++) {
				gcda_set_init(&s);
				if (gcda_archive_parse("g.arch", (const unsigned char *)sb.buf,
						       cut, &s) != -1)
					accepted++;
				gcda_set_release(&s);
			}
			CHECK_MSG(accepted == 0, "every truncation is an error");
		}
		strbuf_addch(&sb, 0);
		bad_arch(&sb, "'g.arch': 1 bytes of trailing garbage after 2 entries");
	}
	{
		const char *p[] = { "b.gcda", "a.gcda" };
		arch(&sb, p, 2, &img);
		bad_arch(&sb, "'g.arch': entry 'a.gcda' is out of order");
	}
	{
		const char *p[] = { "a.gcda", "a.gcda" };
		arch(&sb, p, 2, &img);
		bad_arch(&sb, "'g.arch': entry 'a.gcda' is given twice");
	}
	{
		const char *p[] = { "/etc/x.gcda" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': absolute path '/etc/x.gcda'");
	}
	{
		const char *p[] = { "a/../../x.gcda" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': path 'a/../../x.gcda' has a '..' component");
	}
	{
		const char *p[] = { "a//x.gcda" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': path 'a//x.gcda' has an empty component");
	}
	{
		const char *p[] = { "./x.gcda" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': path './x.gcda' has a '.' component");
	}
	{
		const char *p[] = { "Makefile" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': path 'Makefile' does not end in .gcda");
	}
	{
		const char *p[] = { "" };
		arch(&sb, p, 1, &img);
		bad_arch(&sb, "'g.arch': empty path");
	}
	{
		const char *p[] = { "ab.gcda" };
		arch(&sb, p, 1, &img);
		sb.buf[21] = '\0'; /* "a\0.gcda" */
		bad_arch(&sb, "'g.arch': path contains a NUL byte");
	}
	{
		const char *p[] = { "x.gcda" };
		arch(&sb, p, 1, &img);
		put_le64(sb.buf + 16 + 4 + 6, (uint64_t)1 << 62);
		bad_arch(&sb, "'g.arch': truncated: entry 'x.gcda': data needs 4611686018427387904 bytes, 96 remain");
		put_le64(sb.buf + 16 + 4 + 6, img.len);
		put_le32(sb.buf + 16, 0xffffffffu);
		bad_arch(&sb, "'g.arch': truncated: entry 0: path needs 4294967295 bytes");
		arch(&sb, p, 1, &img);
		put_le32(sb.buf + 12, 0x10000000u);
		bad_arch(&sb, "'g.arch': truncated: 268435456 entries need at least 3221225472 bytes, 114 remain");
		arch(&sb, p, 1, &img);
		sb.buf[16 + 4 + 6 + 8] = 'X'; /* the .gcda's magic */
		bad_arch(&sb, "'g.arch:x.gcda': not a gcda file");
		arch(&sb, p, 1, &img);
		sb.buf[0] = 'X';
		bad_arch(&sb, "'g.arch': not a pgo gcda archive (bad magic)");
		arch(&sb, p, 1, &img);
		put_le32(sb.buf + 8, 2);
		bad_arch(&sb, "'g.arch': unsupported gcda archive version 2");
	}
	/* An empty archive is valid. */
	arch(&sb, NULL, 0, &img);
	gcda_set_init(&s);
	CHECK(gcda_archive_parse("g.arch", (const unsigned char *)sb.buf, sb.len, &s) == 0 && s.n == 0);
	gcda_set_release(&s);

	/* write_dir refuses a set with an unsafe path built by hand. */
	gcda_set_init(&s);
	ALLOC_GROW(s.e, 1, s.alloc);
	s.e[0].path = xstrdup("../escape.gcda");
	s.e[0].len = img.len;
	s.e[0].data = (unsigned char *)xstrndup(img.buf, img.len);
	s.n = 1;
	{
		char *d = tmp("unsafe");
		CHECK(gcda_set_write_dir(&s, d) == -1);
		CHECK(strstr(pgo_errmsg(), "has a '..' component") != NULL);
		CHECK(access(d, F_OK) != 0);
		free(d);
	}
	gcda_set_release(&s);
	strbuf_release(&img);
	strbuf_release(&sb);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_gcda_check();
	test_stats();
	test_round_trip();
	test_order();
	test_gcov_tool();
	test_read_dir_errors();
	test_archive_errors();
	remove_tree(tmpdir);
	return test_done();
}
