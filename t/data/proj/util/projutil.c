#include "projutil.h"

/* Half-byte table: small enough to write out, so no lazy initialisation
   (and no race) is needed. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

const char *projutil_version(void)
{
	return PROJUTIL_VERSION;
}

static uint32_t crc_byte(uint32_t crc, unsigned char c)
{
	crc ^= c;
	crc = (crc >> 4) ^ crc_nibble[crc & 15];
	crc = (crc >> 4) ^ crc_nibble[crc & 15];
	return crc;
}

uint32_t projutil_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = crc_byte(crc, p[i]);
	return ~crc;
}

uint64_t projutil_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
