/*
 * The SQLite backend of the index: one database file, index.db, in the
 * store directory, in WAL mode so that readers never wait for a writer,
 * with a busy timeout so that concurrent pgo processes queue rather than
 * fail.  Unsigned 64-bit values are stored as the bit pattern of a signed
 * 64-bit integer.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_backend.h"
#include "fsutil.h"
#include "banned.h"

/* Migrations, applied in order; user_version is the number applied. */
static const char *const migrations[] = {
	/* 1: profiles and their lineage */
	"CREATE TABLE profiles ("
	"  id INTEGER PRIMARY KEY,"
	"  digest TEXT NOT NULL UNIQUE,"
	"  program TEXT,"
	"  kind TEXT NOT NULL,"
	"  toolchain TEXT NOT NULL,"
	"  format TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  host TEXT,"
	"  command TEXT,"
	"  label TEXT,"
	"  source TEXT,"
	"  runs INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  stored_size INTEGER NOT NULL,"
	"  functions INTEGER NOT NULL,"
	"  total INTEGER NOT NULL);"
	"CREATE INDEX profiles_by_program ON profiles(program, created);"
	"CREATE TABLE lineage ("
	"  child TEXT NOT NULL,"
	"  parent TEXT NOT NULL,"
	"  weight INTEGER NOT NULL,"
	"  PRIMARY KEY (child, parent));"
	"CREATE INDEX lineage_by_parent ON lineage(parent);",
	/* 2: managed programs, their generations and state transitions */
	"CREATE TABLE programs ("
	"  name TEXT PRIMARY KEY,"
	"  project TEXT NOT NULL,"
	"  binary TEXT NOT NULL,"
	"  link TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  generation INTEGER NOT NULL,"
	"  spool TEXT,"
	"  runs INTEGER NOT NULL,"
	"  counts INTEGER NOT NULL,"
	"  stability REAL NOT NULL,"
	"  cumulative TEXT,"
	"  last_build TEXT,"
	"  next_try INTEGER NOT NULL,"
	"  failures INTEGER NOT NULL,"
	"  collecting INTEGER NOT NULL,"
	"  source_sig TEXT,"
	"  last_batch TEXT,"
	"  toolchain TEXT,"
	"  updated INTEGER NOT NULL);"
	"CREATE TABLE generations ("
	"  program TEXT NOT NULL,"
	"  number INTEGER NOT NULL,"
	"  mode TEXT NOT NULL,"
	"  digest TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  log TEXT,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (program, number));"
	"CREATE TABLE transitions ("
	"  id INTEGER PRIMARY KEY,"
	"  program TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  from_state TEXT,"
	"  to_state TEXT NOT NULL,"
	"  reason TEXT NOT NULL);"
	"CREATE INDEX transitions_by_program ON transitions(program, id);"
	/* The same profile (same bytes) can serve several programs: a project
	   built by two build systems, or a library shared by two programs. */
	"CREATE TABLE uses ("
	"  digest TEXT NOT NULL,"
	"  program TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (digest, program));"
	"CREATE INDEX uses_by_program ON uses(program);",
};
#define SCHEMA_VERSION ((int)ARRAY_SIZE(migrations))

struct sq {
	sqlite3 *db;
	char *path;
	int version;
};

static int sq_fail(struct sq *s, const char *what)
{
	return pgo_err("index '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(struct sq *s, const char *sql, const char *what)
{
	char *msg = NULL;
	int rc, tries = 0;
	/* Some statements (PRAGMA journal_mode on a new database that other
	   processes are creating too) report SQLITE_BUSY without going
	   through the busy handler: retry those for a while. */
	while ((rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg)) != SQLITE_OK &&
	       ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) && tries++ < 3000) {
		sqlite3_free(msg);
		msg = NULL;
		sqlite3_sleep(10);
	}
	if (rc != SQLITE_OK) {
		pgo_err("index '%s': %s: %s", s->path, what, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(struct sq *s, int *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot read the schema version");
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sq_fail(s, "cannot read the schema version");
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct sq *s)
{
	int v = 0;
	if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction") < 0)
		return -1;
	if (user_version(s, &v) < 0)
		goto fail;
	if (v > SCHEMA_VERSION) {
		pgo_err("index '%s': schema version %d is newer than this pgo understands (%d)",
			s->path, v, SCHEMA_VERSION);
		goto fail;
	}
	for (; v < SCHEMA_VERSION; v++) {
		char *set;
		int rc;
		if (exec(s, migrations[v], "cannot migrate the schema") < 0)
			goto fail;
		set = xasprintf("PRAGMA user_version = %d", v + 1);
		rc = exec(s, set, "cannot migrate the schema");
		free(set);
		if (rc < 0)
			goto fail;
	}
	if (exec(s, "COMMIT", "cannot commit the schema") < 0)
		goto fail;
	s->version = v;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_open(const char *dir, void **state)
{
	struct sq *s = xcalloc(1, sizeof(*s));
	s->path = path_join(dir, "index.db");
	if (sqlite3_open_v2(s->path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		pgo_err("cannot open index '%s': %s", s->path,
			s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 30000);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s, "PRAGMA journal_mode = WAL", "cannot set WAL mode") < 0 ||
	    exec(s, "PRAGMA synchronous = FULL", "cannot set synchronous mode") < 0 ||
	    exec(s, "PRAGMA foreign_keys = ON", "cannot enable foreign keys") < 0)
		goto fail;
	if (migrate(s) < 0)
		goto fail;
	*state = s;
	return 0;
fail:
	sqlite3_close(s->db);
	free(s->path);
	free(s);
	return -1;
}

static void sq_close(void *state)
{
	struct sq *s = state;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

#define META_COLUMNS "digest, program, kind, toolchain, format, created, host, command, " \
		     "label, source, runs, size, stored_size, functions, total"

static void read_meta(sqlite3_stmt *st, struct profile_meta *m)
{
	const unsigned char *d = sqlite3_column_text(st, 0);
	memset(m, 0, sizeof(*m));
	if (d)
		snprintf(m->digest, sizeof(m->digest), "%s", (const char *)d);
	m->program = col_text(st, 1);
	m->kind = col_text(st, 2);
	m->toolchain = col_text(st, 3);
	m->format = col_text(st, 4);
	m->created = sqlite3_column_int64(st, 5);
	m->host = col_text(st, 6);
	m->command = col_text(st, 7);
	m->label = col_text(st, 8);
	m->source = col_text(st, 9);
	m->runs = (uint64_t)sqlite3_column_int64(st, 10);
	m->size = (uint64_t)sqlite3_column_int64(st, 11);
	m->stored_size = (uint64_t)sqlite3_column_int64(st, 12);
	m->functions = (uint64_t)sqlite3_column_int64(st, 13);
	m->total = (uint64_t)sqlite3_column_int64(st, 14);
}

static int sq_add(void *state, const struct profile_meta *m,
		  const struct lineage_edge *parents, size_t nparents)
{
	struct sq *s = state;
	sqlite3_stmt *st = NULL;
	int rc, existed = 0;

	if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction") < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR IGNORE INTO profiles (" META_COLUMNS ") "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	bind_text(st, 1, m->digest);
	bind_text(st, 2, m->program);
	bind_text(st, 3, m->kind);
	bind_text(st, 4, m->toolchain);
	bind_text(st, 5, m->format);
	sqlite3_bind_int64(st, 6, m->created);
	bind_text(st, 7, m->host);
	bind_text(st, 8, m->command);
	bind_text(st, 9, m->label);
	bind_text(st, 10, m->source);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)m->runs);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)m->size);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)m->stored_size);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)m->functions);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)m->total);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	existed = sqlite3_changes(s->db) == 0;
	sqlite3_finalize(st);
	st = NULL;
	if (existed && m->program) {
		/* Known bytes, maybe for another program: record the use, and
		   name the program of a profile imported without one. */
		if (sqlite3_prepare_v2(s->db,
				       "UPDATE profiles SET program = ? WHERE digest = ? AND program IS NULL",
				       -1, &st, NULL) != SQLITE_OK)
			goto fail;
		bind_text(st, 1, m->program);
		bind_text(st, 2, m->digest);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(s->db,
				       "INSERT OR IGNORE INTO uses (digest, program, created) "
				       "SELECT digest, ?, ? FROM profiles WHERE digest = ? AND program != ?",
				       -1, &st, NULL) != SQLITE_OK)
			goto fail;
		bind_text(st, 1, m->program);
		sqlite3_bind_int64(st, 2, m->created);
		bind_text(st, 3, m->digest);
		bind_text(st, 4, m->program);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	if (!existed) {
		if (sqlite3_prepare_v2(s->db,
				       "INSERT OR IGNORE INTO lineage (child, parent, weight) VALUES (?,?,?)",
				       -1, &st, NULL) != SQLITE_OK)
			goto fail;
		for (size_t i = 0; i < nparents; i++) {
			sqlite3_reset(st);
			bind_text(st, 1, m->digest);
			bind_text(st, 2, parents[i].parent);
			sqlite3_bind_int64(st, 3, (sqlite3_int64)parents[i].weight);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = exec(s, "COMMIT", "cannot commit");
	if (rc < 0)
		goto rollback;
	return existed;
fail:
	sq_fail(s, "cannot record profile");
	sqlite3_finalize(st);
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_get(void *state, const char *digest, struct profile_meta *m)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db, "SELECT " META_COLUMNS " FROM profiles WHERE digest = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	bind_text(st, 1, digest);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_meta(st, m);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = sq_fail(s, "cannot query");
	}
	sqlite3_finalize(st);
	return rc;
}

static int sq_resolve_prefix(void *state, const char *prefix, char out[DIGEST_HEX + 1])
{
	struct sq *s = state;
	sqlite3_stmt *st;
	char *hi;
	int rc, n = 0;
	size_t plen = strlen(prefix);
	/* Range scan on the unique index: prefix <= digest < prefix + 'g'. */
	{
		struct strbuf sb = STRBUF_INIT;
		strbuf_add(&sb, prefix, plen);
		strbuf_addch(&sb, 'g');
		hi = strbuf_detach(&sb, NULL);
	}
	if (sqlite3_prepare_v2(s->db,
			       "SELECT digest FROM profiles WHERE digest >= ? AND digest < ? "
			       "ORDER BY digest LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK) {
		free(hi);
		return sq_fail(s, "cannot query");
	}
	bind_text(st, 1, prefix);
	bind_text(st, 2, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		if (n == 0 && d && strlen(d) == DIGEST_HEX && !strncmp(d, prefix, plen))
			snprintf(out, DIGEST_HEX + 1, "%s", d);
		n++;
	}
	sqlite3_finalize(st);
	free(hi);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "cannot query");
	if (n > 1)
		return pgo_err("digest prefix '%s' is ambiguous", prefix);
	return n == 1 ? 0 : 1;
}

static sqlite3_stmt *prepare_filtered(struct sq *s, const char *select,
				      const struct index_filter *f, const char *tail)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int i = 1;
	strbuf_addstr(&sql, select);
	strbuf_addstr(&sql, " WHERE 1");
	if (f && f->program)
		strbuf_addstr(&sql, " AND (program = ? OR digest IN (SELECT digest FROM uses WHERE program = ?))");
	if (f && f->kind)
		strbuf_addstr(&sql, " AND kind = ?");
	if (f && f->toolchain_prefix)
		strbuf_addstr(&sql, " AND substr(toolchain, 1, length(?)) = ?");
	strbuf_addstr(&sql, tail);
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		sq_fail(s, "cannot query");
		strbuf_release(&sql);
		return NULL;
	}
	strbuf_release(&sql);
	if (f && f->program) {
		bind_text(st, i++, f->program);
		bind_text(st, i++, f->program);
	}
	if (f && f->kind)
		bind_text(st, i++, f->kind);
	if (f && f->toolchain_prefix) {
		bind_text(st, i++, f->toolchain_prefix);
		bind_text(st, i++, f->toolchain_prefix);
	}
	return st;
}

static int sq_newest(void *state, const struct index_filter *f, char out[DIGEST_HEX + 1])
{
	struct sq *s = state;
	sqlite3_stmt *st = prepare_filtered(s, "SELECT digest FROM profiles", f,
					    " ORDER BY created DESC, id DESC LIMIT 1");
	int rc;
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, DIGEST_HEX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = sq_fail(s, "cannot query");
	}
	sqlite3_finalize(st);
	return rc;
}

static int sq_list(void *state, const struct index_filter *f,
		   int (*fn)(const struct profile_meta *m, void *ctx), void *ctx)
{
	struct sq *s = state;
	sqlite3_stmt *st = prepare_filtered(s, "SELECT " META_COLUMNS " FROM profiles", f,
					    " ORDER BY created DESC, id DESC");
	int rc, ret = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct profile_meta m;
		read_meta(st, &m);
		ret = fn(&m, ctx);
		profile_meta_release(&m);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, "cannot query");
	sqlite3_finalize(st);
	return ret;
}

static int sq_parents(void *state, const char *digest, struct lineage_edge **out, size_t *n)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT parent, weight FROM lineage WHERE child = ? ORDER BY parent",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	bind_text(st, 1, digest);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		snprintf((*out)[*n].parent, DIGEST_HEX + 1, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		(*out)[*n].weight = (uint64_t)sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "cannot query");
	return 0;
}

static int sq_remove(void *state, const char *digest)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction") < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM profiles WHERE digest = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	bind_text(st, 1, digest);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM lineage WHERE child = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	bind_text(st, 1, digest);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	return exec(s, "COMMIT", "cannot commit");
fail:
	sq_fail(s, "cannot remove profile");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_has(void *state, const char *digest)
{
	struct profile_meta m;
	int rc = sq_get(state, digest, &m);
	if (rc == 0)
		profile_meta_release(&m);
	return rc < 0 ? -1 : rc == 0;
}

static int sq_schema_version(void *state)
{
	return ((struct sq *)state)->version;
}

/* Managed programs. */

#define PROGRAM_COLUMNS "name, project, binary, link, state, reason, generation, spool, runs, " \
			"counts, stability, cumulative, last_build, next_try, failures, collecting, " \
			"source_sig, last_batch, toolchain, updated"

static int sq_program_put(void *state, const struct program_rec *r)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO programs (" PROGRAM_COLUMNS ") "
			       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot record program");
	bind_text(st, 1, r->name);
	bind_text(st, 2, r->project);
	bind_text(st, 3, r->binary);
	bind_text(st, 4, r->link);
	bind_text(st, 5, r->state);
	bind_text(st, 6, r->reason ? r->reason : "");
	sqlite3_bind_int64(st, 7, r->generation);
	bind_text(st, 8, r->spool);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)r->runs);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)r->counts);
	sqlite3_bind_double(st, 11, r->stability);
	bind_text(st, 12, r->cumulative);
	bind_text(st, 13, r->last_build);
	sqlite3_bind_int64(st, 14, r->next_try);
	sqlite3_bind_int64(st, 15, r->failures);
	sqlite3_bind_int(st, 16, r->collecting);
	bind_text(st, 17, r->source_sig);
	bind_text(st, 18, r->last_batch);
	bind_text(st, 19, r->toolchain);
	sqlite3_bind_int64(st, 20, r->updated);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "cannot record program");
	return 0;
}

static void read_program(sqlite3_stmt *st, struct program_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->name = col_text(st, 0);
	r->project = col_text(st, 1);
	r->binary = col_text(st, 2);
	r->link = col_text(st, 3);
	r->state = col_text(st, 4);
	r->reason = col_text(st, 5);
	r->generation = sqlite3_column_int64(st, 6);
	r->spool = col_text(st, 7);
	r->runs = (uint64_t)sqlite3_column_int64(st, 8);
	r->counts = (uint64_t)sqlite3_column_int64(st, 9);
	r->stability = sqlite3_column_double(st, 10);
	r->cumulative = col_text(st, 11);
	r->last_build = col_text(st, 12);
	r->next_try = sqlite3_column_int64(st, 13);
	r->failures = sqlite3_column_int64(st, 14);
	r->collecting = sqlite3_column_int(st, 15);
	r->source_sig = col_text(st, 16);
	r->last_batch = col_text(st, 17);
	r->toolchain = col_text(st, 18);
	r->updated = sqlite3_column_int64(st, 19);
}

static int sq_program_get(void *state, const char *name, struct program_rec *r)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db, "SELECT " PROGRAM_COLUMNS " FROM programs WHERE name = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_program(st, r);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 1 : sq_fail(s, "cannot query");
	}
	sqlite3_finalize(st);
	return rc;
}

static int sq_program_list(void *state, int (*fn)(const struct program_rec *r, void *ctx),
			   void *ctx)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc, ret = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT " PROGRAM_COLUMNS " FROM programs ORDER BY name", -1,
			       &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct program_rec r;
		read_program(st, &r);
		ret = fn(&r, ctx);
		program_rec_release(&r);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, "cannot query");
	sqlite3_finalize(st);
	return ret;
}

static int exec_bound(struct sq *s, const char *sql, const char *a, const int64_t *n)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot update");
	bind_text(st, 1, a);
	if (n)
		sqlite3_bind_int64(st, 2, *n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "cannot update");
}

static int sq_program_delete(void *state, const char *name)
{
	struct sq *s = state;
	if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction") < 0)
		return -1;
	if (exec_bound(s, "DELETE FROM programs WHERE name = ?", name, NULL) < 0 ||
	    exec_bound(s, "DELETE FROM generations WHERE program = ?", name, NULL) < 0 ||
	    exec_bound(s, "DELETE FROM transitions WHERE program = ?", name, NULL) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return exec(s, "COMMIT", "cannot commit");
}

static int sq_generation_add(void *state, const struct generation_rec *g)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO generations (program, number, mode, digest, path, log, created) "
			       "VALUES (?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot record generation");
	bind_text(st, 1, g->program);
	sqlite3_bind_int64(st, 2, g->number);
	bind_text(st, 3, g->mode);
	bind_text(st, 4, g->digest ? g->digest : "");
	bind_text(st, 5, g->path);
	bind_text(st, 6, g->log);
	sqlite3_bind_int64(st, 7, g->created);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "cannot record generation");
}

static int sq_generation_list(void *state, const char *program,
			      int (*fn)(const struct generation_rec *g, void *ctx), void *ctx)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc, ret = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT program, number, mode, digest, path, log, created FROM generations "
			       "WHERE program = ? ORDER BY number DESC",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	bind_text(st, 1, program);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct generation_rec g;
		g.program = col_text(st, 0);
		g.number = sqlite3_column_int64(st, 1);
		g.mode = col_text(st, 2);
		g.digest = col_text(st, 3);
		g.path = col_text(st, 4);
		g.log = col_text(st, 5);
		g.created = sqlite3_column_int64(st, 6);
		ret = fn(&g, ctx);
		generation_rec_release(&g);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, "cannot query");
	sqlite3_finalize(st);
	return ret;
}

static int sq_generation_delete(void *state, const char *program, int64_t number)
{
	return exec_bound(state, "DELETE FROM generations WHERE program = ? AND number = ?",
			  program, &number);
}

static int sq_transition_add(void *state, const char *program, const char *from, const char *to,
			     const char *reason)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO transitions (program, time, from_state, to_state, reason) "
			       "VALUES (?, strftime('%s','now'), ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot record transition");
	bind_text(st, 1, program);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	bind_text(st, 4, reason);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "cannot record transition");
}

static int sq_transition_list(void *state, const char *program, size_t max,
			      int (*fn)(const struct transition_rec *t, void *ctx), void *ctx)
{
	struct sq *s = state;
	sqlite3_stmt *st;
	int rc, ret = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT time, from_state, to_state, reason FROM transitions "
			       "WHERE program = ? ORDER BY id DESC LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "cannot query");
	bind_text(st, 1, program);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct transition_rec t;
		t.time = sqlite3_column_int64(st, 0);
		t.from = col_text(st, 1);
		t.to = col_text(st, 2);
		t.reason = col_text(st, 3);
		ret = fn(&t, ctx);
		transition_rec_release(&t);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(s, "cannot query");
	sqlite3_finalize(st);
	return ret;
}

const struct index_backend index_sqlite_backend = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.add = sq_add,
	.get = sq_get,
	.resolve_prefix = sq_resolve_prefix,
	.newest = sq_newest,
	.list = sq_list,
	.parents = sq_parents,
	.remove = sq_remove,
	.has = sq_has,
	.schema_version = sq_schema_version,
	.program_put = sq_program_put,
	.program_get = sq_program_get,
	.program_list = sq_program_list,
	.program_delete = sq_program_delete,
	.generation_add = sq_generation_add,
	.generation_list = sq_generation_list,
	.generation_delete = sq_generation_delete,
	.transition_add = sq_transition_add,
	.transition_list = sq_transition_list,
};
