#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "run.h"
#include "banned.h"

#define OBJECT_MAGIC_LINE "# pgo profile v1\n"

static const char *const kind_names[] = {
	[PROFILE_NONE] = "none",
	[PROFILE_INSTR] = "llvm-instr",
	[PROFILE_SAMPLE] = "llvm-sample",
	[PROFILE_GCDA] = "gcc",
};

const char *profile_kind_name(enum profile_kind k)
{
	return k < ARRAY_SIZE(kind_names) ? kind_names[k] : "none";
}

enum profile_kind profile_kind_parse(const char *s)
{
	for (size_t i = 1; i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(s, kind_names[i]))
			return (enum profile_kind)i;
	return PROFILE_NONE;
}

void profile_init(struct profile *p, enum profile_kind kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	toolchain_init(&p->tc);
	switch (kind) {
	case PROFILE_INSTR: instr_profile_init(&p->u.instr); break;
	case PROFILE_SAMPLE: sample_profile_init(&p->u.sample); break;
	case PROFILE_GCDA: gcda_set_init(&p->u.gcda); break;
	default: break;
	}
}

void profile_release(struct profile *p)
{
	switch (p->kind) {
	case PROFILE_INSTR: instr_profile_release(&p->u.instr); break;
	case PROFILE_SAMPLE: sample_profile_release(&p->u.sample); break;
	case PROFILE_GCDA: gcda_set_release(&p->u.gcda); break;
	default: break;
	}
	toolchain_release(&p->tc);
	p->kind = PROFILE_NONE;
}

int profile_to_object(struct profile *p, struct strbuf *out)
{
	char *id, *fmt;
	if (p->kind == PROFILE_NONE || p->tc.family == TC_UNKNOWN)
		return pgo_err("profile has no kind or toolchain");
	id = toolchain_id(&p->tc);
	fmt = toolchain_format(&p->tc);
	strbuf_addstr(out, OBJECT_MAGIC_LINE);
	strbuf_addf(out, "# kind: %s\n# toolchain: %s\n# format: %s\n",
		    profile_kind_name(p->kind), id, fmt);
	free(id);
	free(fmt);
	switch (p->kind) {
	case PROFILE_INSTR: instr_emit_text(&p->u.instr, out); break;
	case PROFILE_SAMPLE: sample_emit_text(&p->u.sample, out); break;
	case PROFILE_GCDA: gcda_archive_emit(&p->u.gcda, out); break;
	default: break;
	}
	return 0;
}

int profile_is_object(const char *data, size_t len)
{
	size_t n = strlen(OBJECT_MAGIC_LINE);
	return len >= n && !memcmp(data, OBJECT_MAGIC_LINE, n);
}

/* A header line is "# key: value" with a lowercase key. */
static int header_line(const char *line, size_t len, const char **key, size_t *klen,
		       const char **val, size_t *vlen)
{
	size_t i = 2;
	if (len < 4 || line[0] != '#' || line[1] != ' ')
		return 0;
	while (i < len && ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '-'))
		i++;
	if (i == 2 || i + 1 >= len || line[i] != ':' || line[i + 1] != ' ')
		return 0;
	*key = line + 2;
	*klen = i - 2;
	*val = line + i + 2;
	*vlen = len - i - 2;
	return 1;
}

int profile_from_object(const char *name, const char *data, size_t len, struct profile *p)
{
	size_t pos = strlen(OBJECT_MAGIC_LINE);
	char *kind = NULL, *tcid = NULL;
	enum profile_kind k;
	int ret = -1;

	if (!profile_is_object(data, len))
		return pgo_err("'%s': not a pgo profile (no '# pgo profile v1' line)", name);
	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		const char *key, *val;
		size_t klen, vlen;
		if (!header_line(line, llen, &key, &klen, &val, &vlen))
			break;
		if (klen == 4 && !memcmp(key, "kind", 4)) {
			free(kind);
			kind = xstrndup(val, vlen);
		} else if (klen == 9 && !memcmp(key, "toolchain", 9)) {
			free(tcid);
			tcid = xstrndup(val, vlen);
		}
		pos += llen + (nl ? 1 : 0);
	}
	if (!kind || !tcid) {
		pgo_err("'%s': the header has no %s line", name, kind ? "toolchain" : "kind");
		goto out;
	}
	k = profile_kind_parse(kind);
	if (k == PROFILE_NONE) {
		pgo_err("'%s': unknown profile kind '%s'", name, kind);
		goto out;
	}
	profile_init(p, k);
	if (toolchain_parse_id(tcid, &p->tc) < 0) {
		pgo_err_prefix("'%s'", name);
		goto fail;
	}
	switch (k) {
	case PROFILE_INSTR:
		if (instr_parse_text(name, data + pos, len - pos, &p->u.instr) < 0)
			goto fail;
		break;
	case PROFILE_SAMPLE:
		if (sample_parse_text(name, data + pos, len - pos, &p->u.sample) < 0)
			goto fail;
		break;
	case PROFILE_GCDA:
		if (gcda_archive_parse(name, (const unsigned char *)data + pos, len - pos,
				       &p->u.gcda) < 0)
			goto fail;
		break;
	default:
		break;
	}
	ret = 0;
	goto out;
fail:
	profile_release(p);
out:
	free(kind);
	free(tcid);
	return ret;
}

static int write_profdata(struct profile *p, const char *path)
{
	char *tool = llvm_tool_path(p->tc.major, "llvm-profdata");
	char *dir = NULL, *in = NULL, *tmp_out = NULL;
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT, bytes = STRBUF_INIT;
	struct argv_array av = ARGV_ARRAY_INIT;
	int rc, ret = -1;

	if (!tool)
		return -1;
	if (!(dir = make_temp_dir("pgo-profdata")))
		goto out;
	in = path_join(dir, "profile.txt");
	tmp_out = path_join(dir, "profile.profdata");
	if (profile_to_object(p, &text) < 0 || write_file_durable(in, text.buf, text.len, 0600) < 0)
		goto out;
	argv_push(&av, tool);
	argv_push(&av, "merge");
	argv_push(&av, "-o");
	argv_push(&av, tmp_out);
	argv_push(&av, in);
	rc = run_capture(av.v, NULL, &err);
	if (rc != 0) {
		strbuf_trim_trailing_newline(&err);
		if (rc > 0)
			pgo_err("%s merge failed: %s", tool, err.buf);
		goto out;
	}
	if (read_file(tmp_out, &bytes, 0) < 0 ||
	    write_file_durable(path, bytes.buf, bytes.len, 0644) < 0)
		goto out;
	ret = 0;
out:
	if (dir)
		remove_tree(dir);
	free(dir);
	free(in);
	free(tmp_out);
	free(tool);
	argv_clear(&av);
	strbuf_release(&text);
	strbuf_release(&err);
	strbuf_release(&bytes);
	return ret;
}

static int write_gcda_dir(struct profile *p, const char *path)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	char *old = xasprintf("%s.old.%ld", path, (long)getpid());
	int ret = -1;
	remove_tree(tmp);
	if (gcda_set_write_dir(&p->u.gcda, tmp) < 0)
		goto out;
	/* Swap the complete new tree into place. */
	if (is_dir(path) && rename(path, old) < 0) {
		pgo_err_errno("cannot move '%s' aside", path);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		pgo_err_errno("cannot rename '%s' to '%s'", tmp, path);
		goto out;
	}
	remove_tree(old);
	ret = fsync_parent_dir(path);
out:
	if (ret < 0)
		remove_tree(tmp);
	free(tmp);
	free(old);
	return ret;
}

int profile_write_for_compiler(struct profile *p, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	int ret;
	switch (p->kind) {
	case PROFILE_INSTR:
		return write_profdata(p, path);
	case PROFILE_SAMPLE:
		/* The body alone: the compiler reads sample text directly. */
		sample_emit_text(&p->u.sample, &text);
		ret = write_file_durable(path, text.buf, text.len, 0644);
		strbuf_release(&text);
		return ret;
	case PROFILE_GCDA:
		return write_gcda_dir(p, path);
	default:
		return pgo_err("cannot write a profile of kind none");
	}
}

static int check_compatible(const struct profile *a, const struct profile *b)
{
	char *ia, *ib;
	if (a->kind != b->kind)
		return pgo_err("cannot merge a %s profile with a %s profile",
			       profile_kind_name(a->kind), profile_kind_name(b->kind));
	if (toolchain_compatible(&a->tc, &b->tc))
		return 0;
	ia = toolchain_id(&a->tc);
	ib = toolchain_id(&b->tc);
	pgo_err("cannot merge profiles of different toolchains: %s and %s", ia, ib);
	free(ia);
	free(ib);
	return -1;
}

static int gcda_merge(struct gcda_set *dst, const struct gcda_set *src, unsigned major,
		      uint64_t weight)
{
	char *tmpl;
	char *a = NULL, *b = NULL, *o = NULL, *tool = NULL;
	struct argv_array args = ARGV_ARRAY_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct gcda_set merged;
	int ret = -1, rc;

	gcda_set_init(&merged);
	if (!(tmpl = make_temp_dir("pgo-gcda")))
		return -1;
	a = path_join(tmpl, "a");
	b = path_join(tmpl, "b");
	o = path_join(tmpl, "out");
	if (!(tool = gcc_tool_path(major, "gcov-tool")))
		goto out;
	if (gcda_set_write_dir(dst, a) < 0 || gcda_set_write_dir(src, b) < 0)
		goto out;
	/* gcov-tool merges the second directory into the first; -w gives
	   the weights of the two. */
	argv_push(&args, tool);
	argv_push(&args, "merge");
	if (weight != 1) {
		argv_push(&args, "-w");
		argv_pushf(&args, "1,%llu", (unsigned long long)weight);
	}
	argv_push(&args, "-o");
	argv_push(&args, o);
	argv_push(&args, a);
	argv_push(&args, b);
	rc = run_capture(args.v, &out, &err);
	if (rc != 0) {
		strbuf_trim_trailing_newline(&err);
		if (rc > 0)
			pgo_err("gcov-tool merge failed (status %d): %s", rc, err.buf);
		goto out;
	}
	if (gcda_set_read_dir(o, &merged) < 0)
		goto out;
	gcda_set_release(dst);
	*dst = merged;
	gcda_set_init(&merged);
	ret = 0;
out:
	gcda_set_release(&merged);
	remove_tree(tmpl);
	free(tmpl);
	free(a);
	free(b);
	free(o);
	free(tool);
	argv_clear(&args);
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}

int profile_merge(struct profile *dst, const struct profile *src, uint64_t weight)
{
	if (check_compatible(dst, src) < 0)
		return -1;
	switch (dst->kind) {
	case PROFILE_INSTR: return instr_merge(&dst->u.instr, &src->u.instr, weight);
	case PROFILE_SAMPLE: return sample_merge(&dst->u.sample, &src->u.sample, weight);
	case PROFILE_GCDA:
		return gcda_merge(&dst->u.gcda, &src->u.gcda, dst->tc.major, weight);
	default: return pgo_err("cannot merge profiles of kind none");
	}
}

static void count_file(void *ctx, const char *path, uint64_t sum, size_t nfuncs)
{
	(void)ctx;
	(void)path;
	(void)sum;
	(void)nfuncs;
}

void profile_summarize(struct profile *p, struct profile_summary *s)
{
	memset(s, 0, sizeof(*s));
	switch (p->kind) {
	case PROFILE_INSTR:
		instr_profile_normalize(&p->u.instr);
		s->functions = p->u.instr.n;
		s->total = instr_profile_sum(&p->u.instr);
		break;
	case PROFILE_SAMPLE:
		sample_profile_normalize(&p->u.sample);
		s->functions = p->u.sample.n;
		s->total = sample_profile_sum(&p->u.sample);
		break;
	case PROFILE_GCDA: {
		struct gcda_stats st;
		if (gcda_set_stats(&p->u.gcda, &st, count_file, NULL) == 0) {
			s->functions = st.functions;
			s->total = st.total;
		}
		break;
	}
	default:
		break;
	}
}

static int hot_cmp(const void *a, const void *b)
{
	const struct profile_hot *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct hot_acc {
	struct profile_hot *h;
	size_t n, alloc;
};

static void hot_file(void *ctx, const char *path, uint64_t sum, size_t nfuncs)
{
	struct hot_acc *acc = ctx;
	(void)nfuncs;
	ALLOC_GROW(acc->h, acc->n + 1, acc->alloc);
	acc->h[acc->n].name = xstrdup(path);
	acc->h[acc->n].count = sum;
	acc->n++;
}

size_t profile_hottest(struct profile *p, struct profile_hot **out)
{
	struct hot_acc acc = { NULL, 0, 0 };
	switch (p->kind) {
	case PROFILE_INSTR:
		instr_profile_normalize(&p->u.instr);
		for (size_t i = 0; i < p->u.instr.n; i++) {
			const struct instr_record *r = &p->u.instr.recs[i];
			ALLOC_GROW(acc.h, acc.n + 1, acc.alloc);
			acc.h[acc.n].name = xstrdup(r->name);
			acc.h[acc.n].count = instr_record_sum(r);
			acc.n++;
		}
		break;
	case PROFILE_SAMPLE:
		sample_profile_normalize(&p->u.sample);
		for (size_t i = 0; i < p->u.sample.n; i++) {
			const struct sample_func *f = p->u.sample.funcs[i];
			ALLOC_GROW(acc.h, acc.n + 1, acc.alloc);
			acc.h[acc.n].name = xstrdup(f->name);
			acc.h[acc.n].count = f->total;
			acc.n++;
		}
		break;
	case PROFILE_GCDA: {
		struct gcda_stats st;
		gcda_set_stats(&p->u.gcda, &st, hot_file, &acc);
		break;
	}
	default:
		break;
	}
	if (acc.n)
		qsort(acc.h, acc.n, sizeof(*acc.h), hot_cmp);
	*out = acc.h;
	return acc.n;
}

void profile_hot_free(struct profile_hot *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(h[i].name);
	free(h);
}

static double share(uint64_t v, uint64_t total)
{
	return total ? (double)v / (double)total : 0.0;
}

static int change_cmp(const void *a, const void *b)
{
	const struct profile_func_change *x = a, *y = b;
	double dx = x->test_share - x->base_share, dy = y->test_share - y->base_share;
	if (dx < 0)
		dx = -dx;
	if (dy < 0)
		dy = -dy;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->name, y->name);
}

int profile_diff(struct profile *base, struct profile *test, struct profile_diff *d)
{
	uint64_t tb, tt;
	memset(d, 0, sizeof(*d));
	if (base->kind != test->kind)
		return pgo_err("cannot compare a %s profile with a %s profile",
			       profile_kind_name(base->kind), profile_kind_name(test->kind));
	if (base->kind == PROFILE_INSTR) {
		if (instr_overlap(&base->u.instr, &test->u.instr, &d->io) < 0)
			return -1;
		tb = instr_profile_sum(&base->u.instr);
		tt = instr_profile_sum(&test->u.instr);
		d->overlap = d->io.overlap;
		d->both = d->io.both;
		d->base_only = d->io.base_only;
		d->test_only = d->io.test_only;
		d->n = d->io.nfuncs;
		d->f = xcalloc(d->n ? d->n : 1, sizeof(*d->f));
		for (size_t i = 0; i < d->n; i++) {
			const struct instr_func_overlap *o = &d->io.funcs[i];
			d->f[i].name = o->name;
			d->f[i].base = o->base_sum;
			d->f[i].test = o->test_sum;
			d->f[i].in_base = o->in_base;
			d->f[i].in_test = o->in_test;
			d->f[i].base_share = share(o->base_sum, tb);
			d->f[i].test_share = share(o->test_sum, tt);
		}
	} else if (base->kind == PROFILE_SAMPLE) {
		if (sample_overlap(&base->u.sample, &test->u.sample, &d->so) < 0)
			return -1;
		tb = sample_profile_sum(&base->u.sample);
		tt = sample_profile_sum(&test->u.sample);
		d->overlap = d->so.overlap;
		d->both = d->so.both;
		d->base_only = d->so.base_only;
		d->test_only = d->so.test_only;
		d->n = d->so.nfuncs;
		d->f = xcalloc(d->n ? d->n : 1, sizeof(*d->f));
		for (size_t i = 0; i < d->n; i++) {
			const struct sample_func_overlap *o = &d->so.funcs[i];
			d->f[i].name = o->name;
			d->f[i].base = o->base_sum;
			d->f[i].test = o->test_sum;
			d->f[i].in_base = o->in_base;
			d->f[i].in_test = o->in_test;
			d->f[i].base_share = share(o->base_sum, tb);
			d->f[i].test_share = share(o->test_sum, tt);
		}
	} else {
		return pgo_err("comparing %s profiles is not supported yet",
			       profile_kind_name(base->kind));
	}
	if (d->n)
		qsort(d->f, d->n, sizeof(*d->f), change_cmp);
	return 0;
}

void profile_diff_release(struct profile_diff *d)
{
	free(d->f);
	if (d->io.funcs)
		instr_overlap_release(&d->io);
	if (d->so.funcs)
		sample_overlap_release(&d->so);
	memset(d, 0, sizeof(*d));
}
