/* Unit tests for util, hash, compress and fsutil. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "util.h"
#include "hash.h"
#include "compress.h"
#include "fsutil.h"

static void test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT;
	CHECK(sb.buf != NULL && sb.buf[0] == '\0' && sb.len == 0);
	strbuf_addstr(&sb, "abc");
	strbuf_addf(&sb, "-%d-", 42);
	strbuf_add_u64(&sb, UINT64_MAX);
	CHECK_STR(sb.buf, "abc-42-18446744073709551615");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, "a\"b\\\n\x01");
	CHECK_STR(sb.buf, "\"a\\\"b\\\\\\n\\u0001\"");
	{
		size_t before = sb.len;
		for (int i = 0; i < 10000; i++)
			strbuf_addch(&sb, 'x');
		CHECK(sb.len == before + 10000 && sb.buf[sb.len] == '\0');
	}
	strbuf_release(&sb);
}

static void test_parse(void)
{
	uint64_t v;
	CHECK(parse_u64_str("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(parse_u64_str("18446744073709551616", &v) < 0);
	CHECK(parse_u64_str("", &v) < 0);
	CHECK(parse_u64_str("-1", &v) < 0);
	CHECK(parse_u64_str("12a", &v) < 0);
	CHECK(sat_add64(UINT64_MAX - 1, 5) == UINT64_MAX);
	CHECK(sat_mul64(UINT64_MAX / 2, 3) == UINT64_MAX);
	CHECK(sat_mul64(7, 6) == 42);
	CHECK(valid_text("main", 4));
	CHECK(valid_text("caf\xc3\xa9", 5));
	CHECK(!valid_text("a\xff", 2));
	CHECK(!valid_text("a\x01", 2));
	CHECK(!valid_text("\xc3", 1));
	CHECK(!valid_text("\xc0\x80", 2));  /* overlong NUL */
}

static void test_hash(void)
{
	char hex[65];
	unsigned char d[16];
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	{
		/* Longer than one block, fed in odd pieces. */
		struct sha256_ctx c;
		unsigned char out[32];
		const char *s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
		sha256_init(&c);
		sha256_update(&c, s, 5);
		sha256_update(&c, s + 5, strlen(s) - 5);
		sha256_final(&c, out);
		CHECK(out[0] == 0x24 && out[1] == 0x8d && out[31] == 0xc1);
	}
	md5("", 0, d);
	CHECK(d[0] == 0xd4 && d[1] == 0x1d && d[15] == 0x7e);
	md5("The quick brown fox jumps over the lazy dog", 43, d);
	CHECK(d[0] == 0x9e && d[1] == 0x10 && d[15] == 0xd6);
	/* LLVM's MD5Hash("main"): the NameRef clang writes for main. */
	CHECK_U64(llvm_md5_hash("main", 4), 0xdb956436e78dd5faULL);
}

static void test_compress(void)
{
	struct strbuf z = STRBUF_INIT, back = STRBUF_INIT;
	struct strbuf in = STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&in, "line %d\n", i % 17);
	CHECK(compress_zstd(in.buf, in.len, &z) == 0);
	CHECK(z.len < in.len / 4);
	CHECK(decompress_zstd("t", z.buf, z.len, 0, &back) == 0);
	CHECK(back.len == in.len && !memcmp(back.buf, in.buf, in.len));
	strbuf_reset(&back);
	CHECK(decompress_zstd("t", z.buf, z.len, 100, &back) < 0);
	CHECK(strstr(pgo_errmsg(), "larger than the limit") != NULL);
	z.buf[z.len - 3] ^= 0x55;
	strbuf_reset(&back);
	CHECK(decompress_zstd("t", z.buf, z.len, 0, &back) < 0);
	CHECK(decompress_zstd("t", "garbage", 7, 0, &back) < 0);
	CHECK(strstr(pgo_errmsg(), "not a zstd frame") != NULL);
	strbuf_release(&z);
	strbuf_release(&back);
	strbuf_release(&in);
}

static void test_fsutil(void)
{
	char *dir = make_temp_dir("pgo-test-util");
	char *f, *deep;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	CHECK(dir != NULL);
	f = path_join(dir, "file");
	CHECK(write_file_durable(f, "hello", 5, 0640) == 0);
	CHECK(read_file(f, &sb, 0) == 0 && !strcmp(sb.buf, "hello"));
	CHECK(stat(f, &st) == 0 && (st.st_mode & 0777) == 0640);
	CHECK(write_file_durable(f, "bye", 3, 0600) == 0);
	strbuf_reset(&sb);
	CHECK(read_file(f, &sb, 0) == 0 && !strcmp(sb.buf, "bye"));
	strbuf_reset(&sb);
	CHECK(read_file(f, &sb, 2) < 0);
	CHECK(strstr(pgo_errmsg(), "larger than 2 bytes") != NULL);
	CHECK(write_file_durable_new(f, "x", 1, 0600) == 1);
	strbuf_reset(&sb);
	CHECK(read_file(f, &sb, 0) == 0 && !strcmp(sb.buf, "bye"));
	deep = path_join(dir, "a/b/c");
	CHECK(mkdir_p(deep, 0700) == 0 && is_dir(deep));
	/* No temporary files are left behind. */
	{
		char *cmd_dir = path_join(dir, "a");
		CHECK(remove_tree(cmd_dir) == 0 && !is_dir(cmd_dir));
		free(cmd_dir);
	}
	CHECK(read_file("/nonexistent/x", &sb, 0) < 0);
	CHECK_STR(pgo_errmsg(), "cannot open '/nonexistent/x': No such file or directory");
	{
		char *abs = path_absolute("/a/./b/../c//d");
		CHECK_STR(abs, "/a/c/d");
		free(abs);
	}
	CHECK(remove_tree(dir) == 0 && !is_dir(dir));
	free(f);
	free(deep);
	free(dir);
	strbuf_release(&sb);
}

int main(void)
{
	test_strbuf();
	test_parse();
	test_hash();
	test_compress();
	test_fsutil();
	return test_done();
}
