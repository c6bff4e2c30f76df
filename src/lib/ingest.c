#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "profraw.h"
#include "run.h"
#include "banned.h"

/* Profiles larger than this are refused rather than read into memory. */
#define INGEST_MAX ((size_t)2 << 30)

static int run_llvm_profdata_many(unsigned major, const char *const *in, size_t nin,
				  int sample, struct strbuf *text);

static int run_llvm_profdata(unsigned major, const char *in, int sample, struct strbuf *text)
{
	return run_llvm_profdata_many(major, &in, 1, sample, text);
}

/* One llvm-profdata for many files: loading libLLVM is most of its cost. */
static int run_llvm_profdata_many(unsigned major, const char *const *in, size_t nin,
				  int sample, struct strbuf *text)
{
	char *tool = llvm_tool_path(major, "llvm-profdata");
	char *dir = NULL, *out = NULL;
	struct strbuf err = STRBUF_INIT;
	struct argv_array av = ARGV_ARRAY_INIT;
	int rc, ret = -1;

	if (!tool)
		return -1;
	if (!(dir = make_temp_dir("pgo-ingest")))
		goto done;
	out = path_join(dir, "profile.txt");
	argv_push(&av, tool);
	argv_push(&av, "merge");
	if (sample)
		argv_push(&av, "-sample");
	argv_push(&av, "-text");
	argv_push(&av, "-o");
	argv_push(&av, out);
	for (size_t i = 0; i < nin; i++)
		argv_push(&av, in[i]);
	rc = run_capture(av.v, NULL, &err);
	if (rc != 0) {
		const char *nl;
		/* The first line of llvm-profdata's complaint is the useful one. */
		strbuf_trim_trailing_newline(&err);
		nl = strchr(err.buf, '\n');
		if (rc > 0)
			pgo_err("'%s'%s: %s failed: %.*s", in[0], nin > 1 ? " and others" : "",
				path_basename(tool), nl ? (int)(nl - err.buf) : (int)err.len, err.buf);
		goto done;
	}
	ret = read_file(out, text, INGEST_MAX);
done:
	if (dir)
		remove_tree(dir);
	free(dir);
	free(out);
	free(tool);
	argv_clear(&av);
	strbuf_release(&err);
	return ret;
}

static int default_llvm(const struct toolchain *hint, struct toolchain *tc,
			struct ingest_result *res)
{
	const char *env = getenv("PGO_TOOLCHAIN");
	toolchain_init(tc);
	if (hint && hint->family) {
		*tc = *hint;
		tc->compiler = hint->compiler ? xstrdup(hint->compiler) : NULL;
		return 0;
	}
	res->toolchain_assumed = 1;
	if (env && *env)
		return toolchain_parse_id(env, tc);
	if (toolchain_detect("clang", tc) < 0)
		return pgo_err_prefix("cannot tell which toolchain made this profile; give --toolchain");
	return 0;
}

/* Text: instrumentation ("name\nhash\n..." or ":ir") or sample
   ("name:total:head").  Decided on the first line that is not a comment. */
static enum profile_kind sniff_text(const char *data, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - data - pos) : len - pos;
		const char *line = data + pos;
		pos += n + 1;
		if (!n || line[0] == '#')
			continue;
		if (line[0] == ':')
			return PROFILE_INSTR;
		/* name:total:head with two numbers at the end */
		{
			size_t i = n, digits = 0;
			int colons = 0;
			while (i > 0 && colons < 2) {
				char c = line[i - 1];
				if (c >= '0' && c <= '9')
					digits++;
				else if (c == ':' && digits)
					colons++, digits = 0;
				else
					break;
				i--;
			}
			if (colons == 2 && i > 0)
				return PROFILE_SAMPLE;
		}
		return PROFILE_INSTR;
	}
	return PROFILE_NONE;
}

static int ingest_raw_data(const char *path, const unsigned char *data, size_t len,
			   const struct toolchain *hint, struct profile *out,
			   struct ingest_result *res, struct argv_array *deferred)
{
	struct profraw_probe pr;
	uint32_t version = 0;
	int rc;

	profraw_probe(data, len, &pr);
	if (out->kind == PROFILE_NONE) {
		profile_init(out, PROFILE_INSTR);
		if (toolchain_for_llvm_file(path, 0, pr.version, hint, &out->tc) < 0) {
			profile_release(out);
			return -1;
		}
	} else if (pr.version != llvm_raw_version(out->tc.major)) {
		return pgo_err("'%s': raw profile version %u does not match clang %u (raw version %u) of the other inputs",
			       path, pr.version, out->tc.major, llvm_raw_version(out->tc.major));
	}
	rc = profraw_read(path, data, len, &out->u.instr, &version);
	if (rc == PROFRAW_NEEDS_TOOL && deferred) {
		/* Read later, all such files by one llvm-profdata. */
		argv_push(deferred, path);
		res->runs++;
		return 0;
	}
	if (rc == PROFRAW_NEEDS_TOOL) {
		struct strbuf text = STRBUF_INIT;
		struct instr_profile tmp;
		instr_profile_init(&tmp);
		rc = run_llvm_profdata(out->tc.major, path, 0, &text);
		if (rc == 0)
			rc = instr_parse_text(path, text.buf, text.len, &tmp);
		if (rc == 0)
			rc = instr_merge(&out->u.instr, &tmp, 1);
		instr_profile_release(&tmp);
		strbuf_release(&text);
	}
	if (rc < 0)
		return -1;
	res->runs++;
	return 0;
}

static int ingest_file(const char *path, const struct toolchain *hint, struct profile *out,
		       struct ingest_result *res)
{
	struct strbuf data = STRBUF_INIT;
	struct profraw_probe pr;
	int ret = -1;

	if (read_file(path, &data, INGEST_MAX) < 0)
		return -1;
	res->files++;
	profraw_probe((const unsigned char *)data.buf, data.len, &pr);
	if (pr.kind == PROFRAW_RAW) {
		ret = ingest_raw_data(path, (const unsigned char *)data.buf, data.len, hint, out,
				      res, NULL);
	} else if (pr.kind == PROFRAW_INDEXED) {
		struct strbuf text = STRBUF_INIT;
		profile_init(out, PROFILE_INSTR);
		if (toolchain_for_llvm_file(path, 1, pr.version, hint, &out->tc) == 0 &&
		    run_llvm_profdata(out->tc.major, path, 0, &text) == 0 &&
		    instr_parse_text(path, text.buf, text.len, &out->u.instr) == 0)
			ret = 0;
		else
			profile_release(out);
		strbuf_release(&text);
	} else if (profile_is_object(data.buf, data.len)) {
		ret = profile_from_object(path, data.buf, data.len, out);
		if (ret == 0 && hint && hint->family && !toolchain_compatible(hint, &out->tc)) {
			char *a = toolchain_id(&out->tc), *b = toolchain_id(hint);
			ret = pgo_err("'%s' was made by %s, not %s", path, a, b);
			free(a);
			free(b);
			profile_release(out);
		}
	} else if (data.len >= 4 && !memcmp(data.buf, "adcg", 4)) {
		ret = pgo_err("'%s' is a single .gcda file; import the directory that holds the program's .gcda files",
			      path);
	} else if (data.len >= 8 && !memcmp(data.buf + 1, "24FORPS", 7)) {
		/* Binary sample profile (SPMagic): its text form is the same data. */
		struct strbuf text = STRBUF_INIT;
		profile_init(out, PROFILE_SAMPLE);
		if (default_llvm(hint, &out->tc, res) == 0 &&
		    run_llvm_profdata(out->tc.major, path, 1, &text) == 0 &&
		    sample_parse_text(path, text.buf, text.len, &out->u.sample) == 0)
			ret = 0;
		else
			profile_release(out);
		strbuf_release(&text);
	} else if (memchr(data.buf, '\0', data.len)) {
		ret = pgo_err("'%s': not a profile pgo knows (neither LLVM raw, indexed, text, sample, nor pgo's own)",
			      path);
	} else {
		enum profile_kind k = sniff_text(data.buf, data.len);
		if (k == PROFILE_NONE) {
			ret = pgo_err("'%s': no profile data in it", path);
		} else {
			profile_init(out, k);
			if (default_llvm(hint, &out->tc, res) < 0)
				ret = -1;
			else if (k == PROFILE_INSTR)
				ret = instr_parse_text(path, data.buf, data.len, &out->u.instr);
			else
				ret = sample_parse_text(path, data.buf, data.len, &out->u.sample);
			if (ret < 0)
				profile_release(out);
		}
	}
	strbuf_release(&data);
	return ret;
}

/* Collects regular files below dir whose names end in suffix, sorted. */
static int collect(const char *dir, const char *suffix, int recurse, struct argv_array *out,
		   size_t *others)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return pgo_err_errno("cannot open directory '%s'", dir);
	while ((e = readdir(d))) {
		char *p;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		p = path_join(dir, e->d_name);
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode) && recurse)
				collect(p, suffix, recurse, out, others);
			else if (S_ISREG(st.st_mode) && str_ends_with(e->d_name, suffix))
				argv_push(out, p);
			else if (S_ISREG(st.st_mode))
				(*others)++;
		}
		free(p);
	}
	closedir(d);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ingest_raw_list(const char *what, const char *const *paths, size_t n,
		    const struct toolchain *hint, struct profile *out, struct ingest_result *res)
{
	struct argv_array deferred = ARGV_ARRAY_INIT;
	int ret = -1;

	for (size_t i = 0, last = 0; i < n; i++) {
		struct strbuf data = STRBUF_INIT;
		struct profraw_probe pr;
		int rc = read_file(paths[i], &data, INGEST_MAX);
		if (rc == 0) {
			profraw_probe((const unsigned char *)data.buf, data.len, &pr);
			if (pr.kind != PROFRAW_RAW)
				rc = pgo_err("'%s': not an LLVM raw profile", paths[i]);
			else
				rc = ingest_raw_data(paths[i], (const unsigned char *)data.buf,
						     data.len, hint, out, res, &deferred);
		}
		strbuf_release(&data);
		if (rc < 0)
			goto fail;
		res->files++;
		/* Merge now and then, not after every file: the records grow to
		   at most about three times the merged size, and the total
		   sorting stays O(n log n). */
		if (out->u.instr.n > 2 * last + 4096) {
			if (instr_profile_normalize(&out->u.instr) < 0)
				goto fail;
			last = out->u.instr.n;
		}
	}
	if (deferred.n) {
		struct strbuf text = STRBUF_INIT;
		struct instr_profile tmp;
		int rc;
		instr_profile_init(&tmp);
		rc = run_llvm_profdata_many(out->tc.major, deferred.v, deferred.n, 0, &text);
		if (rc == 0)
			rc = instr_parse_text(what, text.buf, text.len, &tmp);
		if (rc == 0)
			rc = instr_merge(&out->u.instr, &tmp, 1);
		instr_profile_release(&tmp);
		strbuf_release(&text);
		if (rc < 0)
			goto fail;
	}
	if (out->kind == PROFILE_INSTR && instr_profile_normalize(&out->u.instr) < 0)
		goto fail;
	ret = 0;
	goto done;
fail:
	if (out->kind != PROFILE_NONE)
		profile_release(out);
done:
	argv_clear(&deferred);
	return ret;
}

static int ingest_dir(const char *path, const struct toolchain *hint, struct profile *out,
		      struct ingest_result *res)
{
	struct argv_array raw = ARGV_ARRAY_INIT, gcda = ARGV_ARRAY_INIT;
	size_t others = 0;
	int ret = -1;

	if (collect(path, ".profraw", 0, &raw, &others) < 0)
		return -1;
	others = 0;
	if (collect(path, ".gcda", 1, &gcda, &others) < 0)
		goto done;
	if (raw.n && gcda.n) {
		pgo_err("'%s' holds both LLVM .profraw and GCC .gcda files; import them separately",
			path);
		goto done;
	}
	if (gcda.n) {
		unsigned major = 0, minor = 0;
		profile_init(out, PROFILE_GCDA);
		if (gcda_set_read_dir(path, &out->u.gcda) < 0)
			goto fail;
		for (size_t i = 0; i < out->u.gcda.n; i++) {
			unsigned ma, mi;
			const struct gcda_entry *e = &out->u.gcda.e[i];
			if (gcda_check(e->path, e->data, e->len, &ma, &mi) < 0)
				goto fail;
			if (i && (ma != major || mi != minor)) {
				pgo_err("'%s': .gcda files from GCC %u.%u and %u.%u are mixed", path,
					major, minor, ma, mi);
				goto fail;
			}
			major = ma;
			minor = mi;
		}
		if (hint && hint->family && (hint->family != TC_GCC || hint->major != major)) {
			char *h = toolchain_id(hint);
			pgo_err("'%s': .gcda files written by GCC %u.%u do not match %s", path, major,
				minor, h);
			free(h);
			goto fail;
		}
		if (hint && hint->family) {
			out->tc = *hint;
			out->tc.compiler = hint->compiler ? xstrdup(hint->compiler) : NULL;
		} else {
			char *gcc = xasprintf("gcc-%u", major);
			if (toolchain_detect(gcc, &out->tc) < 0 || out->tc.major != major) {
				pgo_err_clear();
				toolchain_release(&out->tc);
				out->tc.family = TC_GCC;
				out->tc.major = major;
				out->tc.minor = minor;
			}
			free(gcc);
		}
		res->files += out->u.gcda.n;
		res->runs++;
		ret = 0;
		goto done;
	}
	if (!raw.n) {
		pgo_err("'%s': no .profraw or .gcda files in it", path);
		goto done;
	}
	qsort(raw.v, raw.n, sizeof(*raw.v), cmp_str);
	ret = ingest_raw_list(path, raw.v, raw.n, hint, out, res);
	goto done;
fail:
	if (out->kind != PROFILE_NONE)
		profile_release(out);
done:
	argv_clear(&raw);
	argv_clear(&gcda);
	return ret;
}

int ingest_path(const char *path, const struct toolchain *hint, struct profile *out,
		struct ingest_result *res)
{
	struct stat st;
	memset(res, 0, sizeof(*res));
	profile_init(out, PROFILE_NONE);
	if (stat(path, &st) < 0)
		return pgo_err_errno("cannot open '%s'", path);
	if (S_ISDIR(st.st_mode))
		return ingest_dir(path, hint, out, res);
	if (ingest_file(path, hint, out, res) < 0) {
		if (out->kind != PROFILE_NONE)
			profile_release(out);
		return -1;
	}
	if (out->kind == PROFILE_INSTR)
		return instr_profile_normalize(&out->u.instr);
	return 0;
}

static int lock_fd(int fd)
{
	struct flock fl;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static int take_file(const char *path, const char *rel, const char *staging, size_t *taken)
{
	struct strbuf data = STRBUF_INIT;
	char *dst = NULL;
	int fd = open(path, O_RDWR | O_CLOEXEC), ret = -1;
	if (fd < 0)
		return errno == ENOENT ? 0 : pgo_err_errno("cannot open '%s'", path);
	if (lock_fd(fd) < 0) {
		pgo_err_errno("cannot lock '%s'", path);
		goto out;
	}
	for (;;) {
		ssize_t n;
		strbuf_grow(&data, 65536);
		n = read(fd, data.buf + data.len, data.alloc - data.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pgo_err_errno("cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		strbuf_setlen(&data, data.len + (size_t)n);
	}
	if (!data.len) {
		ret = 0;
		goto out;
	}
	{
		/* Unique in staging: the same pool name can be taken again
		   before staging has been imported. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (str_ends_with(rel, ".gcda")) {
			dst = path_join(staging, rel);
			if (is_file(dst)) {
				pgo_err("'%s' is already in staging; import it first", dst);
				goto out;
			}
		} else {
			/* Flat in staging: "u1000/default_1_0.profraw" (a user's
			   directory of a shared spool) becomes one name. */
			char *flat = xstrdup(rel);
			for (char *c = flat; *c; c++)
				if (*c == '/')
					*c = '_';
			dst = xasprintf("%s/%lld%09ld-%s", staging, (long long)ts.tv_sec,
					(long)ts.tv_nsec, flat);
			free(flat);
		}
	}
	{
		char *dir = path_dirname(dst);
		int rc = mkdir_p(dir, 0755);
		free(dir);
		if (rc < 0 || write_file_durable(dst, data.buf, data.len, 0644) < 0)
			goto out;
	}
	/* Only now, still holding the lock, is the source emptied. */
	if (ftruncate(fd, 0) < 0) {
		pgo_err_errno("cannot truncate '%s'", path);
		unlink(dst);
		goto out;
	}
	(*taken)++;
	ret = 0;
out:
	close(fd);	/* releases the lock */
	free(dst);
	strbuf_release(&data);
	return ret;
}

static int collect_tree(const char *dir, const char *rel, const char *staging, size_t *taken)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;
	if (!d)
		return errno == ENOENT ? 0 : pgo_err_errno("cannot open directory '%s'", dir);
	while ((e = readdir(d)) && ret == 0) {
		char *p, *r;
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		p = path_join(dir, e->d_name);
		r = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				ret = collect_tree(p, r, staging, taken);
			else if (S_ISREG(st.st_mode) &&
				 (str_ends_with(e->d_name, ".profraw") || str_ends_with(e->d_name, ".gcda")))
				ret = take_file(p, r, staging, taken);
		}
		free(p);
		free(r);
	}
	closedir(d);
	return ret;
}

int spool_collect(const char *spool, const char *staging, size_t *taken)
{
	*taken = 0;
	if (mkdir_p(staging, 0755) < 0)
		return -1;
	return collect_tree(spool, "", staging, taken);
}

static uint64_t read_count(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t n = 0;
	if (is_file(path) && read_file(path, &sb, 64) == 0) {
		strbuf_trim_trailing_newline(&sb);
		if (parse_u64_str(sb.buf, &n) < 0)
			n = 0;
	}
	pgo_err_clear();
	strbuf_release(&sb);
	return n;
}

static uint64_t take_runs_file(const char *spool, const char *staging);

uint64_t spool_take_runs(const char *spool, const char *staging)
{
	/* The spool's own file, and those of per-user directories (a spool
	   shared by several users, see buildenv.c). */
	DIR *d = opendir(spool);
	struct dirent *e;
	uint64_t n = take_runs_file(spool, staging);
	while (d && (e = readdir(d))) {
		char *sub;
		if (e->d_name[0] != 'u' || !e->d_name[1])
			continue;
		sub = path_join(spool, e->d_name);
		if (is_dir(sub))
			n = take_runs_file(sub, staging);
		free(sub);
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * SPOOL/pgo-runs only grows (a byte per run); SPOOL/pgo-runs.taken says
 * how much of it has been counted.  Never truncating it means a run that
 * starts while it is being read is counted next time, never lost.
 */
static uint64_t take_runs_file(const char *spool, const char *staging)
{
	char *path = path_join(spool, "pgo-runs"), *kept = path_join(staging, "pgo-runs");
	char *done = path_join(spool, "pgo-runs.taken");
	uint64_t have = read_count(kept), taken = read_count(done);
	struct stat sb;
	if (stat(path, &sb) == 0 && (uint64_t)sb.st_size > taken && mkdir_p(staging, 0755) == 0) {
		uint64_t now = (uint64_t)sb.st_size;
		char num[32];
		int n = snprintf(num, sizeof(num), "%llu\n", (unsigned long long)(have + now - taken));
		if (write_file_durable(kept, num, (size_t)n, 0644) == 0) {
			have += now - taken;
			n = snprintf(num, sizeof(num), "%llu\n", (unsigned long long)now);
			write_file_durable(done, num, (size_t)n, 0644);
		}
	}
	pgo_err_clear();
	free(path);
	free(kept);
	free(done);
	return have;
}

int ingest_is_raw_file(const char *path)
{
	unsigned char head[16];
	struct profraw_probe pr;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < (ssize_t)sizeof(head))
		return 0;
	profraw_probe(head, sizeof(head), &pr);
	return pr.kind == PROFRAW_RAW;
}
