#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "index_backend.h"
#include "banned.h"

struct pgo_index {
	const struct index_backend *be;
	void *state;
};

void profile_meta_release(struct profile_meta *m)
{
	free(m->program);
	free(m->kind);
	free(m->toolchain);
	free(m->format);
	free(m->host);
	free(m->command);
	free(m->label);
	free(m->source);
	memset(m, 0, sizeof(*m));
}

int index_open(const char *dir, struct pgo_index **out)
{
	struct pgo_index *idx = xcalloc(1, sizeof(*idx));
	idx->be = &index_sqlite_backend;
	if (idx->be->open(dir, &idx->state) < 0) {
		free(idx);
		return -1;
	}
	*out = idx;
	return 0;
}

void index_close(struct pgo_index *idx)
{
	if (!idx)
		return;
	idx->be->close(idx->state);
	free(idx);
}

int index_add(struct pgo_index *idx, const struct profile_meta *m,
	      const struct lineage_edge *parents, size_t nparents)
{
	return idx->be->add(idx->state, m, parents, nparents);
}

int index_get(struct pgo_index *idx, const char *digest, struct profile_meta *m)
{
	return idx->be->get(idx->state, digest, m);
}

int index_resolve_prefix(struct pgo_index *idx, const char *prefix, char out[DIGEST_HEX + 1])
{
	return idx->be->resolve_prefix(idx->state, prefix, out);
}

int index_newest(struct pgo_index *idx, const struct index_filter *f, char out[DIGEST_HEX + 1])
{
	return idx->be->newest(idx->state, f, out);
}

int index_list(struct pgo_index *idx, const struct index_filter *f,
	       int (*fn)(const struct profile_meta *m, void *ctx), void *ctx)
{
	return idx->be->list(idx->state, f, fn, ctx);
}

int index_parents(struct pgo_index *idx, const char *digest, struct lineage_edge **out,
		  size_t *n)
{
	return idx->be->parents(idx->state, digest, out, n);
}

int index_remove(struct pgo_index *idx, const char *digest)
{
	return idx->be->remove(idx->state, digest);
}

int index_has(struct pgo_index *idx, const char *digest)
{
	return idx->be->has(idx->state, digest);
}

int index_schema_version(struct pgo_index *idx)
{
	return idx->be->schema_version(idx->state);
}

void program_rec_release(struct program_rec *r)
{
	free(r->name);
	free(r->project);
	free(r->binary);
	free(r->link);
	free(r->state);
	free(r->reason);
	free(r->spool);
	free(r->cumulative);
	free(r->last_build);
	free(r->source_sig);
	free(r->last_batch);
	free(r->toolchain);
	memset(r, 0, sizeof(*r));
}

void generation_rec_release(struct generation_rec *g)
{
	free(g->program);
	free(g->mode);
	free(g->digest);
	free(g->path);
	free(g->log);
	memset(g, 0, sizeof(*g));
}

void transition_rec_release(struct transition_rec *t)
{
	free(t->from);
	free(t->to);
	free(t->reason);
	memset(t, 0, sizeof(*t));
}

int index_program_put(struct pgo_index *idx, const struct program_rec *r)
{
	return idx->be->program_put(idx->state, r);
}

int index_program_get(struct pgo_index *idx, const char *name, struct program_rec *r)
{
	return idx->be->program_get(idx->state, name, r);
}

int index_program_list(struct pgo_index *idx,
		       int (*fn)(const struct program_rec *r, void *ctx), void *ctx)
{
	return idx->be->program_list(idx->state, fn, ctx);
}

int index_program_delete(struct pgo_index *idx, const char *name)
{
	return idx->be->program_delete(idx->state, name);
}

int index_generation_add(struct pgo_index *idx, const struct generation_rec *g)
{
	return idx->be->generation_add(idx->state, g);
}

int index_generation_list(struct pgo_index *idx, const char *program,
			  int (*fn)(const struct generation_rec *g, void *ctx), void *ctx)
{
	return idx->be->generation_list(idx->state, program, fn, ctx);
}

int index_generation_delete(struct pgo_index *idx, const char *program, int64_t number)
{
	return idx->be->generation_delete(idx->state, program, number);
}

int index_transition_add(struct pgo_index *idx, const char *program, const char *from,
			 const char *to, const char *reason)
{
	return idx->be->transition_add(idx->state, program, from, to, reason);
}

int index_transition_list(struct pgo_index *idx, const char *program, size_t max,
			  int (*fn)(const struct transition_rec *t, void *ctx), void *ctx)
{
	return idx->be->transition_list(idx->state, program, max, fn, ctx);
}
