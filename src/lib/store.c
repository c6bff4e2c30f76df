#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <signal.h>

#include "compress.h"
#include "fsutil.h"
#include "hash.h"
#include "banned.h"

/* The largest canonical profile pgo will decompress. */
#define OBJECT_MAX ((size_t)4 << 30)

char *store_default_dir(const char *dir)
{
	const char *env;
	if (dir && *dir)
		return path_absolute(dir);
	if ((env = getenv("PGO_STORE")) && *env)
		return path_absolute(env);
	if ((env = getenv("XDG_DATA_HOME")) && *env == '/')
		return xasprintf("%s/pgo", env);
	if ((env = getenv("HOME")) && *env)
		return xasprintf("%s/.local/share/pgo", env);
	return xstrdup("/tmp/pgo-store");
}

int store_open(const char *dir, struct store *st)
{
	char *objects;
	memset(st, 0, sizeof(*st));
	st->dir = store_default_dir(dir);
	if (mkdir_p(st->dir, 0700) < 0)
		goto fail;
	objects = path_join(st->dir, "objects");
	if (mkdir(objects, 0700) < 0 && errno != EEXIST) {
		pgo_err_errno("cannot create '%s'", objects);
		free(objects);
		goto fail;
	}
	free(objects);
	if (index_open(st->dir, &st->idx) < 0)
		goto fail;
	return 0;
fail:
	pgo_err_prefix("cannot open store '%s'", st->dir);
	free(st->dir);
	st->dir = NULL;
	return -1;
}

void store_close(struct store *st)
{
	index_close(st->idx);
	free(st->dir);
	memset(st, 0, sizeof(*st));
}

char *store_object_path(const struct store *st, const char *digest)
{
	return xasprintf("%s/objects/%.2s/%s", st->dir, digest, digest + 2);
}

static int write_object(struct store *st, const char *digest, const char *data, size_t len,
			uint64_t *stored)
{
	struct strbuf z = STRBUF_INIT;
	char *path = store_object_path(st, digest);
	char *dir = path_dirname(path);
	struct stat sb;
	int ret = -1;

	if (stat(path, &sb) == 0) {
		/* Present already: immutable and verified on read. */
		*stored = (uint64_t)sb.st_size;
		ret = 0;
		goto out;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		pgo_err_errno("cannot create '%s'", dir);
		goto out;
	}
	if (compress_zstd(data, len, &z) < 0)
		goto out;
	if (write_file_durable_new(path, z.buf, z.len, 0400) < 0)
		goto out;
	*stored = z.len;
	ret = 0;
out:
	strbuf_release(&z);
	free(path);
	free(dir);
	return ret;
}

/*
 * Crash injection for the tests: PGO_TEST_CRASH=NAME kills the process
 * with SIGKILL at the named point, as a power cut would.
 */
static void crash_point(const char *name)
{
	const char *want = getenv("PGO_TEST_CRASH");
	if (want && !strcmp(want, name))
		raise(SIGKILL);
}

int store_put(struct store *st, struct profile *p, struct profile_meta *meta,
	      const struct lineage_edge *parents, size_t nparents)
{
	struct strbuf obj = STRBUF_INIT;
	struct profile_summary sum;
	char host[256];
	int ret = -1;

	if (profile_to_object(p, &obj) < 0)
		goto out;
	sha256_hex(obj.buf, obj.len, meta->digest);
	crash_point("before-object");
	if (write_object(st, meta->digest, obj.buf, obj.len, &meta->stored_size) < 0)
		goto out;
	crash_point("after-object");
	profile_summarize(p, &sum);
	free(meta->kind);
	meta->kind = xstrdup(profile_kind_name(p->kind));
	free(meta->toolchain);
	meta->toolchain = toolchain_id(&p->tc);
	free(meta->format);
	meta->format = toolchain_format(&p->tc);
	meta->size = obj.len;
	meta->functions = sum.functions;
	meta->total = sum.total;
	if (!meta->created)
		meta->created = (int64_t)time(NULL);
	if (!meta->host && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		meta->host = xstrdup(host);
	}
	ret = index_add(st->idx, meta, parents, nparents);
	if (ret >= 0)
		crash_point("after-index");
out:
	strbuf_release(&obj);
	return ret;
}

int store_read_object(struct store *st, const char *digest, struct strbuf *out)
{
	struct strbuf z = STRBUF_INIT;
	char *path = store_object_path(st, digest);
	char check[SHA256_HEX_LEN + 1];
	size_t start = out->len;
	int ret = -1;

	if (read_file(path, &z, OBJECT_MAX) < 0)
		goto out;
	if (decompress_zstd(path, z.buf, z.len, OBJECT_MAX, out) < 0)
		goto out;
	sha256_hex(out->buf + start, out->len - start, check);
	if (strcmp(check, digest)) {
		pgo_err("object '%s' is corrupt: its content hashes to %.12s", path, check);
		strbuf_setlen(out, start);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&z);
	free(path);
	return ret;
}

int store_load(struct store *st, const char *digest, struct profile *p)
{
	struct strbuf obj = STRBUF_INIT;
	char *name;
	int ret;
	if (store_read_object(st, digest, &obj) < 0) {
		strbuf_release(&obj);
		return -1;
	}
	name = xasprintf("profile %.12s", digest);
	ret = profile_from_object(name, obj.buf, obj.len, p);
	free(name);
	strbuf_release(&obj);
	return ret;
}

static int is_hex_prefix(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > DIGEST_HEX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int store_resolve(struct store *st, const char *ref, char digest[DIGEST_HEX + 1])
{
	struct index_filter f = { 0 };
	int rc;
	if (str_starts_with(ref, "sha256:"))
		ref += 7;
	if (is_hex_prefix(ref)) {
		rc = index_resolve_prefix(st->idx, ref, digest);
		if (rc <= 0)
			return rc;
	}
	f.program = ref;
	return index_newest(st->idx, &f, digest);
}

/* gc */

struct keep_walk {
	struct store *st;
	const struct gc_opts *o;
	struct gc_report *r;
	char *last_program;
	int have_last;
	long seen;
	char **victims;
	size_t nvictims, alloc;
};

static int keep_cb(const struct profile_meta *m, void *ctx)
{
	struct keep_walk *w = ctx;
	w->seen++;
	if (w->seen > w->o->keep) {
		ALLOC_GROW(w->victims, w->nvictims + 1, w->alloc);
		w->victims[w->nvictims++] = xstrdup(m->digest);
	}
	return 0;
}

struct program_list {
	char **names;
	size_t n, alloc;
	int has_null;
};

static int program_cb(const struct profile_meta *m, void *ctx)
{
	struct program_list *pl = ctx;
	if (!m->program) {
		pl->has_null = 1;
		return 0;
	}
	for (size_t i = 0; i < pl->n; i++)
		if (!strcmp(pl->names[i], m->program))
			return 0;
	ALLOC_GROW(pl->names, pl->n + 1, pl->alloc);
	pl->names[pl->n++] = xstrdup(m->program);
	return 0;
}

static int all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * Removes objects without an index row, and temporary files, that are
 * older than the grace period.  Only names of pgo's own making are
 * considered: fan-out directories of two hex digits holding files named
 * by the other 62 digits, optionally with a ".tmp." suffix.  Anything
 * else in the store is left alone.
 */
static int sweep_objects(struct store *st, const struct gc_opts *o, struct gc_report *r,
			 void (*removed)(void *, const char *, const char *), void *ctx)
{
	char *objdir = path_join(st->dir, "objects");
	DIR *top = opendir(objdir);
	struct dirent *e;
	time_t now = time(NULL);
	int ret = 0;

	if (!top) {
		ret = errno == ENOENT ? 0 : pgo_err_errno("cannot open '%s'", objdir);
		free(objdir);
		return ret;
	}
	while ((e = readdir(top))) {
		char *sub;
		DIR *d;
		struct dirent *f;
		if (strlen(e->d_name) != 2 || !all_hex(e->d_name, 2))
			continue;
		sub = path_join(objdir, e->d_name);
		d = opendir(sub);
		while (d && (f = readdir(d))) {
			size_t len = strlen(f->d_name);
			char *path, digest[DIGEST_HEX + 1];
			struct stat sb;
			int temp, has = 0;
			if (len < DIGEST_HEX - 2 || !all_hex(f->d_name, DIGEST_HEX - 2))
				continue;
			temp = len > DIGEST_HEX - 2;
			if (temp && strncmp(f->d_name + DIGEST_HEX - 2, ".tmp.", 5))
				continue;
			path = path_join(sub, f->d_name);
			if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode) ||
			    now - sb.st_mtime < o->grace_seconds) {
				free(path);
				continue;
			}
			if (!temp) {
				snprintf(digest, sizeof(digest), "%.2s%.62s", e->d_name, f->d_name);
				has = index_has(st->idx, digest);
				if (has != 0) {
					if (has < 0)
						ret = -1;
					free(path);
					continue;
				}
				r->objects++;
			} else {
				r->temps++;
			}
			r->bytes += (uint64_t)sb.st_size;
			if (removed)
				removed(ctx, temp ? "temporary file" : "object", path);
			if (!o->dry_run && unlink(path) < 0 && errno != ENOENT)
				ret = pgo_err_errno("cannot remove '%s'", path);
			free(path);
		}
		if (d)
			closedir(d);
		free(sub);
	}
	closedir(top);
	free(objdir);
	return ret;
}

int store_gc(struct store *st, const struct gc_opts *o, struct gc_report *r,
	     void (*removed)(void *ctx, const char *what, const char *name), void *ctx)
{
	struct program_list pl = { NULL, 0, 0, 0 };
	int ret = 0;
	memset(r, 0, sizeof(*r));
	if (o->keep >= 0) {
		if (index_list(st->idx, NULL, program_cb, &pl) < 0)
			return -1;
		for (size_t i = 0; i < pl.n && !ret; i++) {
			struct keep_walk w = { 0 };
			struct index_filter f = { 0 };
			w.st = st;
			w.o = o;
			w.r = r;
			f.program = pl.names[i];
			if (index_list(st->idx, &f, keep_cb, &w) < 0)
				ret = -1;
			for (size_t k = 0; k < w.nvictims; k++) {
				if (!ret) {
					r->profiles++;
					if (removed)
						removed(ctx, "profile", w.victims[k]);
					if (!o->dry_run && index_remove(st->idx, w.victims[k]) < 0)
						ret = -1;
				}
				free(w.victims[k]);
			}
			free(w.victims);
		}
		for (size_t i = 0; i < pl.n; i++)
			free(pl.names[i]);
		free(pl.names);
	}
	/* A dry run lists the objects that are unreferenced now; those of
	   the profiles it would drop become so only once they are dropped. */
	if (!ret)
		ret = sweep_objects(st, o, r, removed, ctx);
	return ret;
}

static void add_prov(struct strbuf *out, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	strbuf_addf(out, "# %s: ", key);
	for (const char *p = val; *p; p++)
		strbuf_addch(out, *p == '\n' || *p == '\r' ? ' ' : *p);
	strbuf_addch(out, '\n');
}

int store_export_text(struct store *st, const char *digest, struct strbuf *out)
{
	struct strbuf obj = STRBUF_INIT;
	struct profile_meta m;
	struct lineage_edge *par = NULL;
	size_t npar = 0, pos = 0, nlines = 0;
	char when[64];
	struct tm tm;
	time_t t;
	int rc;

	if (store_read_object(st, digest, &obj) < 0)
		goto fail;
	rc = index_get(st->idx, digest, &m);
	if (rc < 0)
		goto fail;
	if (rc > 0)
		memset(&m, 0, sizeof(m));
	/* Identity lines: the magic line and kind, toolchain, format. */
	while (pos < obj.len && nlines < 4) {
		const char *nl = memchr(obj.buf + pos, '\n', obj.len - pos);
		if (!nl)
			break;
		pos = (size_t)(nl - obj.buf) + 1;
		nlines++;
	}
	strbuf_add(out, obj.buf, pos);
	strbuf_addf(out, "# digest: sha256:%s\n", digest);
	add_prov(out, "program", m.program);
	add_prov(out, "label", m.label);
	if (m.created) {
		t = (time_t)m.created;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		add_prov(out, "created", when);
	}
	add_prov(out, "host", m.host);
	add_prov(out, "command", m.command);
	add_prov(out, "source", m.source);
	if (m.runs)
		strbuf_addf(out, "# runs: %llu\n", (unsigned long long)m.runs);
	if (index_parents(st->idx, digest, &par, &npar) == 0) {
		for (size_t i = 0; i < npar; i++)
			strbuf_addf(out, "# parent: sha256:%s weight %llu\n", par[i].parent,
				    (unsigned long long)par[i].weight);
		free(par);
	}
	strbuf_add(out, obj.buf + pos, obj.len - pos);
	profile_meta_release(&m);
	strbuf_release(&obj);
	return 0;
fail:
	strbuf_release(&obj);
	return -1;
}
