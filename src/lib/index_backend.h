/*
 * index_backend: the operations a store index backend provides.  index.c
 * picks the backend and forwards every call; only backends include this.
 */
#ifndef PGO_INDEX_BACKEND_H
#define PGO_INDEX_BACKEND_H

#include "index.h"

struct index_backend {
	const char *name;
	int (*open)(const char *dir, void **state);
	void (*close)(void *state);
	int (*add)(void *state, const struct profile_meta *m,
		   const struct lineage_edge *parents, size_t nparents);
	int (*get)(void *state, const char *digest, struct profile_meta *m);
	int (*resolve_prefix)(void *state, const char *prefix, char out[DIGEST_HEX + 1]);
	int (*newest)(void *state, const struct index_filter *f, char out[DIGEST_HEX + 1]);
	int (*list)(void *state, const struct index_filter *f,
		    int (*fn)(const struct profile_meta *m, void *ctx), void *ctx);
	int (*parents)(void *state, const char *digest, struct lineage_edge **out, size_t *n);
	int (*remove)(void *state, const char *digest);
	int (*has)(void *state, const char *digest);
	int (*schema_version)(void *state);
};

extern const struct index_backend index_sqlite_backend;

#endif
