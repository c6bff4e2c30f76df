/*
 * Unit tests for elfnote: the payload's grammar, the note object's bytes,
 * links with the real compilers and linkers (the note must reach a
 * PT_NOTE segment, survive strip, and keep links reproducible), and the
 * reader's answers to corrupt files.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "util.h"
#include "fsutil.h"
#include "hash.h"
#include "run.h"
#include "elfnote.h"

#define DIGEST "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"

static char *tmpdir;

/* A tool that is missing skips its part visibly; in CI, which installs
   every tool, a skip is a broken set-up and fails. */
static void skip(const char *why)
{
	test_n++;
	if (getenv("CI")) {
		test_failed++;
		printf("not ok %d - cannot run in CI: %s\n", test_n, why);
	} else {
		printf("ok %d # SKIP %s\n", test_n, why);
	}
	fflush(stdout);
}

static int errmsg_has(const char *needle)
{
	if (strstr(pgo_errmsg(), needle))
		return 1;
	printf("# error was: %s\n# expected:  %s\n", pgo_errmsg(), needle);
	return 0;
}

#define CHECK_ERR(expr, needle) CHECK_MSG((expr) && errmsg_has(needle), #expr " fails with: " needle)

static struct pgo_note sample_note(void)
{
	struct pgo_note n = PGO_NOTE_INIT;
	n.mode = "use";
	n.profile = DIGEST;
	n.profile_source = "default.pgo";
	n.toolchain = "clang 14.0.6";
	n.version = "0.1.0";
	return n;
}

static int same_note(const struct pgo_note *a, const struct pgo_note *b)
{
	const char *pa = a->profile ? a->profile : "", *pb = b->profile ? b->profile : "";
	if (strcmp(a->mode, b->mode) || strcmp(pa, pb) || strcmp(a->toolchain, b->toolchain) ||
	    strcmp(a->version, b->version) || !a->profile_source != !b->profile_source ||
	    (a->profile_source && strcmp(a->profile_source, b->profile_source)) ||
	    a->nextra != b->nextra)
		return 0;
	for (size_t i = 0; i < a->nextra; i++)
		if (strcmp(a->extra[i].key, b->extra[i].key) ||
		    strcmp(a->extra[i].value, b->extra[i].value))
			return 0;
	return 1;
}

static void test_payload(void)
{
	struct pgo_note n = sample_note(), r;
	struct strbuf sb = STRBUF_INIT;
	static const struct pgo_note_kv extra[] = { { "build_id", "x y" }, { "zeta", "" } };

	CHECK(pgo_note_emit(&n, &sb) == 0);
	CHECK_STR(sb.buf, "mode=use\nprofile=" DIGEST "\nprofile_source=default.pgo\n"
			  "toolchain=clang 14.0.6\nversion=0.1.0\n");
	CHECK(pgo_note_parse(sb.buf, sb.len, &r) == 0);
	CHECK(same_note(&n, &r));
	CHECK(r.nextra == 0);
	pgo_note_release(&r);

	/* No profile (an instrumented build), no source. */
	n.profile = NULL;
	n.profile_source = NULL;
	n.mode = "generate";
	strbuf_reset(&sb);
	CHECK(pgo_note_emit(&n, &sb) == 0);
	CHECK_STR(sb.buf, "mode=generate\nprofile=\ntoolchain=clang 14.0.6\nversion=0.1.0\n");
	CHECK(pgo_note_parse(sb.buf, sb.len, &r) == 0);
	CHECK_STR(r.profile, "");
	CHECK(r.profile_source == NULL);
	pgo_note_release(&r);

	/* Unknown keys are kept, sorted among the known ones. */
	n.extra = extra;
	n.nextra = 2;
	strbuf_reset(&sb);
	CHECK(pgo_note_emit(&n, &sb) == 0);
	CHECK_STR(sb.buf, "build_id=x y\nmode=generate\nprofile=\ntoolchain=clang 14.0.6\n"
			  "version=0.1.0\nzeta=\n");
	CHECK(pgo_note_parse(sb.buf, sb.len, &r) == 0);
	CHECK(same_note(&n, &r));
	pgo_note_release(&r);

	/* The writer refuses what the reader would refuse. */
	n = sample_note();
	n.toolchain = "clang\n14";
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "value of 'toolchain' contains a newline");
	n = sample_note();
	n.profile_source = "a\nb";
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "value of 'profile_source' contains a newline");
	n = sample_note();
	n.version = NULL;
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "missing key 'version'");
	n = sample_note();
	n.mode = "Use me";
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "mode 'Use me' is not a lowercase word");
	n = sample_note();
	n.profile = "ab12";
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "profile 'ab12' is not a sha256 hex digest");
	n = sample_note();
	n.toolchain = "clang \x01";
	CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "value of 'toolchain' is not text");
	{
		static const struct pgo_note_kv bad1[] = { { "mode", "x" } };
		static const struct pgo_note_kv bad2[] = { { "Key", "x" } };
		static const struct pgo_note_kv bad3[] = { { "k", "x" }, { "k", "y" } };
		static const struct pgo_note_kv bad4[] = { { "k", "x\ny" } };
		n = sample_note();
		n.extra = bad1, n.nextra = 1;
		CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "extra key 'mode' is a known key");
		n.extra = bad2;
		CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "invalid key 'Key'");
		n.extra = bad3, n.nextra = 2;
		CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "duplicate key 'k'");
		n.extra = bad4, n.nextra = 1;
		CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "value of 'k' contains a newline");
	}
	{
		struct strbuf big = STRBUF_INIT;
		for (int i = 0; i < PGO_NOTE_MAX; i++)
			strbuf_addch(&big, 'x');
		n = sample_note();
		n.toolchain = big.buf;
		strbuf_reset(&sb);
		CHECK_ERR(pgo_note_emit(&n, &sb) < 0, "is larger than 4096");
		CHECK(sb.len == 0);
		strbuf_release(&big);
	}

	/* The parser, on bad payloads. */
#define BAD(s, msg) CHECK_ERR(pgo_note_parse(s, sizeof(s) - 1, &r) < 0, msg)
	BAD("", "empty payload");
	BAD("mode=use", "does not end with a newline");
	BAD("mode=use\nmode=use\nprofile=\ntoolchain=t\nversion=1\n",
	    "line 2: duplicate key 'mode'");
	BAD("profile=\nmode=use\ntoolchain=t\nversion=1\n",
	    "line 2: key 'mode' after 'profile' (keys must be sorted)");
	BAD("mode=use\n\nprofile=\n", "line 2 has no '='");
	BAD("mode=use\nprofile\n", "line 2 has no '='");
	BAD("mode=use\n\xff\xfe\n", "line 2 is not text");
	BAD("mode=use\nprofile=\ntoolchain=\xff\nversion=1\n", "line 3: value of 'toolchain' is not text");
	BAD("mode=use\nprofile=\ntoolchain=a\x00" "b\nversion=1\n",
	    "line 3: value of 'toolchain' is not text");
	BAD("Mode=use\n", "line 1: invalid key 'Mode'");
	BAD("mo de=use\n", "line 1: invalid key 'mo de'");
	BAD("mode=use\nprofile=\ntoolchain=t\n", "missing key 'version'");
	BAD("mode=use\ntoolchain=t\nversion=1\n", "missing key 'profile'");
	BAD("mode=\nprofile=\ntoolchain=t\nversion=1\n", "empty value for 'mode'");
	BAD("=x\nmode=use\n", "line 1: invalid key ''");
	BAD("mode=use\nprofile=xyz\ntoolchain=t\nversion=1\n", "profile 'xyz' is not a sha256");
	BAD("mode=use\nprofile=\nprofile_source=\ntoolchain=t\nversion=1\n", "empty profile_source");
	BAD("mode=use\r\nprofile=\ntoolchain=t\nversion=1\n", "line 1: value of 'mode' is not text");
#undef BAD
	{
		struct strbuf big = STRBUF_INIT;
		strbuf_addstr(&big, "mode=use\nprofile=\ntoolchain=");
		while (big.len <= PGO_NOTE_MAX)
			strbuf_addch(&big, 'x');
		strbuf_addstr(&big, "\nversion=1\n");
		CHECK_ERR(pgo_note_parse(big.buf, big.len, &r) < 0, "is larger than 4096");
		strbuf_release(&big);
	}
	strbuf_release(&sb);
}

static void test_object_bytes(void)
{
	struct pgo_note n = sample_note(), r;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];

	CHECK(elfnote_object_bytes(&a, &n, 1, EM_X86_64) == 0);
	CHECK(elfnote_object_bytes(&b, &n, 1, EM_X86_64) == 0);
	CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	CHECK(a.len == 640);
	CHECK(!memcmp(a.buf, "\177ELF\2\1\1", 7));
	CHECK_U64(get_le16(a.buf + 16), ET_REL);
	CHECK_U64(get_le16(a.buf + 18), EM_X86_64);
	/* The note itself, right after the header: namesz, descsz, type, "pgo". */
	CHECK_U64(get_le32(a.buf + 64), 4);
	CHECK_U64(get_le32(a.buf + 72), PGO_NOTE_TYPE);
	CHECK(!memcmp(a.buf + 76, "pgo\0mode=use\n", 13));
	/* Locks the layout: a change must be deliberate (old readers). */
	sha256_hex(a.buf, a.len, hex);
	printf("# x86-64 object sha256 %s\n", hex);
	CHECK_STR(hex, "5570c2beba723227f355c68513b54d1b6a64ca83a484a14932365048e3120d6b");

	CHECK(elfnote_read_mem(a.buf, a.len, "x86-64.o", &r) == 0);
	CHECK(same_note(&n, &r));
	CHECK_U64(r.nnotes, 1);
	pgo_note_release(&r);

	strbuf_reset(&b);
	CHECK(elfnote_object_bytes(&b, &n, 1, EM_AARCH64) == 0);
	CHECK_U64(get_le16(b.buf + 18), EM_AARCH64);
	CHECK(elfnote_read_mem(b.buf, b.len, "aarch64.o", &r) == 0 && same_note(&n, &r));
	pgo_note_release(&r);

	strbuf_reset(&b);
	CHECK(elfnote_object_bytes(&b, &n, 0, EM_386) == 0);
	CHECK(b.buf[EI_CLASS] == ELFCLASS32);
	CHECK_U64(get_le16(b.buf + 18), EM_386);
	CHECK(elfnote_read_mem(b.buf, b.len, "i386.o", &r) == 0 && same_note(&n, &r));
	pgo_note_release(&r);

	strbuf_reset(&b);
	CHECK_ERR(elfnote_object_bytes(&b, &n, 0, EM_X86_64) < 0,
		  "cannot write a pgo note object for ELF machine 62, 32-bit");
	CHECK_ERR(elfnote_object_bytes(&b, &n, 1, EM_RISCV) < 0, "machine 243, 64-bit");
	n.mode = NULL;
	CHECK_ERR(elfnote_object_bytes(&b, &n, 1, EM_X86_64) < 0, "missing key 'mode'");
	CHECK(b.len == 0);
	strbuf_release(&a);
	strbuf_release(&b);
}

static size_t count_entries(const char *dir)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *argv[] = { "ls", "-A", dir, NULL };
	size_t n = 0;
	if (run_capture(argv, &out, &err) != 0)
		return (size_t)-1;
	for (size_t i = 0; i < out.len; i++)
		n += out.buf[i] == '\n';
	strbuf_release(&out);
	strbuf_release(&err);
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_write_file(void)
{
	struct pgo_note n = sample_note(), r;
	char *dir = path_join(tmpdir, "w");
	char *obj = path_join(dir, "note.o");
	char *bad = path_join(tmpdir, "missing/note.o");
	double t0;
	int i, ok = 1;

	CHECK(mkdir_p(dir, 0700) == 0);
	CHECK(elfnote_write_object(obj, &n, 1, EM_X86_64) == 0);
	CHECK(elfnote_read(obj, &r) == 0);
	CHECK(same_note(&n, &r));
	pgo_note_release(&r);
	/* Overwriting is fine; no temporary file is left behind. */
	n.mode = "generate";
	CHECK(elfnote_write_object(obj, &n, 1, EM_X86_64) == 0);
	CHECK(elfnote_read(obj, &r) == 0);
	CHECK_STR(r.mode, "generate");
	pgo_note_release(&r);
	CHECK_U64(count_entries(dir), 1);

	CHECK_ERR(elfnote_write_object(bad, &n, 1, EM_X86_64) < 0,
		  "No such file or directory");
	n.toolchain = "a\nb";
	CHECK_ERR(elfnote_write_object(obj, &n, 1, EM_X86_64) < 0,
		  "contains a newline");
	CHECK_U64(count_entries(dir), 1);

	/* The same note again leaves the file alone (same inode); another
	   note replaces it. */
	{
		struct stat st1, st2;
		n = sample_note();
		CHECK(elfnote_write_object(obj, &n, 1, EM_X86_64) == 0);
		CHECK(stat(obj, &st1) == 0);
		CHECK(elfnote_write_object(obj, &n, 1, EM_X86_64) == 0);
		CHECK(stat(obj, &st2) == 0 && st1.st_ino == st2.st_ino);
		n.mode = "off";
		CHECK(elfnote_write_object(obj, &n, 1, EM_X86_64) == 0);
		CHECK(stat(obj, &st2) == 0 && st1.st_ino != st2.st_ino);
		CHECK(elfnote_read(obj, &r) == 0 && !strcmp(r.mode, "off"));
		pgo_note_release(&r);
	}

	/* The wrapper does this on every link: it must cost well under 1 ms,
	   whether the object is already there or new. */
	n = sample_note();
	t0 = now();
	for (i = 0; i < 200 && ok; i++)
		ok = elfnote_write_object(obj, &n, 1, EM_X86_64) == 0;
	CHECK(ok);
	printf("# %.1f us per object rewritten unchanged\n", (now() - t0) / 200 * 1e6);
	CHECK((now() - t0) / 200 < 1e-3);
	t0 = now();
	for (i = 0; i < 100 && ok; i++) {
		char *p = xasprintf("%s.%d", obj, i);
		ok = elfnote_write_object(p, &n, 1, EM_X86_64) == 0;
		free(p);
	}
	CHECK(ok);
	/* Creating a file is the file system's cost, not ours: reported,
	   not asserted. */
	printf("# %.1f us per new object\n", (now() - t0) / 100 * 1e6);
	free(dir);
	free(obj);
	free(bad);
}

/* ---- corrupt files ---- */

/* An object whose payload is raw (same length as a valid payload made by
   padding the toolchain string), to feed the reader bad payloads. */
static void object_with_payload(struct strbuf *out, const char *raw, size_t len)
{
	struct pgo_note n = sample_note();
	struct strbuf tc = STRBUF_INIT, p = STRBUF_INIT;
	n.profile_source = NULL;
	n.profile = NULL;
	strbuf_addch(&tc, 'x');
	for (;;) {
		n.toolchain = tc.buf;
		strbuf_reset(&p);
		if (pgo_note_emit(&n, &p) < 0 || p.len >= len)
			break;
		strbuf_addch(&tc, 'x');
	}
	strbuf_reset(out);
	if (p.len == len && elfnote_object_bytes(out, &n, 1, EM_X86_64) == 0) {
		CHECK_U64(get_le32(out->buf + 68), len);
		memcpy(out->buf + 80, raw, len);
	}
	strbuf_release(&tc);
	strbuf_release(&p);
}

static void test_corrupt(void)
{
	struct pgo_note n = sample_note(), r;
	struct strbuf obj = STRBUF_INIT, c = STRBUF_INIT;
	char *path;

	CHECK(elfnote_object_bytes(&obj, &n, 1, EM_X86_64) == 0);

	CHECK_ERR(elfnote_read_mem("hello\n", 6, "t.txt", &r) < 0, "'t.txt': not an ELF file");
	CHECK_ERR(elfnote_read_mem("", 0, "empty", &r) < 0, "'empty': not an ELF file");
	CHECK_ERR(elfnote_read_mem("!<arch>\n", 8, "lib.a", &r) < 0, "not an ELF file");
	CHECK_ERR(elfnote_read_mem(obj.buf, 30, "short.o", &r) < 0,
		  "'short.o': truncated ELF file: the header needs 64 bytes, 30 present");
	CHECK_ERR(elfnote_read_mem(obj.buf, 10, "tiny", &r) < 0, "'tiny': not an ELF file");
	/* Section headers cut off. */
	CHECK_ERR(elfnote_read_mem(obj.buf, obj.len - 10, "cut.o", &r) < 0,
		  "'cut.o': truncated ELF file: section headers end at byte 640, the file has 630");
	strbuf_reset(&c);
	strbuf_add(&c, obj.buf, obj.len);
	put_le64(c.buf + 0x20, 600);  /* e_phoff */
	c.buf[0x38] = 1;               /* e_phnum */
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "ph.o", &r) < 0,
		  "'ph.o': truncated ELF file: program headers end at byte 656, the file has 640");
	put_le64(c.buf + 0x28, UINT64_MAX - 8);  /* e_shoff: the sum must not wrap */
	c.buf[0x38] = 0;
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "sh.o", &r) < 0,
		  "'sh.o': truncated ELF file: section headers end at byte 18446744073709551615");

	strbuf_reset(&c);
	strbuf_add(&c, obj.buf, obj.len);
	c.buf[EI_CLASS] = 3;
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0, "'c.o': unsupported ELF class 3");
	c.buf[EI_CLASS] = ELFCLASS64;
	c.buf[EI_DATA] = 7;
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0, "unsupported ELF data encoding 7");
	c.buf[EI_DATA] = ELFDATA2LSB;
	c.buf[EI_VERSION] = 2;
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0, "unsupported ELF version 2");
	/* The wrong class for the contents: whatever libelf makes of it, an
	   error or no note, never a crash or a note. */
	memcpy(c.buf, obj.buf, obj.len);
	c.buf[EI_CLASS] = ELFCLASS32;
	CHECK(elfnote_read_mem(c.buf, c.len, "c.o", &r) != 0);

	/* descsz, then namesz, past the end of the section. */
	memcpy(c.buf, obj.buf, obj.len);
	put_le32(c.buf + 68, 0x1000);
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0,
		  "'c.o': corrupt note at offset 0 of section 1: sizes run past its end (164 bytes)");
	memcpy(c.buf, obj.buf, obj.len);
	put_le32(c.buf + 64, 0xfffffff0u);
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0, "corrupt note at offset 0 of section 1");
	/* The section itself past the end of the file. */
	memcpy(c.buf, obj.buf, obj.len);
	put_le64(c.buf + get_le64(obj.buf + 0x28) + 64 + 0x20, 0x100000);
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0, "'c.o': cannot read section 1");
	/* A pgo note of another type: a newer pgo's. */
	memcpy(c.buf, obj.buf, obj.len);
	put_le32(c.buf + 72, PGO_NOTE_TYPE + 1);
	CHECK_ERR(elfnote_read_mem(c.buf, c.len, "c.o", &r) < 0,
		  "'c.o': pgo note of unsupported type 0x50474f02");
	/* Another owner's note is not ours. */
	memcpy(c.buf, obj.buf, obj.len);
	c.buf[76] = 'q';
	CHECK(elfnote_read_mem(c.buf, c.len, "c.o", &r) == 1);

	/* Bad payloads inside a good note. */
	{
		static const char dup[] = "mode=use\nmode=use\nprofile=\ntoolchain=clang\nversion=1\n";
		static const char bin[] = "mode=use\nprofile=\ntoolchain=clang\xff\xfe\xfd\nversion=1\n";
		static const char nul[] = "mode=use\nprofile=\ntoolchain=clang 14\0\0\0\0\0\0\0\0\0";
		object_with_payload(&c, dup, sizeof(dup) - 1);
		CHECK_ERR(elfnote_read_mem(c.buf, c.len, "dup", &r) < 0,
			  "'dup': pgo note: line 2: duplicate key 'mode'");
		object_with_payload(&c, bin, sizeof(bin) - 1);
		CHECK_ERR(elfnote_read_mem(c.buf, c.len, "bin", &r) < 0,
			  "'bin': pgo note: line 3: value of 'toolchain' is not text");
		object_with_payload(&c, nul, sizeof(nul) - 1);
		CHECK_ERR(elfnote_read_mem(c.buf, c.len, "nul", &r) < 0,
			  "'nul': pgo note: payload does not end with a newline");
	}

	/* From a file. */
	path = path_join(tmpdir, "text.txt");
	CHECK(write_file_durable(path, "not elf\n", 8, 0644) == 0);
	CHECK_ERR(elfnote_read(path, &r) < 0, "text.txt': not an ELF file");
	free(path);
	path = path_join(tmpdir, "short.o");
	CHECK(write_file_durable(path, obj.buf, 40, 0644) == 0);
	CHECK_ERR(elfnote_read(path, &r) < 0, "short.o': truncated ELF file");
	free(path);
	path = path_join(tmpdir, "nosuch");
	CHECK_ERR(elfnote_read(path, &r) < 0, "nosuch': No such file or directory");
	CHECK_ERR(elfnote_read(tmpdir, &r) < 0, "not a regular file");
	free(path);
	strbuf_release(&obj);
	strbuf_release(&c);
}

/* ---- real links ---- */

static const char hello_c[] =
	"#include <stdio.h>\n"
	"int main(void) { puts(\"hello\"); return 0; }\n";
static const char lib_c[] = "int f(int x) { return x + 1; }\n";

static int run_quiet(const char *const *argv, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	int rc;
	strbuf_reset(out);
	rc = run_capture(argv, out, &err);
	if (rc != 0)
		printf("# %s: exit %d: %.300s\n", argv[0], rc, err.buf);
	strbuf_release(&err);
	return rc;
}

static int read_file_sb(const char *path, struct strbuf *sb)
{
	strbuf_reset(sb);
	return read_file(path, sb, 0);
}

/* Checks a linked binary: the note reads back, from a stripped copy too,
   and, for an ELF64 file, with its section headers wiped (only the
   PT_NOTE segment left). */
static void check_binary(const char *what, const char *bin, const struct pgo_note *want)
{
	struct pgo_note r;
	struct strbuf img = STRBUF_INIT, out = STRBUF_INIT;
	char *stripped = xasprintf("%s.stripped", bin);
	char msg[256];
	int rc;

	rc = elfnote_read(bin, &r);
	snprintf(msg, sizeof(msg), "%s: note reads back", what);
	CHECK_MSG(rc == 0 && same_note(want, &r) && r.nnotes == 1, msg);
	if (rc < 0)
		printf("# %s\n", pgo_errmsg());
	pgo_note_release(&r);

	if (read_file_sb(bin, &img) == 0 && img.len > 64 && img.buf[EI_CLASS] == ELFCLASS64) {
		/* Without .note.GNU-stack in the object GNU ld would make the
		   stack executable. */
		uint64_t phoff = get_le64(img.buf + 0x20);
		unsigned phnum = get_le16(img.buf + 0x38), stack_flags = ~0u;
		for (unsigned i = 0; i < phnum && phoff + 56 * (i + 1) <= img.len; i++)
			if (get_le32(img.buf + phoff + 56 * i) == PT_GNU_STACK)
				stack_flags = get_le32(img.buf + phoff + 56 * i + 4);
		snprintf(msg, sizeof(msg), "%s: the stack is not executable", what);
		CHECK_MSG(stack_flags != ~0u && !(stack_flags & PF_X), msg);

		put_le64(img.buf + 0x28, 0); /* e_shoff */
		img.buf[0x3c] = img.buf[0x3d] = 0; /* e_shnum */
		img.buf[0x3e] = img.buf[0x3f] = 0; /* e_shstrndx */
		rc = elfnote_read_mem(img.buf, img.len, bin, &r);
		snprintf(msg, sizeof(msg), "%s: note found from PT_NOTE alone", what);
		CHECK_MSG(rc == 0 && same_note(want, &r), msg);
		pgo_note_release(&r);
	}

	{
		const char *argv[] = { "strip", "-o", stripped, bin, NULL };
		if (run_quiet(argv, &out) == 0) {
			rc = elfnote_read(stripped, &r);
			snprintf(msg, sizeof(msg), "%s: note survives strip", what);
			CHECK_MSG(rc == 0 && same_note(want, &r), msg);
			pgo_note_release(&r);
		} else {
			snprintf(msg, sizeof(msg), "%s: strip failed", what);
			CHECK_MSG(0, msg);
		}
	}
	strbuf_release(&img);
	strbuf_release(&out);
	free(stripped);
}

static int same_file(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int same = read_file(a, &x, 0) == 0 && read_file(b, &y, 0) == 0 && x.len == y.len &&
		   !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return same;
}

struct variant {
	const char *name;
	const char *cflags;         /* how the source is compiled */
	const char *ldflags[3];
	int shared;
	int needs_static_libc;
	const char *linker;         /* program that -fuse-ld needs, or NULL */
	int relink;                 /* link twice, expect the same bytes */
};

static const struct variant variants[] = {
	{ "pie", "-fPIE", { "-pie" }, 0, 0, NULL, 1 },
	{ "no-pie", "-fno-PIE", { "-no-pie" }, 0, 0, NULL, 0 },
	{ "static", "-fno-PIE", { "-static" }, 0, 1, NULL, 1 },
	{ "shared", "-fPIC", { "-shared" }, 1, 0, NULL, 1 },
	{ "gc-sections", "-fPIE", { "-pie", "-Wl,--gc-sections" }, 0, 0, NULL, 0 },
	/* gold with --build-id is not reproducible even without the note. */
	{ "gold", "-fPIE", { "-fuse-ld=gold", "-pie" }, 0, 0, "ld.gold", 0 },
	{ "lld", "-fPIE", { "-fuse-ld=lld", "-pie" }, 0, 0, "ld.lld", 1 },
	{ "lld shared", "-fPIC", { "-fuse-ld=lld", "-shared" }, 1, 0, "ld.lld", 0 },
	{ "gold shared", "-fPIC", { "-fuse-ld=gold", "-shared" }, 1, 0, "ld.gold", 0 },
};

static int compile(const char *cc, const char *cflags, const char *src, const char *obj)
{
	struct strbuf out = STRBUF_INIT;
	const char *argv[] = { cc, "-O2", cflags, "-c", "-o", obj, src, NULL };
	int rc = run_quiet(argv, &out);
	strbuf_release(&out);
	return rc;
}

static int link_bin(const char *cc, const struct variant *var, const char *bin, const char *obj,
		    const char *note_o)
{
	struct argv_array av = ARGV_ARRAY_INIT;
	struct strbuf out = STRBUF_INIT;
	int rc;
	argv_push(&av, cc);
	for (size_t k = 0; k < ARRAY_SIZE(var->ldflags) && var->ldflags[k]; k++)
		argv_push(&av, var->ldflags[k]);
	argv_push(&av, "-o");
	argv_push(&av, bin);
	argv_push(&av, obj);
	argv_push(&av, note_o);
	rc = run_quiet(av.v, &out);
	argv_clear(&av);
	strbuf_release(&out);
	return rc;
}

/* Links a test program or library in each way with cc, the source
   compiled once: the second link of the same inputs must be identical. */
static void link_with(const char *cc, const char *note_o, const char *hello, const char *lib,
		      const struct pgo_note *want)
{
	struct strbuf out = STRBUF_INIT;
	char *path = find_program(cc);
	int have_static = is_file("/usr/lib/x86_64-linux-gnu/libc.a");

	if (!path) {
		char why[128];
		snprintf(why, sizeof(why), "%s is not installed", cc);
		skip(why);
		return;
	}
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct variant *var = &variants[v];
		char what[128], msg[192], *bin, *bin2, *obj, *lp = NULL;
		snprintf(what, sizeof(what), "%s %s", cc, var->name);
		if (var->needs_static_libc && !have_static) {
			snprintf(msg, sizeof(msg), "%s: no static libc", what);
			skip(msg);
			continue;
		}
		if (var->linker && !(lp = find_program(var->linker))) {
			snprintf(msg, sizeof(msg), "%s: %s is not installed", what, var->linker);
			skip(msg);
			continue;
		}
		free(lp);
		bin = xasprintf("%s/%s-%zu%s", tmpdir, cc, v, var->shared ? ".so" : "");
		bin2 = xasprintf("%s.again", bin);
		/* One object per compiler and flags: compiling is what is slow. */
		obj = xasprintf("%s/%s%s-%s.o", tmpdir, cc, var->cflags, var->shared ? "lib" : "hello");
		snprintf(msg, sizeof(msg), "%s: links with the note object", what);
		if (!CHECK_MSG((is_file(obj) ||
				compile(cc, var->cflags, var->shared ? lib : hello, obj) == 0) &&
				       link_bin(cc, var, bin, obj, note_o) == 0,
			       msg))
			goto next;
		if (!var->shared) {
			const char *run[] = { bin, NULL };
			snprintf(msg, sizeof(msg), "%s: program runs", what);
			CHECK_MSG(run_quiet(run, &out) == 0 && !strcmp(out.buf, "hello\n"), msg);
		}
		check_binary(what, bin, want);
		/* The note object adds no time stamp. */
		if (var->relink) {
			snprintf(msg, sizeof(msg), "%s: two links give the same bytes", what);
			CHECK_MSG(link_bin(cc, var, bin2, obj, note_o) == 0 && same_file(bin, bin2),
				  msg);
		}
	next:
		free(bin);
		free(bin2);
		free(obj);
	}
	free(path);
	strbuf_release(&out);
}

static void test_links(void)
{
	struct pgo_note n = sample_note(), r;
	struct strbuf out = STRBUF_INIT;
	char *note_o = path_join(tmpdir, "pgo-note.o");
	char *hello = path_join(tmpdir, "hello.c");
	char *lib = path_join(tmpdir, "lib.c");
	char *plain = path_join(tmpdir, "plain");
	static const char *const compilers[] = { "gcc-12", "clang-14", "clang-22" };

	CHECK(elfnote_write_object(note_o, &n, 1, EM_X86_64) == 0);
	CHECK(write_file_durable(hello, hello_c, strlen(hello_c), 0644) == 0);
	CHECK(write_file_durable(lib, lib_c, strlen(lib_c), 0644) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(compilers); i++)
		link_with(compilers[i], note_o, hello, lib, &n);

	/* A program linked without the object has no note: 1, not an error. */
	{
		const char *argv[] = { "cc", "-o", plain, hello, NULL };
		char *cc = find_program("cc");
		if (!cc) {
			skip("cc is not installed");
		} else {
			CHECK(run_quiet(argv, &out) == 0);
			CHECK(elfnote_read(plain, &r) == 1);
		}
		free(cc);
	}
	strbuf_release(&out);
	free(note_o);
	free(hello);
	free(lib);
	free(plain);
}

/* Links the object made for machine with lld alone (no code needed) and
   reads the note back from the PT_NOTE segment of the result. */
static void link_foreign(const char *lld, const char *emul, int elfclass64, int machine)
{
	struct pgo_note n = sample_note(), r;
	struct strbuf out = STRBUF_INIT, img = STRBUF_INIT;
	char *obj = xasprintf("%s/note-%s.o", tmpdir, emul);
	char *bin = xasprintf("%s/bin-%s", tmpdir, emul);
	const char *argv[] = { lld, "-m", emul, "-e", "0", "-o", bin, obj, NULL };
	char msg[128];

	CHECK(elfnote_write_object(obj, &n, elfclass64, machine) == 0);
	snprintf(msg, sizeof(msg), "%s -m %s links the note object", lld, emul);
	if (CHECK_MSG(run_quiet(argv, &out) == 0, msg) && read_file(bin, &img, 0) == 0) {
		snprintf(msg, sizeof(msg), "%s: the note reads back", emul);
		CHECK_MSG(elfnote_read(bin, &r) == 0 && same_note(&n, &r), msg);
		pgo_note_release(&r);
		CHECK_U64(get_le16(img.buf + 18), machine);
	}
	strbuf_release(&out);
	strbuf_release(&img);
	free(obj);
	free(bin);
}

/* The object claims the AND-combined x86 features (it has no code), so
   a library whose code is all IBT/SHSTK-marked keeps the marking. */
static void test_properties(void)
{
	struct pgo_note n = sample_note();
	struct strbuf out = STRBUF_INIT;
	char *gcc = find_program("gcc-12"), *readelf = find_program("readelf");
	char *src = path_join(tmpdir, "cf.c"), *obj = path_join(tmpdir, "cf.o");
	char *note_o = path_join(tmpdir, "cf-note.o"), *so = path_join(tmpdir, "cf.so");

	if (!gcc || !readelf) {
		skip("gcc-12 or readelf is not installed: GNU properties");
		goto out;
	}
	CHECK(write_file_durable(src, lib_c, strlen(lib_c), 0644) == 0);
	CHECK(elfnote_write_object(note_o, &n, 1, EM_X86_64) == 0);
	{
		const char *cc[] = { gcc, "-O2", "-fPIC", "-fcf-protection=full", "-c", "-o", obj, src, NULL };
		const char *ld[] = { gcc, "-shared", "-nostdlib", "-o", so, obj, note_o, NULL };
		const char *re[] = { readelf, "-n", so, NULL };
		CHECK(run_quiet(cc, &out) == 0 && run_quiet(ld, &out) == 0);
		CHECK(run_quiet(re, &out) == 0);
		CHECK_MSG(strstr(out.buf, "x86 feature: IBT, SHSTK") != NULL,
			  "IBT and SHSTK survive the note object");
	}
out:
	strbuf_release(&out);
	free(gcc);
	free(readelf);
	free(src);
	free(obj);
	free(note_o);
	free(so);
}

static void test_other_links(void)
{
	struct pgo_note a = sample_note(), b = sample_note(), r;
	struct strbuf out = STRBUF_INIT;
	char *oa = path_join(tmpdir, "a.o"), *ob = path_join(tmpdir, "b.o");
	char *both = path_join(tmpdir, "both.o");
	char *lld = find_program("ld.lld"), *ld = find_program("ld");

	if (!lld) {
		skip("ld.lld is not installed: aarch64 and i386 links");
	} else {
		link_foreign(lld, "aarch64linux", 1, EM_AARCH64);
		link_foreign(lld, "elf_i386", 0, EM_386);
		link_foreign(lld, "elf_x86_64", 1, EM_X86_64);
	}

	/* Objects stamped by pgo linked together (ld -r): both notes end up
	   in the output; the first is returned and the count says so. */
	b.mode = "generate";
	b.profile = NULL;
	CHECK(elfnote_write_object(oa, &a, 1, EM_X86_64) == 0);
	CHECK(elfnote_write_object(ob, &b, 1, EM_X86_64) == 0);
	if (!ld) {
		skip("ld is not installed");
	} else {
		const char *argv[] = { ld, "-r", "-o", both, oa, ob, NULL };
		CHECK(run_quiet(argv, &out) == 0);
		CHECK(elfnote_read(both, &r) == 0 && same_note(&a, &r) && r.nnotes == 2);
		pgo_note_release(&r);
	}
	strbuf_release(&out);
	free(oa);
	free(ob);
	free(both);
	free(lld);
	free(ld);
}

int main(void)
{
	tmpdir = make_temp_dir("pgo-test-elfnote");
	if (!tmpdir) {
		printf("Bail out! %s\n", pgo_errmsg());
		return 1;
	}
	test_payload();
	test_object_bytes();
	test_write_file();
	test_corrupt();
	test_links();
	test_other_links();
	test_properties();
	remove_tree(tmpdir);
	free(tmpdir);
	return test_done();
}
