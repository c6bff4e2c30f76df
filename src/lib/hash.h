/*
 * hash: SHA-256 (content addresses of stored profiles) and MD5 (LLVM
 * names functions in profiles by the low 64 bits of the MD5 of the name).
 */
#ifndef PGO_HASH_H
#define PGO_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
};
void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_LEN]);
/* Hex digest of data into out (65 bytes, NUL terminated). */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* LLVM's MD5Hash(): the first 8 bytes of MD5(data), read little-endian. */
uint64_t llvm_md5_hash(const void *data, size_t len);
void md5(const void *data, size_t len, unsigned char out[16]);

#endif
