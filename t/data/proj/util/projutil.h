/* libprojutil.so: checksums shared by the program's modules. Built as a
   shared library so that the build systems link one with -shared -fPIC. */
#ifndef PROJ_PROJUTIL_H
#define PROJ_PROJUTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROJUTIL_VERSION "1.4.2"

const char *projutil_version(void);
/* CRC-32 (IEEE); start with crc = 0 and feed it back to continue. */
uint32_t projutil_crc32(uint32_t crc, const void *data, size_t len);
/* 64-bit FNV-1a; start with PROJUTIL_FNV_INIT and feed it back. */
#define PROJUTIL_FNV_INIT 0xcbf29ce484222325ULL
uint64_t projutil_fnv1a(uint64_t h, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
