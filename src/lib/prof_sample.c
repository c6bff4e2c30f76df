/*
 * prof_sample: LLVM sample profiles in text form (see prof_sample.h).
 *
 * The reader follows SampleProfileReaderText (LLVM 14 and 22 were checked
 * by experiment), with these deliberate differences, all of them stricter
 * or normalizing, so that whatever pgo emits is read the same way by every
 * LLVM from 14 on:
 *  - an indentation deeper than one level below the open function is an
 *    error (LLVM silently attaches such a line to the innermost function);
 *  - inline nesting is limited to SAMPLE_MAX_DEPTH levels, so that a
 *    hostile file cannot make the recursive merge/emit overflow the stack;
 *  - the same call target twice on one line is an error (LLVM keeps the
 *    last one, which makes the result depend on the order of the text);
 *  - line offsets above 0xffff are refused even with a discriminator
 *    (LLVM refuses them only without one, and pgo writes no ".0");
 *  - "vtables" lines (LLVM 20+) are refused: LLVM 14 reads them as an
 *    inlined call site, so they cannot mean the same thing to both;
 *  - " !Flat" (LLVM 19+, rejected by LLVM 14) is accepted and dropped: it
 *    is only a hint for human readers;
 *  - lines of spaces are skipped (LLVM 14 rejects them, 22 skips them);
 *  - duplicate top-level functions are summed (LLVM 22 sums them, LLVM 14
 *    keeps the last one);
 *  - an empty file (or one of comments only) is an empty profile.
 * Metadata lines must come after the body lines and inlined call sites of
 * their function, as both LLVM readers require.
 */
#include "prof_sample.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* Deepest inline nesting accepted: real profiles stay far below it. */
#define SAMPLE_MAX_DEPTH 128

static struct sample_func *func_new(const char *name, size_t len)
{
	struct sample_func *f = xcalloc(1, sizeof(*f));
	f->name = xstrndup(name, len);
	return f;
}

static void line_release(struct sample_line *l)
{
	for (size_t i = 0; i < l->ntargets; i++)
		free(l->targets[i].name);
	free(l->targets);
	l->targets = NULL;
	l->ntargets = 0;
}

static void func_free(struct sample_func *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nlines; i++)
		line_release(&f->lines[i]);
	free(f->lines);
	for (size_t i = 0; i < f->ncalls; i++)
		func_free(f->calls[i].callee);
	free(f->calls);
	free(f->name);
	free(f);
}

void sample_profile_init(struct sample_profile *p)
{
	memset(p, 0, sizeof(*p));
}

void sample_profile_release(struct sample_profile *p)
{
	for (size_t i = 0; i < p->n; i++)
		func_free(p->funcs[i]);
	free(p->funcs);
	sample_profile_init(p);
}

/* ---- normalization and merging ------------------------------------- */

static int cmp_target(const void *a, const void *b)
{
	const struct sample_target *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static int cmp_loc(uint32_t o1, uint32_t d1, uint32_t o2, uint32_t d2)
{
	if (o1 != o2)
		return o1 < o2 ? -1 : 1;
	if (d1 != d2)
		return d1 < d2 ? -1 : 1;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct sample_line *x = a, *y = b;
	return cmp_loc(x->offset, x->discr, y->offset, y->discr);
}

static int cmp_call(const void *a, const void *b)
{
	const struct sample_callsite *x = a, *y = b;
	int c = cmp_loc(x->offset, x->discr, y->offset, y->discr);
	return c ? c : strcmp(x->callee->name, y->callee->name);
}

static int cmp_func_ptr(const void *a, const void *b)
{
	const struct sample_func *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* Sorts targets by name and sums duplicates. */
static void targets_normalize(struct sample_line *l)
{
	size_t w = 0;
	if (l->ntargets > 1)
		qsort(l->targets, l->ntargets, sizeof(*l->targets), cmp_target);
	for (size_t r = 0; r < l->ntargets; r++) {
		if (w && !strcmp(l->targets[w - 1].name, l->targets[r].name)) {
			l->targets[w - 1].count = sat_add64(l->targets[w - 1].count,
							    l->targets[r].count);
			free(l->targets[r].name);
		} else {
			l->targets[w++] = l->targets[r];
		}
	}
	l->ntargets = w;
}

/*
 * The CFG checksum of two profiles of one function must agree: LLVM
 * refuses to merge differing ones (sampleprof_error::hash_mismatch).  A
 * checksum of 0 is what LLVM writes for "none" in a probe-based profile,
 * so absent < 0 < any value, and two different non-zero values conflict.
 * When strict is 0 (the void normalize) a conflict keeps the smaller value
 * so that the result still does not depend on the order of the input.
 */
static int meta_combine(struct sample_func *a, const struct sample_func *b,
			int strict)
{
	if (b->has_checksum) {
		if (!a->has_checksum || !a->checksum) {
			if (!a->has_checksum || b->checksum)
				a->checksum = b->checksum;
			a->has_checksum = 1;
		} else if (b->checksum && b->checksum != a->checksum) {
			if (strict)
				return pgo_err("'%s': cfg checksum mismatch (%llu vs %llu)",
					       a->name, (unsigned long long)a->checksum,
					       (unsigned long long)b->checksum);
			if (b->checksum < a->checksum)
				a->checksum = b->checksum;
		}
	}
	/* Attribute bits are flags (ContextWasInlined, ...): OR keeps every
	   one and does not depend on order. */
	if (b->has_attributes) {
		a->attributes |= b->attributes;
		a->has_attributes = 1;
	}
	return 0;
}

static int func_normalize(struct sample_func *f, int strict);

/* Adds b into a and frees b; the caller normalizes a afterwards. */
static int func_absorb(struct sample_func *a, struct sample_func *b, int strict)
{
	if (meta_combine(a, b, strict) < 0)
		return -1;
	a->total = sat_add64(a->total, b->total);
	a->head = sat_add64(a->head, b->head);
	ALLOC_GROW(a->lines, pgo_size_add(a->nlines, b->nlines), a->alloc_lines);
	if (b->nlines)
		memcpy(a->lines + a->nlines, b->lines, b->nlines * sizeof(*b->lines));
	a->nlines += b->nlines;
	b->nlines = 0;
	ALLOC_GROW(a->calls, pgo_size_add(a->ncalls, b->ncalls), a->alloc_calls);
	if (b->ncalls)
		memcpy(a->calls + a->ncalls, b->calls, b->ncalls * sizeof(*b->calls));
	a->ncalls += b->ncalls;
	b->ncalls = 0;
	func_free(b);
	return 0;
}

static void lines_normalize(struct sample_func *f)
{
	size_t w = 0, r = 0;
	if (f->nlines > 1)
		qsort(f->lines, f->nlines, sizeof(*f->lines), cmp_line);
	while (r < f->nlines) {
		struct sample_line *d = &f->lines[w];
		size_t end = r + 1, nt = f->lines[r].ntargets;
		while (end < f->nlines && !cmp_line(&f->lines[r], &f->lines[end]))
			nt = pgo_size_add(nt, f->lines[end++].ntargets);
		*d = f->lines[r];
		if (end - r > 1) {
			/* One allocation per group: many copies of one line must
			   not cost quadratic time. */
			d->targets = xreallocarray(d->targets, nt ? nt : 1,
						   sizeof(*d->targets));
			for (size_t k = r + 1; k < end; k++) {
				struct sample_line *l = &f->lines[k];
				d->count = sat_add64(d->count, l->count);
				if (l->ntargets)
					memcpy(d->targets + d->ntargets, l->targets,
					       l->ntargets * sizeof(*l->targets));
				d->ntargets += l->ntargets;
				free(l->targets);
			}
		}
		w++;
		r = end;
	}
	f->nlines = w;
	for (size_t i = 0; i < f->nlines; i++)
		targets_normalize(&f->lines[i]);
}

/*
 * Recursion is bounded by the inline depth, which the parser limits; every
 * profile is built by the parser or by merging parsed profiles.
 */
static int func_normalize(struct sample_func *f, int strict)
{
	size_t w = 0;
	int ret = 0;

	lines_normalize(f);
	if (f->ncalls > 1)
		qsort(f->calls, f->ncalls, sizeof(*f->calls), cmp_call);
	for (size_t r = 0; r < f->ncalls; r++) {
		if (w && !cmp_call(&f->calls[w - 1], &f->calls[r])) {
			if (func_absorb(f->calls[w - 1].callee, f->calls[r].callee,
					strict) < 0) {
				/* Keep the tree consistent: free the rest. */
				for (size_t k = r; k < f->ncalls; k++)
					func_free(f->calls[k].callee);
				f->ncalls = w;
				return -1;
			}
		} else {
			f->calls[w++] = f->calls[r];
		}
	}
	f->ncalls = w;
	for (size_t i = 0; i < f->ncalls; i++)
		if (func_normalize(f->calls[i].callee, strict) < 0)
			ret = -1;
	return ret;
}

static int profile_normalize(struct sample_profile *p, int strict)
{
	size_t w = 0;
	int ret = 0;

	if (p->n > 1)
		qsort(p->funcs, p->n, sizeof(*p->funcs), cmp_func_ptr);
	for (size_t r = 0; r < p->n; r++) {
		if (w && !strcmp(p->funcs[w - 1]->name, p->funcs[r]->name)) {
			if (func_absorb(p->funcs[w - 1], p->funcs[r], strict) < 0) {
				for (size_t k = r; k < p->n; k++)
					func_free(p->funcs[k]);
				p->n = w;
				return -1;
			}
		} else {
			p->funcs[w++] = p->funcs[r];
		}
	}
	p->n = w;
	for (size_t i = 0; i < p->n; i++)
		if (func_normalize(p->funcs[i], strict) < 0)
			ret = -1;
	return ret;
}

void sample_profile_normalize(struct sample_profile *p)
{
	profile_normalize(p, 0);
}

static struct sample_func *func_copy(const struct sample_func *f, uint64_t w)
{
	struct sample_func *c = func_new(f->name, strlen(f->name));
	c->total = sat_mul64(f->total, w);
	c->head = sat_mul64(f->head, w);
	c->has_checksum = f->has_checksum;
	c->checksum = f->checksum;
	c->has_attributes = f->has_attributes;
	c->attributes = f->attributes;
	if (f->nlines) {
		c->lines = xcalloc(f->nlines, sizeof(*c->lines));
		c->nlines = c->alloc_lines = f->nlines;
	}
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sample_line *s = &f->lines[i];
		struct sample_line *d = &c->lines[i];
		d->offset = s->offset;
		d->discr = s->discr;
		d->count = sat_mul64(s->count, w);
		d->ntargets = s->ntargets;
		if (s->ntargets)
			d->targets = xcalloc(s->ntargets, sizeof(*d->targets));
		for (size_t k = 0; k < s->ntargets; k++) {
			d->targets[k].name = xstrdup(s->targets[k].name);
			d->targets[k].count = sat_mul64(s->targets[k].count, w);
		}
	}
	if (f->ncalls) {
		c->calls = xcalloc(f->ncalls, sizeof(*c->calls));
		c->ncalls = c->alloc_calls = f->ncalls;
	}
	for (size_t i = 0; i < f->ncalls; i++) {
		c->calls[i].offset = f->calls[i].offset;
		c->calls[i].discr = f->calls[i].discr;
		c->calls[i].callee = func_copy(f->calls[i].callee, w);
	}
	return c;
}

/* Both normalized: would merging b into a hit a checksum conflict? */
static int func_compatible(const struct sample_func *a, const struct sample_func *b)
{
	size_t i = 0, j = 0;
	if (a->has_checksum && b->has_checksum && a->checksum && b->checksum &&
	    a->checksum != b->checksum)
		return pgo_err("'%s': cfg checksum mismatch (%llu vs %llu)",
			       a->name, (unsigned long long)a->checksum,
			       (unsigned long long)b->checksum);
	while (i < a->ncalls && j < b->ncalls) {
		int c = cmp_call(&a->calls[i], &b->calls[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			if (func_compatible(a->calls[i].callee, b->calls[j].callee) < 0)
				return -1;
			i++;
			j++;
		}
	}
	return 0;
}

int sample_merge(struct sample_profile *dst, const struct sample_profile *src,
		 uint64_t weight)
{
	struct sample_profile tmp;
	size_t i = 0, j = 0;

	if (!weight)
		return pgo_err("invalid merge weight 0");
	sample_profile_init(&tmp);
	if (src->n) {
		tmp.funcs = xcalloc(src->n, sizeof(*tmp.funcs));
		tmp.alloc = src->n;
	}
	for (size_t k = 0; k < src->n; k++)
		tmp.funcs[tmp.n++] = func_copy(src->funcs[k], weight);
	if (profile_normalize(&tmp, 1) < 0)
		goto fail;
	sample_profile_normalize(dst);
	/* Check first so that a failed merge leaves dst as it was. */
	while (i < dst->n && j < tmp.n) {
		int c = strcmp(dst->funcs[i]->name, tmp.funcs[j]->name);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			if (func_compatible(dst->funcs[i], tmp.funcs[j]) < 0)
				goto fail;
			i++;
			j++;
		}
	}
	ALLOC_GROW(dst->funcs, pgo_size_add(dst->n, tmp.n), dst->alloc);
	if (tmp.n)
		memcpy(dst->funcs + dst->n, tmp.funcs, tmp.n * sizeof(*tmp.funcs));
	dst->n += tmp.n;
	free(tmp.funcs);
	sample_profile_normalize(dst);
	return 0;
fail:
	sample_profile_release(&tmp);
	return -1;
}

uint64_t sample_profile_sum(const struct sample_profile *p)
{
	uint64_t s = 0;
	for (size_t i = 0; i < p->n; i++)
		s = sat_add64(s, p->funcs[i]->total);
	return s;
}

/* ---- emitting ------------------------------------------------------ */

static void emit_indent(struct strbuf *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addch(out, ' ');
}

static void emit_loc(struct strbuf *out, uint32_t offset, uint32_t discr)
{
	strbuf_add_u64(out, offset);
	if (discr) {
		strbuf_addch(out, '.');
		strbuf_add_u64(out, discr);
	}
	strbuf_addstr(out, ": ");
}

static void emit_body(const struct sample_func *f, size_t indent,
		      struct strbuf *out)
{
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sample_line *l = &f->lines[i];
		emit_indent(out, indent);
		emit_loc(out, l->offset, l->discr);
		strbuf_add_u64(out, l->count);
		for (size_t k = 0; k < l->ntargets; k++) {
			strbuf_addch(out, ' ');
			strbuf_addstr(out, l->targets[k].name);
			strbuf_addch(out, ':');
			strbuf_add_u64(out, l->targets[k].count);
		}
		strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < f->ncalls; i++) {
		const struct sample_func *c = f->calls[i].callee;
		emit_indent(out, indent);
		emit_loc(out, f->calls[i].offset, f->calls[i].discr);
		strbuf_addstr(out, c->name);
		strbuf_addch(out, ':');
		strbuf_add_u64(out, c->total);
		strbuf_addch(out, '\n');
		emit_body(c, indent + 1, out);
	}
	/* LLVM requires metadata after everything else of its function. */
	if (f->has_checksum) {
		emit_indent(out, indent);
		strbuf_addstr(out, "!CFGChecksum: ");
		strbuf_add_u64(out, f->checksum);
		strbuf_addch(out, '\n');
	}
	if (f->has_attributes) {
		emit_indent(out, indent);
		strbuf_addstr(out, "!Attributes: ");
		strbuf_add_u64(out, f->attributes);
		strbuf_addch(out, '\n');
	}
}

void sample_emit_text(struct sample_profile *p, struct strbuf *out)
{
	sample_profile_normalize(p);
	for (size_t i = 0; i < p->n; i++) {
		const struct sample_func *f = p->funcs[i];
		strbuf_addstr(out, f->name);
		strbuf_addch(out, ':');
		strbuf_add_u64(out, f->total);
		strbuf_addch(out, ':');
		strbuf_add_u64(out, f->head);
		strbuf_addch(out, '\n');
		emit_body(f, 1, out);
	}
}

/* ---- parsing ------------------------------------------------------- */

struct parse_state {
	const char *name;
	size_t lineno;
};

#define PERR(st, ...) perr((st), __VA_ARGS__)

static int perr(const struct parse_state *st, const char *fmt, ...) PGO_PRINTF(2, 3);
static int perr(const struct parse_state *st, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	pgo_err("'%s': line %zu: %s", st->name, st->lineno, sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int all_digits(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A decimal number; overflow gets its own message. */
static int parse_num(const struct parse_state *st, const char *s, size_t len,
		     uint64_t max, const char *what, uint64_t *out)
{
	uint64_t v;
	if (!all_digits(s, len))
		return PERR(st, "%s '%.*s' is not a number", what,
			    (int)(len > 40 ? 40 : len), s);
	if (parse_u64(s, len, &v) < 0 || v > max)
		return PERR(st, "%s '%.*s' is out of range (max %llu)", what,
			    (int)(len > 40 ? 40 : len), s, (unsigned long long)max);
	*out = v;
	return 0;
}

static const char *rfind(const char *s, size_t len, char c)
{
	while (len--)
		if (s[len] == c)
			return s + len;
	return NULL;
}

static int parse_head(const struct parse_state *st, const char *s, size_t len,
		      struct sample_profile *out, struct sample_func **fp)
{
	const char *c2 = rfind(s, len, ':'), *c1;
	uint64_t total, head;
	struct sample_func *f;

	c1 = c2 ? rfind(s, (size_t)(c2 - s), ':') : NULL;
	if (!c1 || c1 == s)
		return PERR(st, "expected 'name:total:head'");
	if (parse_num(st, c1 + 1, (size_t)(c2 - c1 - 1), UINT64_MAX, "total", &total) < 0 ||
	    parse_num(st, c2 + 1, (size_t)(s + len - c2 - 1), UINT64_MAX, "head count", &head) < 0)
		return -1;
	f = func_new(s, (size_t)(c1 - s));
	f->total = total;
	f->head = head;
	ALLOC_GROW(out->funcs, out->n + 1, out->alloc);
	out->funcs[out->n++] = f;
	*fp = f;
	return 0;
}

static int parse_meta(const struct parse_state *st, const char *s, size_t len,
		      size_t depth, struct sample_func *f)
{
	static const char ck[] = "!CFGChecksum:", at[] = "!Attributes:";
	const char *v;
	size_t vl;
	uint64_t n;

	if (len == 5 && !memcmp(s, "!Flat", 5)) {
		if (depth != 1)
			return PERR(st, "!Flat in an inlined function");
		return 0;
	}
	if (len >= sizeof(ck) - 1 && !memcmp(s, ck, sizeof(ck) - 1)) {
		v = s + sizeof(ck) - 1;
		vl = len - (sizeof(ck) - 1);
	} else if (len >= sizeof(at) - 1 && !memcmp(s, at, sizeof(at) - 1)) {
		v = s + sizeof(at) - 1;
		vl = len - (sizeof(at) - 1);
	} else {
		return PERR(st, "unknown metadata '%.*s'", (int)(len > 40 ? 40 : len), s);
	}
	/* LLVM trims blanks around the value. */
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (s[1] == 'C') {
		if (f->has_checksum)
			return PERR(st, "duplicate !CFGChecksum");
		if (parse_num(st, v, vl, UINT64_MAX, "checksum", &n) < 0)
			return -1;
		f->has_checksum = 1;
		f->checksum = n;
	} else {
		if (f->has_attributes)
			return PERR(st, "duplicate !Attributes");
		if (parse_num(st, v, vl, UINT32_MAX, "attributes", &n) < 0)
			return -1;
		f->has_attributes = 1;
		f->attributes = n;
	}
	return 0;
}

/*
 * Call targets: "name:count" pairs after the count, separated by spaces.
 * Names may contain ':' and spaces (unmangled C++ names), so, as LLVM
 * does, a target ends at the first ':' followed by a whole number.
 */
static int parse_targets(const struct parse_state *st, const char *s, size_t len,
			 struct sample_line *l)
{
	size_t pos = 0, alloc = 0;
	while (pos < len) {
		size_t start, c, w, wend = 0;
		uint64_t count = 0;
		int found = 0;
		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos == len)
			return PERR(st, "trailing space after the counts");
		start = pos;
		/* The end of the word after a colon is cached: a long line of
		   colons must not take quadratic time. */
		for (c = start, w = start; c < len; c++) {
			if (s[c] != ':')
				continue;
			if (w <= c)
				for (w = c + 1; w < len && s[w] != ' '; w++)
					;
			if (!all_digits(s + c + 1, w - c - 1))
				continue;
			if (c == start)
				return PERR(st, "call target without a name");
			if (parse_num(st, s + c + 1, w - c - 1, UINT64_MAX,
				      "call count", &count) < 0)
				return -1;
			wend = w;
			found = 1;
			break;
		}
		if (!found)
			return PERR(st, "expected 'target:count' after '%.*s'",
				    (int)(len - start > 40 ? 40 : len - start), s + start);
		ALLOC_GROW(l->targets, l->ntargets + 1, alloc);
		l->targets[l->ntargets].name = xstrndup(s + start, c - start);
		l->targets[l->ntargets].count = count;
		l->ntargets++;
		pos = wend;
	}
	if (l->ntargets > 1) {
		qsort(l->targets, l->ntargets, sizeof(*l->targets), cmp_target);
		for (size_t i = 1; i < l->ntargets; i++)
			if (!strcmp(l->targets[i - 1].name, l->targets[i].name))
				return PERR(st, "call target '%s' given twice",
					    l->targets[i].name);
	}
	return 0;
}

struct frame {
	struct sample_func *f;
	int meta_seen;
};

static int parse_body_line(const struct parse_state *st, const char *s, size_t len,
			   size_t depth, struct frame *stack, size_t *nstack)
{
	struct frame *fr;
	const char *colon, *dot, *rest;
	size_t loclen, rlen;
	uint64_t off, discr = 0;

	if (!*nstack)
		return PERR(st, "indented line before the first function");
	if (depth > *nstack)
		return PERR(st, "indentation jumps from %zu to %zu spaces",
			    *nstack, depth);
	*nstack = depth;
	fr = &stack[depth - 1];
	s += depth;
	len -= depth;

	if (s[0] == '!') {
		fr->meta_seen = 1;
		return parse_meta(st, s, len, depth, fr->f);
	}
	if (fr->meta_seen)
		return PERR(st, "body line after metadata");

	colon = memchr(s, ':', len);
	if (!colon)
		return PERR(st, "expected 'offset[.discriminator]: ...'");
	loclen = (size_t)(colon - s);
	dot = memchr(s, '.', loclen);
	if (dot) {
		if (parse_num(st, s, (size_t)(dot - s), 0xffff, "line offset", &off) < 0 ||
		    parse_num(st, dot + 1, (size_t)(colon - dot - 1), UINT32_MAX,
			      "discriminator", &discr) < 0)
			return -1;
	} else if (parse_num(st, s, loclen, 0xffff, "line offset", &off) < 0) {
		return -1;
	}
	rest = colon + 1;
	rlen = len - loclen - 1;
	if (rlen < 2 || rest[0] != ' ')
		return PERR(st, "expected ': ' and a count or callee after the offset");
	rest++;
	rlen--;

	if (rest[0] >= '0' && rest[0] <= '9') {
		struct sample_line l;
		const char *sp = memchr(rest, ' ', rlen);
		size_t nl = sp ? (size_t)(sp - rest) : rlen;
		memset(&l, 0, sizeof(l));
		l.offset = (uint32_t)off;
		l.discr = (uint32_t)discr;
		if (parse_num(st, rest, nl, UINT64_MAX, "count", &l.count) < 0 ||
		    parse_targets(st, rest + nl, rlen - nl, &l) < 0) {
			line_release(&l);
			return -1;
		}
		ALLOC_GROW(fr->f->lines, fr->f->nlines + 1, fr->f->alloc_lines);
		fr->f->lines[fr->f->nlines++] = l;
		return 0;
	}
	if (rlen >= 8 && !memcmp(rest, "vtables ", 8))
		return PERR(st, "vtable type profiles are not supported");

	/* An inlined call site: "callee:total", callee may contain ':'. */
	{
		const char *c = rfind(rest, rlen, ':');
		struct sample_func *callee;
		uint64_t total;
		if (!c || c == rest)
			return PERR(st, "expected 'callee:total'");
		if (parse_num(st, c + 1, (size_t)(rest + rlen - c - 1), UINT64_MAX,
			      "total", &total) < 0)
			return -1;
		if (depth >= SAMPLE_MAX_DEPTH)
			return PERR(st, "inline nesting deeper than %d", SAMPLE_MAX_DEPTH);
		callee = func_new(rest, (size_t)(c - rest));
		callee->total = total;
		ALLOC_GROW(fr->f->calls, fr->f->ncalls + 1, fr->f->alloc_calls);
		fr->f->calls[fr->f->ncalls].offset = (uint32_t)off;
		fr->f->calls[fr->f->ncalls].discr = (uint32_t)discr;
		fr->f->calls[fr->f->ncalls].callee = callee;
		fr->f->ncalls++;
		stack[depth].f = callee;
		stack[depth].meta_seen = 0;
		*nstack = depth + 1;
	}
	return 0;
}

int sample_parse_text(const char *name, const char *data, size_t len,
		      struct sample_profile *out)
{
	struct frame stack[SAMPLE_MAX_DEPTH + 1];
	size_t nstack = 0, pos = 0;
	struct parse_state st = { name, 0 };
	struct sample_profile p;

	sample_profile_init(&p);
	while (pos < len) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - s) : len - pos, ind = 0;

		pos += ll + (nl ? 1 : 0);
		st.lineno++;
		if (!valid_text(s, ll)) {
			PERR(&st, "not valid text (control character, NUL or bad UTF-8)");
			goto fail;
		}
		while (ind < ll && s[ind] == ' ')
			ind++;
		if (ind == ll || s[ind] == '#')
			continue;
		if (ind == 0) {
			struct sample_func *f = NULL;
			if (parse_head(&st, s, ll, &p, &f) < 0)
				goto fail;
			stack[0].f = f;
			stack[0].meta_seen = 0;
			nstack = 1;
		} else if (parse_body_line(&st, s, ll, ind, stack, &nstack) < 0) {
			goto fail;
		}
	}
	if (profile_normalize(&p, 1) < 0) {
		pgo_err_prefix("'%s'", name);
		goto fail;
	}
	/* Appending to a non-empty out goes through the checked merge. */
	if (out->n) {
		int r = sample_merge(out, &p, 1);
		sample_profile_release(&p);
		return r;
	}
	sample_profile_release(out);
	*out = p;
	return 0;
fail:
	sample_profile_release(&p);
	return -1;
}

/* ---- overlap ------------------------------------------------------- */

static uint64_t body_sum(const struct sample_func *f)
{
	uint64_t s = 0;
	for (size_t i = 0; i < f->nlines; i++)
		s = sat_add64(s, f->lines[i].count);
	return s;
}

static double share(uint64_t v, uint64_t tot)
{
	return tot ? (double)v / (double)tot : 0.0;
}

/* Sum over common body lines of min(share in a, share in b). */
static double lines_overlap(const struct sample_func *a, uint64_t atot,
			    const struct sample_func *b, uint64_t btot)
{
	size_t i = 0, j = 0;
	double s = 0;
	if (!atot || !btot)
		return 0.0;
	while (i < a->nlines && j < b->nlines) {
		int c = cmp_line(&a->lines[i], &b->lines[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			double x = share(a->lines[i].count, atot);
			double y = share(b->lines[j].count, btot);
			s += x < y ? x : y;
			i++;
			j++;
		}
	}
	return s;
}

struct overlap_key {
	double change;               /* |share in base - share in test| */
	struct sample_func_overlap o;
};

static int cmp_overlap_key(const void *a, const void *b)
{
	const struct overlap_key *x = a, *y = b;
	if (x->change != y->change)
		return x->change > y->change ? -1 : 1;
	return strcmp(x->o.name, y->o.name);
}

int sample_overlap(struct sample_profile *base, struct sample_profile *test,
		   struct sample_overlap *out)
{
	uint64_t btot = 0, ttot = 0;
	size_t i = 0, j = 0, n = 0;
	double total = 0;

	memset(out, 0, sizeof(*out));
	sample_profile_normalize(base);
	sample_profile_normalize(test);
	for (size_t k = 0; k < base->n; k++)
		btot = sat_add64(btot, body_sum(base->funcs[k]));
	for (size_t k = 0; k < test->n; k++)
		ttot = sat_add64(ttot, body_sum(test->funcs[k]));
	out->funcs = xcalloc(pgo_size_add(base->n, test->n), sizeof(*out->funcs));
	while (i < base->n || j < test->n) {
		struct sample_func_overlap *o = &out->funcs[n++];
		int c = i == base->n ? 1 : j == test->n ? -1 :
			strcmp(base->funcs[i]->name, test->funcs[j]->name);
		if (c < 0) {
			o->name = base->funcs[i]->name;
			o->base_sum = body_sum(base->funcs[i]);
			o->in_base = 1;
			out->base_only++;
			i++;
		} else if (c > 0) {
			o->name = test->funcs[j]->name;
			o->test_sum = body_sum(test->funcs[j]);
			o->in_test = 1;
			out->test_only++;
			j++;
		} else {
			const struct sample_func *a = base->funcs[i], *b = test->funcs[j];
			o->name = a->name;
			o->base_sum = body_sum(a);
			o->test_sum = body_sum(b);
			o->in_base = o->in_test = 1;
			/* As prof_instr: a function with no samples scores 0. */
			o->overlap = lines_overlap(a, o->base_sum, b, o->test_sum);
			total += lines_overlap(a, btot, b, ttot);
			out->both++;
			i++;
			j++;
		}
	}
	out->nfuncs = n;
	out->overlap = total > 1.0 ? 1.0 : total;
	if (n > 1) {
		struct overlap_key *k = xcalloc(n, sizeof(*k));
		for (size_t m = 0; m < n; m++) {
			double d = share(out->funcs[m].base_sum, btot) -
				   share(out->funcs[m].test_sum, ttot);
			k[m].change = d < 0 ? -d : d;
			k[m].o = out->funcs[m];
		}
		qsort(k, n, sizeof(*k), cmp_overlap_key);
		for (size_t m = 0; m < n; m++)
			out->funcs[m] = k[m].o;
		free(k);
	}
	return 0;
}

void sample_overlap_release(struct sample_overlap *o)
{
	free(o->funcs);
	memset(o, 0, sizeof(*o));
}
