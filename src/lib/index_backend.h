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
	int (*program_put)(void *state, const struct program_rec *r);
	int (*program_get)(void *state, const char *name, struct program_rec *r);
	int (*program_list)(void *state, int (*fn)(const struct program_rec *r, void *ctx),
			    void *ctx);
	int (*program_delete)(void *state, const char *name);
	int (*generation_add)(void *state, const struct generation_rec *g);
	int (*generation_list)(void *state, const char *program,
			       int (*fn)(const struct generation_rec *g, void *ctx), void *ctx);
	int (*generation_delete)(void *state, const char *program, int64_t number);
	int (*transition_add)(void *state, const char *program, const char *from, const char *to,
			      const char *reason);
	int (*transition_list)(void *state, const char *program, size_t max,
			       int (*fn)(const struct transition_rec *t, void *ctx), void *ctx);
};

extern const struct index_backend index_sqlite_backend;

#endif
