#include "managed.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "hash.h"
#include "ingest.h"
#include "banned.h"

char *managed_dir(const struct store *st, const char *name)
{
	return xasprintf("%s/programs/%s", st->dir, name);
}

char *managed_default_link(const char *name)
{
	const char *bin = getenv("PGO_BIN_DIR"), *home = getenv("HOME");
	if (bin && *bin)
		return path_join(bin, name);
	return xasprintf("%s/.local/bin/%s", home && *home ? home : "/tmp", name);
}

char *managed_generation_binary(const struct store *st, const char *name, int64_t n)
{
	return xasprintf("%s/programs/%s/gen-%lld/%s", st->dir, name, (long long)n, name);
}

struct max_gen {
	int64_t max;
};

static int max_cb(const struct generation_rec *g, void *ctx)
{
	struct max_gen *m = ctx;
	if (g->number > m->max)
		m->max = g->number;
	return 0;
}

static int copy_into(const char *from, const char *to, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = read_file(from, &sb, 0);
	if (rc == 0)
		rc = write_file_durable(to, sb.buf, sb.len, mode);
	strbuf_release(&sb);
	return rc;
}

int managed_add_generation(struct store *st, const char *name, const char *binary,
			   const char *mode, const char *digest, const char *log,
			   int64_t *number)
{
	struct max_gen m = { 0 };
	struct generation_rec g;
	char *dir = managed_dir(st, name), *tmp = NULL, *final = NULL, *bin = NULL, *lg = NULL;
	struct stat sb;
	int ret = -1;

	if (index_generation_list(st->idx, name, max_cb, &m) < 0)
		goto out;
	/* Numbers are never reused, even when a crash left a directory of a
	   generation that was never recorded. */
	for (;;) {
		char *p = xasprintf("%s/gen-%lld", dir, (long long)(m.max + 1));
		int exists = is_dir(p);
		free(p);
		if (!exists)
			break;
		m.max++;
	}
	*number = m.max + 1;
	final = xasprintf("%s/gen-%lld", dir, (long long)*number);
	tmp = xasprintf("%s/tmp-gen-%lld.%ld", dir, (long long)*number, (long)getpid());
	remove_tree(tmp);
	if (mkdir_p(tmp, 0755) < 0)
		goto out;
	if (stat(binary, &sb) < 0) {
		pgo_err_errno("cannot stat '%s'", binary);
		goto out;
	}
	bin = path_join(tmp, name);
	if (copy_into(binary, bin, (sb.st_mode & 0777) | 0500) < 0)
		goto out;
	if (log && is_file(log)) {
		lg = path_join(tmp, "build.log");
		if (copy_into(log, lg, 0644) < 0)
			goto out;
	}
	if (rename(tmp, final) < 0) {
		pgo_err_errno("cannot rename '%s' to '%s'", tmp, final);
		goto out;
	}
	if (fsync_parent_dir(final) < 0)
		goto out;
	memset(&g, 0, sizeof(g));
	g.program = (char *)name;
	g.number = *number;
	g.mode = (char *)mode;
	g.digest = (char *)(digest ? digest : "");
	g.path = managed_generation_binary(st, name, *number);
	g.log = log ? xasprintf("%s/build.log", final) : NULL;
	g.created = (int64_t)time(NULL);
	ret = index_generation_add(st->idx, &g);
	free(g.path);
	free(g.log);
out:
	if (ret < 0 && tmp)
		remove_tree(tmp);
	free(dir);
	free(tmp);
	free(final);
	free(bin);
	free(lg);
	return ret;
}

static int point_link(const char *link, const char *target)
{
	char *tmp = xasprintf("%s.pgo-tmp.%ld", link, (long)getpid());
	char *dir = path_dirname(link);
	int ret = -1;
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	unlink(tmp);
	if (symlink(target, tmp) < 0) {
		pgo_err_errno("cannot create '%s'", tmp);
		goto out;
	}
	/* rename() replaces the old link in one step: whoever runs the
	   program gets the old binary or the new one. */
	if (rename(tmp, link) < 0) {
		pgo_err_errno("cannot rename '%s' to '%s'", tmp, link);
		unlink(tmp);
		goto out;
	}
	ret = fsync_parent_dir(link);
out:
	free(tmp);
	free(dir);
	return ret;
}

static void crash_point(const char *name)
{
	const char *want = getenv("PGO_TEST_CRASH");
	if (want && !strcmp(want, name))
		kill(getpid(), 9);
}

int managed_set_state(struct store *st, struct program_rec *r, const char *state,
		      const char *reason)
{
	/* state and reason may be r's own strings: copy before freeing. */
	char *from = r->state ? xstrdup(r->state) : NULL;
	char *to = xstrdup(state), *why = xstrdup(reason);
	int rc;
	free(r->state);
	r->state = to;
	free(r->reason);
	r->reason = why;
	r->updated = (int64_t)time(NULL);
	rc = index_program_put(st->idx, r);
	if (rc == 0)
		rc = index_transition_add(st->idx, r->name, from, r->state, r->reason);
	free(from);
	return rc;
}

int managed_switch(struct store *st, struct program_rec *r, int64_t n, const char *state,
		   const char *reason)
{
	char *target = managed_generation_binary(st, r->name, n);
	int rc;
	if (!is_file(target)) {
		rc = pgo_err("generation %lld of '%s' has no binary", (long long)n, r->name);
		free(target);
		return rc;
	}
	rc = point_link(r->link, target);
	free(target);
	if (rc < 0)
		return -1;
	crash_point("after-switch");
	r->generation = n;
	return managed_set_state(st, r, state, reason);
}

int managed_reconcile(struct store *st, struct program_rec *r)
{
	char buf[4096], *prefix;
	ssize_t len = readlink(r->link, buf, sizeof(buf) - 1);
	long long n;
	int changed = 0;
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	prefix = xasprintf("%s/programs/%s/gen-", st->dir, r->name);
	if (str_starts_with(buf, prefix) && sscanf(buf + strlen(prefix), "%lld", &n) == 1 &&
	    n != r->generation) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "the link points at generation %lld; the index said %lld (repaired after a crash)",
			    n, (long long)r->generation);
		r->generation = n;
		if (index_program_put(st->idx, r) == 0)
			index_transition_add(st->idx, r->name, r->state, r->state, why.buf);
		strbuf_release(&why);
		changed = 1;
	}
	free(prefix);
	return changed;
}

void managed_clean_temporaries(struct store *st, const char *name)
{
	char *dir = managed_dir(st, name);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (str_starts_with(e->d_name, "tmp-gen-")) {
			char *p = path_join(dir, e->d_name);
			remove_tree(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

static int read_u64(const struct conf *c, const char *key, uint64_t *v)
{
	const char *s = c ? conf_get(c, "policy", key) : NULL;
	if (!s)
		return 0;
	if (parse_u64_str(s, v) < 0)
		return pgo_err("[policy] %s = '%s': expected a whole number", key, s);
	return 0;
}

int policy_read(const struct conf *c, struct policy *p)
{
	uint64_t v;
	const char *s;
	p->min_runs = 20;
	p->min_counts = 100000;
	p->stability = 0.98;
	p->max_age = 30 * 24 * 3600;
	p->spool_cap = 256ULL << 20;
	p->profile_cap = 256ULL << 20;
	p->backoff = 300;
	p->smoke_timeout = 30;
	if (read_u64(c, "min-runs", &p->min_runs) < 0 ||
	    read_u64(c, "min-counts", &p->min_counts) < 0 ||
	    read_u64(c, "spool-cap", &p->spool_cap) < 0 ||
	    read_u64(c, "profile-cap", &p->profile_cap) < 0)
		return -1;
	v = (uint64_t)p->max_age;
	if (read_u64(c, "max-age", &v) < 0)
		return -1;
	p->max_age = (int64_t)v;
	v = (uint64_t)p->backoff;
	if (read_u64(c, "backoff", &v) < 0)
		return -1;
	p->backoff = (int64_t)v;
	v = (uint64_t)p->smoke_timeout;
	if (read_u64(c, "smoke-timeout", &v) < 0)
		return -1;
	p->smoke_timeout = (int64_t)v;
	if (c && (s = conf_get(c, "policy", "stability"))) {
		char *end;
		double d = strtod(s, &end);
		if (*end || d < 0 || d > 1)
			return pgo_err("[policy] stability = '%s': expected a number from 0 to 1", s);
		p->stability = d;
	}
	return 0;
}

void policy_for_project(const char *root, struct policy *p)
{
	char *path = path_join(root, "pgo.conf");
	struct conf c;
	conf_init(&c);
	if (conf_read(path, &c) < 0 || policy_read(&c, p) < 0) {
		pgo_err_clear();
		policy_read(NULL, p);
	}
	conf_release(&c);
	free(path);
}

int policy_ready(const struct policy *p, const struct program_rec *r, char **why)
{
	struct strbuf sb = STRBUF_INIT;
	if (r->runs < p->min_runs)
		strbuf_addf(&sb, "%llu of %llu runs", (unsigned long long)r->runs,
			    (unsigned long long)p->min_runs);
	if (r->counts < p->min_counts)
		strbuf_addf(&sb, "%s%llu of %llu counts", sb.len ? ", " : "",
			    (unsigned long long)r->counts, (unsigned long long)p->min_counts);
	if (p->stability <= 0)
		;	/* stability not asked for */
	else if (r->stability < 0)
		strbuf_addf(&sb, "%sstability not known yet (needs two collections)",
			    sb.len ? ", " : "");
	else if (r->stability < p->stability)
		strbuf_addf(&sb, "%sstability %.3f of %.3f", sb.len ? ", " : "", r->stability,
			    p->stability);
	if (!r->collecting)
		strbuf_addf(&sb, "%scollection stopped", sb.len ? ", " : "");
	if (why)
		*why = strbuf_detach(&sb, NULL);
	else
		strbuf_release(&sb);
	return r->runs >= p->min_runs && r->counts >= p->min_counts &&
	       (p->stability <= 0 || r->stability >= p->stability) && r->collecting;
}

static int source_file(const char *name)
{
	static const char *const ext[] = { ".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp",
					   ".hxx", ".S", ".s", ".inc", ".def" };
	static const char *const build[] = { "Makefile", "makefile", "GNUmakefile",
					     "CMakeLists.txt", "meson.build", "configure.ac",
					     "Makefile.am", "pgo.conf" };
	for (size_t i = 0; i < ARRAY_SIZE(build); i++)
		if (!strcmp(name, build[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (str_ends_with(name, ext[i]))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_sources(const char *root, const char *rel, struct argv_array *out, int depth)
{
	char *dir = *rel ? path_join(root, rel) : xstrdup(root);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && depth < 32 && (e = readdir(d))) {
		char *p, *r;
		struct stat sb;
		if (e->d_name[0] == '.')
			continue;  /* .pgo, .git and friends */
		p = path_join(dir, e->d_name);
		r = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		if (lstat(p, &sb) == 0) {
			if (S_ISDIR(sb.st_mode)) {
				/* A build tree holds outputs, not sources. */
				char *marker1 = path_join(p, "CMakeCache.txt");
				char *marker2 = path_join(p, "build.ninja");
				if (!is_file(marker1) && !is_file(marker2))
					walk_sources(root, r, out, depth + 1);
				free(marker1);
				free(marker2);
			} else if (S_ISREG(sb.st_mode) && source_file(e->d_name)) {
				argv_pushf(out, "%s %lld %lld.%09ld", r, (long long)sb.st_size,
					   (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
			}
		}
		free(p);
		free(r);
	}
	if (d)
		closedir(d);
	free(dir);
}

char *managed_source_signature(const char *root)
{
	struct argv_array files = ARGV_ARRAY_INIT;
	struct strbuf sb = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];
	walk_sources(root, "", &files, 0);
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	for (size_t i = 0; i < files.n; i++) {
		strbuf_addstr(&sb, files.v[i]);
		strbuf_addch(&sb, '\n');
	}
	sha256_hex(sb.buf, sb.len, hex);
	strbuf_release(&sb);
	argv_clear(&files);
	return xstrdup(hex);
}

uint64_t dir_size(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;
	while (d && (e = readdir(d))) {
		char *p;
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = path_join(dir, e->d_name);
		if (lstat(p, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				total += dir_size(p);
			else if (S_ISREG(sb.st_mode))
				total += (uint64_t)sb.st_size;
		}
		free(p);
	}
	if (d)
		closedir(d);
	return total;
}

/*
 * Moves the files of staging that cannot be read into quarantine/, each
 * with a NAME.reason file, so that one corrupt file does not stop the
 * collection of the others.  Returns how many were moved.
 */
static size_t quarantine_bad(struct store *st, const char *name, const char *staging,
			     const struct toolchain *hint)
{
	char *dir = managed_dir(st, name), *qdir = path_join(dir, "quarantine");
	DIR *d = opendir(staging);
	struct dirent *e;
	size_t moved = 0;
	while (d && (e = readdir(d))) {
		char *f, *to, *why;
		struct profile one;
		struct ingest_result ir;
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "pgo-batch"))
			continue;
		f = path_join(staging, e->d_name);
		if (!is_file(f)) {
			free(f);
			continue;
		}
		if (ingest_path(f, hint, &one, &ir) == 0) {
			profile_release(&one);
			free(f);
			continue;
		}
		mkdir_p(qdir, 0700);
		to = path_join(qdir, e->d_name);
		why = xasprintf("%s.reason", to);
		{
			struct strbuf msg = STRBUF_INIT;
			strbuf_addf(&msg, "%s\n", pgo_errmsg());
			write_file_durable(why, msg.buf, msg.len, 0600);
			strbuf_release(&msg);
		}
		if (rename(f, to) == 0)
			moved++;
		free(f);
		free(to);
		free(why);
	}
	if (d)
		closedir(d);
	free(dir);
	free(qdir);
	return moved;
}

/* Whether staging holds a profile file (the batch id alone is none). */
static int has_profiles(const char *staging)
{
	DIR *d = opendir(staging);
	struct dirent *e;
	int found = 0;
	while (d && !found && (e = readdir(d)))
		found = str_ends_with(e->d_name, ".profraw") || str_ends_with(e->d_name, ".gcda");
	if (d)
		closedir(d);
	return found;
}

/* The id of what staging holds, made when staging is first filled and
   kept in it (STAGING/pgo-batch) until staging is emptied. */
static int batch_id(const char *staging, char **out)
{
	char *path = path_join(staging, "pgo-batch");
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;
	if (is_file(path) && read_file(path, &sb, 256) == 0 && sb.len) {
		strbuf_trim_trailing_newline(&sb);
		*out = strbuf_detach(&sb, NULL);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%lld.%09ld.%ld", (long long)ts.tv_sec, (long)ts.tv_nsec,
			    (long)getpid());
		if (write_file_durable(path, sb.buf, sb.len, 0600) < 0)
			ret = -1;
		else
			*out = strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	free(path);
	return ret;
}

int managed_ingest(struct store *st, struct program_rec *r, const struct policy *p)
{
	char *dir = managed_dir(st, r->name), *staging = path_join(dir, "staging");
	struct profile prof, cum;
	struct ingest_result ir;
	struct profile_meta m;
	struct toolchain hint;
	size_t taken = 0;
	uint64_t runs, spool_bytes;
	int ret = -1, have_cum = 0;
	char *batch = NULL;

	toolchain_init(&hint);
	profile_init(&prof, PROFILE_NONE);
	profile_init(&cum, PROFILE_NONE);
	if (!r->spool || !is_dir(r->spool)) {
		ret = 0;
		goto out;
	}
	spool_bytes = dir_size(r->spool);
	if (spool_bytes > p->spool_cap) {
		struct strbuf why = STRBUF_INIT;
		if (r->collecting) {
			strbuf_addf(&why, "the spool holds %llu bytes, over the cap of %llu: collection stopped",
				    (unsigned long long)spool_bytes, (unsigned long long)p->spool_cap);
			r->collecting = 0;
			managed_set_state(st, r, r->state, why.buf);
		}
		strbuf_release(&why);
		ret = 0;
		goto out;
	}
	if (!r->collecting) {
		ret = 0;
		goto out;
	}
	/* A batch recorded before a crash that left staging behind: it is
	   in the merged profile, and new data must not join it. */
	if (r->last_batch && is_dir(staging)) {
		char *old = NULL, *idp = path_join(staging, "pgo-batch");
		struct strbuf sb = STRBUF_INIT;
		if (is_file(idp) && read_file(idp, &sb, 256) == 0) {
			strbuf_trim_trailing_newline(&sb);
			old = strbuf_detach(&sb, NULL);
		}
		pgo_err_clear();
		if (old && !strcmp(old, r->last_batch))
			remove_tree(staging);
		strbuf_release(&sb);
		free(old);
		free(idp);
	}
	/* The runs first: a run counted is one whose profile is here or
	   still to come (a process still running). */
	runs = spool_take_runs(r->spool, staging);
	if (mkdir_p(staging, 0755) < 0 || spool_collect(r->spool, staging, &taken) < 0)
		goto out;
	if (!taken && !has_profiles(staging)) {
		/* No profile yet: the runs wait in staging with the next one. */
		ret = 0;
		goto out;
	}
	if (r->cumulative && *r->cumulative && store_load(st, r->cumulative, &cum) == 0)
		have_cum = 1;
	pgo_err_clear();
	if (batch_id(staging, &batch) < 0)
		goto out;
	/* The data must be from the compiler of the instrumented generation. */
	if (r->toolchain && toolchain_parse_id(r->toolchain, &hint) < 0)
		pgo_err_clear();
	if (ingest_path(staging, hint.family ? &hint : NULL, &prof, &ir) < 0) {
		struct strbuf why = STRBUF_INIT;
		size_t bad = quarantine_bad(st, r->name, staging, hint.family ? &hint : NULL);
		if (!bad)
			goto out;
		strbuf_addf(&why, "%zu unreadable profile file%s quarantined in %s/programs/%s/quarantine",
			    bad, bad == 1 ? "" : "s", st->dir, r->name);
		free(r->reason);
		r->reason = strbuf_detach(&why, NULL);
		index_transition_add(st->idx, r->name, r->state, r->state, r->reason);
		if (!has_profiles(staging)) {
			index_program_put(st->idx, r);
			remove_tree(staging);
			ret = 0;
			goto out;
		}
		if (ingest_path(staging, hint.family ? &hint : NULL, &prof, &ir) < 0)
			goto out;
	}
	memset(&m, 0, sizeof(m));
	m.program = xstrdup(r->name);
	m.label = xstrdup("collected by pgod");
	m.source = xstrdup("pgod");
	m.runs = runs ? runs : 1;
	if (store_put(st, &prof, &m, NULL, 0) < 0) {
		profile_meta_release(&m);
		goto out;
	}
	crash_point("after-ingest-store");
	if (r->last_batch && batch && !strcmp(r->last_batch, batch)) {
		/* A crash came after this batch was recorded but before staging
		   was emptied: it is in the merged profile already.  (Batches are
		   told apart by an id, not by content: a deterministic program
		   writes identical batches.) */
		profile_meta_release(&m);
		remove_tree(staging);
		ret = 0;
		goto out;
	}
	if (have_cum) {
		struct profile_diff d;
		struct profile_meta cm;
		struct lineage_edge e[2];
		struct profile before;
		/* Stability: how much the merged profile moved with this data. */
		profile_init(&before, PROFILE_NONE);
		if (store_load(st, r->cumulative, &before) < 0 || profile_merge(&cum, &prof, 1) < 0) {
			profile_release(&before);
			profile_meta_release(&m);
			goto out;
		}
		if (profile_diff(&before, &cum, &d) == 0) {
			r->stability = d.overlap;
			profile_diff_release(&d);
		}
		profile_release(&before);
		memset(&cm, 0, sizeof(cm));
		cm.program = xstrdup(r->name);
		cm.label = xstrdup("all runs collected by pgod");
		cm.source = xstrdup("merge");
		cm.runs = r->runs + m.runs;
		snprintf(e[0].parent, sizeof(e[0].parent), "%s", r->cumulative);
		e[0].weight = 1;
		memcpy(e[1].parent, m.digest, sizeof(e[1].parent));
		e[1].weight = 1;
		if (store_put(st, &cum, &cm, e, 2) < 0) {
			profile_meta_release(&cm);
			profile_meta_release(&m);
			goto out;
		}
		free(r->cumulative);
		r->cumulative = xstrdup(cm.digest);
		r->counts = cm.total;
		if (cm.size > p->profile_cap) {
			struct strbuf why = STRBUF_INIT;
			strbuf_addf(&why, "the profile is %llu bytes, over the cap of %llu: collection stopped",
				    (unsigned long long)cm.size, (unsigned long long)p->profile_cap);
			r->collecting = 0;
			free(r->reason);
			r->reason = strbuf_detach(&why, NULL);
		}
		profile_meta_release(&cm);
	} else {
		free(r->cumulative);
		r->cumulative = xstrdup(m.digest);
		r->counts = m.total;
		r->stability = -1;
	}
	r->runs += m.runs;
	r->updated = (int64_t)time(NULL);
	free(r->last_batch);
	r->last_batch = batch ? xstrdup(batch) : NULL;
	profile_meta_release(&m);
	if (index_program_put(st->idx, r) < 0)
		goto out;
	crash_point("after-ingest-record");
	/* Recorded: what staging held is safe in the store now. */
	remove_tree(staging);
	ret = 1;
out:
	profile_release(&prof);
	if (have_cum)
		profile_release(&cum);
	toolchain_release(&hint);
	free(batch);
	free(dir);
	free(staging);
	return ret;
}

int managed_share_store(const struct store *st)
{
	char *programs = path_join(st->dir, "programs");
	int ret = 0;
	if (mkdir_p(programs, 0755) < 0 || chmod(st->dir, 0755) < 0 || chmod(programs, 0755) < 0)
		ret = pgo_err_errno("cannot share the store '%s'", st->dir);
	free(programs);
	return ret;
}
