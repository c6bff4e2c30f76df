/*
 * prof_instr: LLVM instrumentation profiles in memory and in canonical
 * text (see prof_instr.h for the guarantees).
 *
 * The reader follows TextInstrProfReader of LLVM 14 to 22:
 *  - a line ends at "\n" or "\r\n"; empty lines and lines that start with
 *    '#' are skipped wherever they are (LLVM's line_iterator does this),
 *    so neither the comments nor the blank line after a record are needed;
 *  - the header is the leading lines that start with ':', keywords compared
 *    ignoring case; ":temporal_prof_traces" is followed by its traces;
 *  - a record is: name; hash (decimal, or with a 0x/0b/0o/0 prefix, as
 *    StringRef::getAsInteger(0) reads it); number of counters (decimal,
 *    not 0); the counters; optionally "$N" and N bitmap bytes; optionally
 *    the value profile: number of value kinds, then per kind its number,
 *    the number of sites and, per site, the number of values followed by
 *    "target:count" lines (split at the last ':').  The value profile is
 *    there only when the line after the counters (or bitmap) is a number;
 *    anything else is the name of the next record.
 *
 * It is stricter than LLVM where LLVM's reading is ambiguous or lossy, so
 * that everything accepted is written back and read again unchanged:
 *  - names are valid text and do not start with ':', '#' or '$' nor consist
 *    of digits only (after a record LLVM would read such a line as a header,
 *    comment, bitmap or value-kind line);
 *  - a value kind appears at most once per record; memory-operation sizes
 *    are unique within a site (llvm-profdata refuses duplicates on write);
 *  - ":fe" together with ":ir" or ":csir" is refused; so are NUL bytes.
 * A file without ":ir"/":csir" is a front-end profile, as LLVM reads it;
 * an empty file gives an empty profile of no kind, which merges with any.
 * instr_parse_text() initializes its output and leaves it empty on error.
 *
 * The writer is InstrProfWriter::writeText/writeRecordInText: LLVM 14 and
 * 22 write the same lines for the same data (22 adds header keywords and
 * MC/DC bitmaps, which 14 cannot read), so one form matches both.
 *
 * Value sites.  LLVM identifies a target by the MD5 of its name; so do we,
 * by its text.  A site may hold the same target more than once (every
 * unknown address becomes "** External Symbol **"); merging pairs the
 * occurrences of one target by rank in count order, which is what LLVM's
 * InstrProfValueSiteRecord::merge does after its stable sorts, and which
 * stays commutative and associative.  Known differences from llvm-profdata:
 *  - targets with equal counts are ordered by text; llvm keeps the order of
 *    its input, or of the targets' MD5 after a merge;
 *  - targets that are not functions of the profile keep their names; llvm's
 *    text writer prints them as "** External Symbol **";
 *  - no cap of 255 values per site (INSTR_PROF_MAX_NUM_VAL_PER_SITE);
 *  - counters saturate at UINT64_MAX; LLVM 15+ clamps merged counters at
 *    UINT64_MAX - 2, the two values above being "pseudo counts";
 *  - records of one name and hash that differ in shape are an error, where
 *    llvm-profdata warns and keeps the first.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prof_instr.h"
#include "banned.h"

/* IR profiles mark context-sensitive records with this bit of the hash
   (NamedInstrProfRecord::CS_FLAG_IN_FUNC_HASH). */
#define CS_FLAG_BIT 60

static const char *const vkind_name[IPVK_COUNT] = {
	"IPVK_IndirectCallTarget",
	"IPVK_MemOPSize",
	"IPVK_VTableTarget",
};

/* Records and value sites */

static void site_release(struct instr_site *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].target);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void record_release(struct instr_record *r)
{
	free(r->name);
	free(r->counters);
	free(r->bitmap);
	for (int k = 0; k < IPVK_COUNT; k++) {
		for (size_t s = 0; s < r->nsites[k]; s++)
			site_release(&r->sites[k][s]);
		free(r->sites[k]);
	}
	memset(r, 0, sizeof(*r));
}

static int record_cmp(const struct instr_record *a, const struct instr_record *b)
{
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Canonical order of a site: count descending, then target. */
static int value_cmp(const void *pa, const void *pb)
{
	const struct instr_value *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->target, b->target);
}

/* Order for pairing equal targets: target, then count descending. */
static int value_cmp_target(const void *pa, const void *pb)
{
	const struct instr_value *a = pa, *b = pb;
	int c = strcmp(a->target, b->target);
	if (c)
		return c;
	return a->count > b->count ? -1 : a->count < b->count;
}

static int valueptr_cmp_target(const void *pa, const void *pb)
{
	return value_cmp_target(*(const struct instr_value *const *)pa,
				*(const struct instr_value *const *)pb);
}

static void site_sort(struct instr_site *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), value_cmp);
}

static void site_copy(struct instr_site *d, const struct instr_site *s, uint64_t w)
{
	d->n = s->n;
	d->v = xcalloc(s->n, sizeof(*d->v));
	for (size_t i = 0; i < s->n; i++) {
		d->v[i].target = xstrdup(s->v[i].target);
		d->v[i].count = sat_mul64(s->v[i].count, w);
	}
	site_sort(d);
}

/* d += w * s, the k-th occurrence of a target in d (by count) taking the
   k-th occurrence of the same target in s. */
static void site_add(struct instr_site *d, const struct instr_site *s, uint64_t w)
{
	const struct instr_value **sv;
	struct instr_value *out;
	size_t i = 0, j = 0, n = 0;

	if (!s->n)
		return;
	sv = xreallocarray(NULL, s->n, sizeof(*sv));
	for (size_t k = 0; k < s->n; k++)
		sv[k] = &s->v[k];
	qsort(sv, s->n, sizeof(*sv), valueptr_cmp_target);
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), value_cmp_target);

	out = xreallocarray(NULL, pgo_size_add(d->n, s->n), sizeof(*out));
	while (i < d->n || j < s->n) {
		int c = i == d->n ? 1 : j == s->n ? -1 :
			strcmp(d->v[i].target, sv[j]->target);
		if (c < 0) {
			out[n++] = d->v[i++];
		} else if (c > 0) {
			out[n].target = xstrdup(sv[j]->target);
			out[n++].count = sat_mul64(sv[j++]->count, w);
		} else {
			out[n] = d->v[i++];
			out[n].count = sat_add64(out[n].count,
						 sat_mul64(sv[j++]->count, w));
			n++;
		}
	}
	free(sv);
	free(d->v);
	d->v = out;
	d->n = n;
	site_sort(d);
}

static void record_copy(struct instr_record *d, const struct instr_record *s, uint64_t w)
{
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(s->name);
	d->hash = s->hash;
	d->ncounters = s->ncounters;
	d->counters = xcalloc(s->ncounters, sizeof(*d->counters));
	for (size_t i = 0; i < s->ncounters; i++)
		d->counters[i] = sat_mul64(s->counters[i], w);
	d->nbitmap = s->nbitmap;
	if (s->nbitmap) {
		d->bitmap = xmalloc(s->nbitmap);
		memcpy(d->bitmap, s->bitmap, s->nbitmap);
	}
	for (int k = 0; k < IPVK_COUNT; k++) {
		if (!s->nsites[k])
			continue;
		d->nsites[k] = s->nsites[k];
		d->sites[k] = xcalloc(s->nsites[k], sizeof(*d->sites[k]));
		for (size_t i = 0; i < s->nsites[k]; i++)
			site_copy(&d->sites[k][i], &s->sites[k][i], w);
	}
}

/* Describes in why how the shapes of a and b differ; 0 if they do not. */
static int shape_differs(const struct instr_record *a, const struct instr_record *b,
			 struct strbuf *why)
{
	if (a->ncounters != b->ncounters) {
		strbuf_addf(why, "%zu counters vs %zu", a->ncounters, b->ncounters);
		return 1;
	}
	if (a->nbitmap != b->nbitmap) {
		strbuf_addf(why, "%zu bitmap bytes vs %zu", a->nbitmap, b->nbitmap);
		return 1;
	}
	for (int k = 0; k < IPVK_COUNT; k++) {
		if (a->nsites[k] != b->nsites[k]) {
			strbuf_addf(why, "%zu %s sites vs %zu", a->nsites[k],
				    vkind_name[k], b->nsites[k]);
			return 1;
		}
	}
	return 0;
}

static int check_same_shape(const struct instr_record *a, const struct instr_record *b)
{
	struct strbuf why = STRBUF_INIT;
	if (!shape_differs(a, b, &why))
		return 0;
	pgo_err("conflicting records for '%s' (hash %" PRIu64 "): %s",
		a->name, a->hash, why.buf);
	strbuf_release(&why);
	return -1;
}

/* d += w * s; the shapes are the same. */
static void record_add(struct instr_record *d, const struct instr_record *s, uint64_t w)
{
	for (size_t i = 0; i < d->ncounters; i++)
		d->counters[i] = sat_add64(d->counters[i], sat_mul64(s->counters[i], w));
	for (size_t i = 0; i < d->nbitmap; i++)
		d->bitmap[i] |= s->bitmap[i];
	for (int k = 0; k < IPVK_COUNT; k++)
		for (size_t i = 0; i < d->nsites[k]; i++)
			site_add(&d->sites[k][i], &s->sites[k][i], w);
}

/* Profiles */

void instr_profile_init(struct instr_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->sorted = 1;
}

void instr_profile_release(struct instr_profile *p)
{
	for (size_t i = 0; i < p->n; i++)
		record_release(&p->recs[i]);
	free(p->recs);
	instr_profile_init(p);
}

void instr_profile_add(struct instr_profile *p, struct instr_record *rec)
{
	for (int k = 0; k < IPVK_COUNT; k++)
		for (size_t i = 0; i < rec->nsites[k]; i++)
			site_sort(&rec->sites[k][i]);
	if (p->n && record_cmp(&p->recs[p->n - 1], rec) >= 0)
		p->sorted = 0;
	ALLOC_GROW(p->recs, p->n + 1, p->alloc);
	p->recs[p->n++] = *rec;
	memset(rec, 0, sizeof(*rec));
}

struct tagged_record {
	struct instr_record rec;
	size_t index;
};

static int tagged_cmp(const void *pa, const void *pb)
{
	const struct tagged_record *a = pa, *b = pb;
	int c = record_cmp(&a->rec, &b->rec);
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* A stable sort, so that even records that cannot be merged end up in an
   order that depends only on the input. */
static void sort_records(struct instr_profile *p)
{
	struct tagged_record *t = xreallocarray(NULL, p->n, sizeof(*t));
	for (size_t i = 0; i < p->n; i++) {
		t[i].rec = p->recs[i];
		t[i].index = i;
	}
	qsort(t, p->n, sizeof(*t), tagged_cmp);
	for (size_t i = 0; i < p->n; i++)
		p->recs[i] = t[i].rec;
	free(t);
}

int instr_profile_normalize(struct instr_profile *p)
{
	size_t n = 0;

	if (p->sorted)
		return 0;
	sort_records(p);
	/* Check everything before merging anything: on failure every record
	   is still there. */
	for (size_t i = 1; i < p->n; i++)
		if (!record_cmp(&p->recs[i - 1], &p->recs[i]) &&
		    check_same_shape(&p->recs[i - 1], &p->recs[i]) < 0)
			return -1;
	for (size_t i = 0; i < p->n; i++) {
		if (n && !record_cmp(&p->recs[n - 1], &p->recs[i])) {
			record_add(&p->recs[n - 1], &p->recs[i], 1);
			record_release(&p->recs[i]);
		} else {
			p->recs[n++] = p->recs[i];
		}
	}
	p->n = n;
	p->sorted = 1;
	return 0;
}

/* Merging */

/*
 * As InstrProfWriter::mergeProfileKind: a profile of no kind (neither FE
 * nor IR: empty, or built without flags) takes the other's; front-end and
 * IR profiles do not mix; function-entry-only coverage does not mix with
 * block profiles; otherwise the flags add up.
 */
static int merge_flags(unsigned a, unsigned b, unsigned *out)
{
	const unsigned kind = INSTR_FE | INSTR_IR;
	const unsigned blocks = INSTR_ENTRY_FIRST | INSTR_LOOP_ENTRIES;

	if ((a & kind) && (b & kind) && (a & INSTR_FE) != (b & INSTR_FE))
		return pgo_err("cannot merge a front-end profile with an IR-level profile");
	if (((a & INSTR_FUNC_ENTRY_ONLY) && (b & blocks)) ||
	    ((b & INSTR_FUNC_ENTRY_ONLY) && (a & blocks)))
		return pgo_err("cannot merge a function-entry-only profile with a block profile");
	*out = a | b;
	return 0;
}

static void profile_copy(struct instr_profile *d, const struct instr_profile *s)
{
	instr_profile_init(d);
	d->flags = s->flags;
	d->recs = xcalloc(s->n, sizeof(*d->recs));
	d->alloc = s->n;
	for (size_t i = 0; i < s->n; i++)
		record_copy(&d->recs[i], &s->recs[i], 1);
	d->n = s->n;
	d->sorted = s->sorted;
}

static int check_merge(const struct instr_profile *dst, const struct instr_profile *src)
{
	size_t i = 0, j = 0;
	while (i < dst->n && j < src->n) {
		int c = record_cmp(&dst->recs[i], &src->recs[j]);
		if (!c && check_same_shape(&dst->recs[i], &src->recs[j]) < 0)
			return -1;
		i += c <= 0;
		j += c >= 0;
	}
	return 0;
}

/* Both are sorted and check_merge() passed. */
static void merge_sorted(struct instr_profile *dst, const struct instr_profile *src,
			 uint64_t w)
{
	size_t total = pgo_size_add(dst->n, src->n), i = 0, j = 0, n = 0;
	struct instr_record *out;

	if (!src->n)
		return;
	out = xreallocarray(NULL, total, sizeof(*out));
	while (i < dst->n || j < src->n) {
		int c = i == dst->n ? 1 : j == src->n ? -1 :
			record_cmp(&dst->recs[i], &src->recs[j]);
		if (c < 0) {
			out[n++] = dst->recs[i++];
		} else if (c > 0) {
			record_copy(&out[n++], &src->recs[j++], w);
		} else {
			record_add(&dst->recs[i], &src->recs[j++], w);
			out[n++] = dst->recs[i++];
		}
	}
	free(dst->recs);
	dst->recs = out;
	dst->n = n;
	dst->alloc = total;
}

int instr_merge(struct instr_profile *dst, const struct instr_profile *src,
		uint64_t weight)
{
	struct instr_profile tmp;
	const struct instr_profile *s = src;
	unsigned flags = 0;
	int ret = -1;

	if (!weight)
		return pgo_err("merge weight must be at least 1");
	if (src == dst || !src->sorted) {
		profile_copy(&tmp, src);
		s = &tmp;
		if (instr_profile_normalize(&tmp) < 0)
			goto out;
	}
	if (instr_profile_normalize(dst) < 0 ||
	    merge_flags(dst->flags, s->flags, &flags) < 0 ||
	    check_merge(dst, s) < 0)
		goto out;
	merge_sorted(dst, s, weight);
	dst->flags = flags;
	ret = 0;
out:
	if (s == &tmp)
		instr_profile_release(&tmp);
	return ret;
}

/* Sums */

uint64_t instr_record_sum(const struct instr_record *r)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < r->ncounters; i++)
		sum = sat_add64(sum, r->counters[i]);
	return sum;
}

uint64_t instr_profile_sum(const struct instr_profile *p)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < p->n; i++)
		sum = sat_add64(sum, instr_record_sum(&p->recs[i]));
	return sum;
}

/* Overlap */

/*
 * llvm-profdata overlap (without --cs) totals only the records of an IR
 * profile that are not context-sensitive.  It still scores the
 * context-sensitive ones, against those totals, which can push the figure
 * past 100%; they are left out here altogether.
 */
static int overlap_counts(const struct instr_profile *p, const struct instr_record *r)
{
	return !(p->flags & INSTR_IR) || !((r->hash >> CS_FLAG_BIT) & 1);
}

/* OverlapStats::score */
static double overlap_score(uint64_t a, uint64_t b, double sum_a, double sum_b)
{
	double x, y;
	if (sum_a < 1.0 || sum_b < 1.0)
		return 0.0;
	x = (double)a / sum_a;
	y = (double)b / sum_b;
	return x < y ? x : y;
}

/* InstrProfRecord::overlap calls a record pair a mismatch (and does not
   score it) when counters or value sites differ in number. */
static int overlap_mismatch(const struct instr_record *a, const struct instr_record *b)
{
	if (a->ncounters != b->ncounters)
		return 1;
	for (int k = 0; k < IPVK_COUNT; k++)
		if (a->nsites[k] != b->nsites[k])
			return 1;
	return 0;
}

static double profile_total(const struct instr_profile *p)
{
	double total = 0.0;
	for (size_t i = 0; i < p->n; i++)
		if (overlap_counts(p, &p->recs[i]))
			total += (double)instr_record_sum(&p->recs[i]);
	return total;
}

struct keyed_func {
	double change;
	struct instr_func_overlap f;
};

static int keyed_func_cmp(const void *pa, const void *pb)
{
	const struct keyed_func *a = pa, *b = pb;
	int c;
	if (a->change != b->change)
		return a->change > b->change ? -1 : 1;
	c = strcmp(a->f.name, b->f.name);
	if (c)
		return c;
	return a->f.hash < b->f.hash ? -1 : a->f.hash > b->f.hash;
}

static double share(uint64_t sum, double total)
{
	return total >= 1.0 ? (double)sum / total : 0.0;
}

static double abs_double(double x)
{
	return x < 0 ? -x : x;
}

static void sort_funcs(struct instr_overlap *o, double base_total, double test_total)
{
	struct keyed_func *k = xreallocarray(NULL, o->nfuncs, sizeof(*k));
	for (size_t i = 0; i < o->nfuncs; i++) {
		k[i].f = o->funcs[i];
		k[i].change = abs_double(share(o->funcs[i].test_sum, test_total) -
					 share(o->funcs[i].base_sum, base_total));
	}
	qsort(k, o->nfuncs, sizeof(*k), keyed_func_cmp);
	for (size_t i = 0; i < o->nfuncs; i++)
		o->funcs[i] = k[i].f;
	free(k);
}

/*
 * Function counts: base_only and test_only are records (name and hash)
 * found in one profile only; both are the records of both with the same
 * shape, mismatched those whose counters or value sites differ in number.
 * (llvm-profdata counts a test function whose name is in the base with
 * another hash as a mismatch; here it is one record in each profile only.)
 */
int instr_overlap(struct instr_profile *base, struct instr_profile *test,
		  struct instr_overlap *out)
{
	double bt, tt;
	size_t i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	if (instr_profile_normalize(base) < 0 || instr_profile_normalize(test) < 0)
		return -1;
	bt = profile_total(base);
	tt = profile_total(test);
	out->funcs = xcalloc(pgo_size_add(base->n, test->n), sizeof(*out->funcs));

	for (;;) {
		const struct instr_record *b, *t;
		struct instr_func_overlap *f;
		int c;

		while (i < base->n && !overlap_counts(base, &base->recs[i]))
			i++;
		while (j < test->n && !overlap_counts(test, &test->recs[j]))
			j++;
		if (i == base->n && j == test->n)
			break;
		b = i < base->n ? &base->recs[i] : NULL;
		t = j < test->n ? &test->recs[j] : NULL;
		c = !t ? -1 : !b ? 1 : record_cmp(b, t);
		f = &out->funcs[out->nfuncs++];
		if (c < 0) {
			f->name = b->name;
			f->hash = b->hash;
			f->base_sum = instr_record_sum(b);
			f->in_base = 1;
			out->base_only++;
			i++;
			continue;
		}
		if (c > 0) {
			f->name = t->name;
			f->hash = t->hash;
			f->test_sum = instr_record_sum(t);
			f->in_test = 1;
			out->test_only++;
			j++;
			continue;
		}
		f->name = b->name;
		f->hash = b->hash;
		f->base_sum = instr_record_sum(b);
		f->test_sum = instr_record_sum(t);
		f->in_base = f->in_test = 1;
		i++;
		j++;
		if (overlap_mismatch(b, t)) {
			out->mismatched++;
			continue;
		}
		out->both++;
		for (size_t k = 0; k < b->ncounters; k++) {
			uint64_t bc = b->counters[k], tc = t->counters[k];
			out->overlap += overlap_score(bc, tc, bt, tt);
			f->overlap += overlap_score(bc, tc, (double)f->base_sum,
						    (double)f->test_sum);
		}
	}
	sort_funcs(out, bt, tt);
	return 0;
}

void instr_overlap_release(struct instr_overlap *o)
{
	free(o->funcs);
	memset(o, 0, sizeof(*o));
}

/* Writing */

static void emit_header(unsigned flags, struct strbuf *out)
{
	if (flags & INSTR_CSIR)
		strbuf_addstr(out, "# CSIR level Instrumentation Flag\n:csir\n");
	else if (flags & INSTR_IR)
		strbuf_addstr(out, "# IR level Instrumentation Flag\n:ir\n");
	if (flags & INSTR_ENTRY_FIRST)
		strbuf_addstr(out, "# Always instrument the function entry block\n:entry_first\n");
	if (flags & INSTR_LOOP_ENTRIES)
		strbuf_addstr(out, "# Always instrument the loop entry blocks\n"
			      ":instrument_loop_entries\n");
	if (flags & INSTR_SINGLE_BYTE)
		strbuf_addstr(out, "# Instrument block coverage\n:single_byte_coverage\n");
}

static void emit_line_u64(struct strbuf *out, uint64_t v)
{
	strbuf_add_u64(out, v);
	strbuf_addch(out, '\n');
}

static void emit_value_kind(const struct instr_record *r, int k, struct strbuf *out)
{
	strbuf_addf(out, "# ValueKind = %s:\n%d\n# NumValueSites:\n", vkind_name[k], k);
	emit_line_u64(out, r->nsites[k]);
	for (size_t s = 0; s < r->nsites[k]; s++) {
		const struct instr_site *site = &r->sites[k][s];
		emit_line_u64(out, site->n);
		for (size_t i = 0; i < site->n; i++) {
			strbuf_addstr(out, site->v[i].target);
			strbuf_addch(out, ':');
			emit_line_u64(out, site->v[i].count);
		}
	}
}

/* InstrProfWriter::writeRecordInText, comment lines included. */
static void emit_record(const struct instr_record *r, struct strbuf *out)
{
	unsigned nkinds = 0;

	strbuf_addstr(out, r->name);
	strbuf_addstr(out, "\n# Func Hash:\n");
	emit_line_u64(out, r->hash);
	strbuf_addstr(out, "# Num Counters:\n");
	emit_line_u64(out, r->ncounters);
	strbuf_addstr(out, "# Counter Values:\n");
	for (size_t i = 0; i < r->ncounters; i++)
		emit_line_u64(out, r->counters[i]);
	if (r->nbitmap) {
		strbuf_addstr(out, "# Num Bitmap Bytes:\n$");
		emit_line_u64(out, r->nbitmap);
		strbuf_addstr(out, "# Bitmap Byte Values:\n");
		for (size_t i = 0; i < r->nbitmap; i++)
			strbuf_addf(out, "0x%x\n", (unsigned)r->bitmap[i]);
		strbuf_addch(out, '\n');
	}
	for (int k = 0; k < IPVK_COUNT; k++)
		nkinds += r->nsites[k] != 0;
	if (nkinds) {
		strbuf_addf(out, "# Num Value Kinds:\n%u\n", nkinds);
		for (int k = 0; k < IPVK_COUNT; k++)
			if (r->nsites[k])
				emit_value_kind(r, k, out);
	}
	strbuf_addch(out, '\n');
}

void instr_emit_text(struct instr_profile *p, struct strbuf *out)
{
	/* Normalizing fails only on conflicting records, which a parsed or
	   merged profile never holds; the records are sorted anyway and are
	   then written one after the other. */
	(void)instr_profile_normalize(p);
	emit_header(p->flags, out);
	for (size_t i = 0; i < p->n; i++)
		emit_record(&p->recs[i], out);
}

/* Reading: a line reader over the buffer */

struct text_reader {
	const char *file;       /* for messages */
	const char *end;
	const char *next;       /* first byte not read yet */
	size_t next_lineno;     /* number of the line that starts at next */
	const char *line;       /* current line, not terminated; NULL at the end */
	size_t len;
	size_t lineno;
};

/* Moves to the next line that is neither empty nor a comment. */
static void reader_next(struct text_reader *r)
{
	while (r->next < r->end) {
		const char *s = r->next;
		const char *nl = memchr(s, '\n', (size_t)(r->end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(r->end - s);
		size_t lineno = r->next_lineno++;

		r->next = nl ? nl + 1 : r->end;
		if (nl && len && s[len - 1] == '\r')
			len--;
		if (!len || s[0] == '#')
			continue;
		r->line = s;
		r->len = len;
		r->lineno = lineno;
		return;
	}
	r->line = NULL;
	r->len = 0;
	r->lineno = r->next_lineno;
}

static void reader_init(struct text_reader *r, const char *file,
			const char *data, size_t len)
{
	if (!data)
		data = "";
	r->file = file;
	r->next = data;
	r->end = data + len;
	r->next_lineno = 1;
	reader_next(r);
}

/* Quoted input in messages is cut to at most 80 bytes, at a character
   boundary. */
static int msg_len(const char *s, size_t len)
{
	if (len <= 80)
		return (int)len;
	len = 80;
	while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return (int)len;
}

static int reader_err(const struct text_reader *r, const char *fmt, ...) PGO_PRINTF(2, 3);

static int reader_err(const struct text_reader *r, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	pgo_err("'%s': line %zu: %s", r->file, r->lineno, msg.buf);
	strbuf_release(&msg);
	return -1;
}

/*
 * Every item of a list takes a line of at least min_bytes - 1 characters
 * and a newline (the last one perhaps none), so a count that cannot fit in
 * what follows the current line is corrupt; checked before anything is
 * allocated for the list.
 */
static int check_count(const struct text_reader *r, uint64_t n, size_t min_bytes,
		       const char *what, const char *name)
{
	size_t left = (size_t)(r->end - r->next);
	if (n > (left + 1) / min_bytes)
		return reader_err(r, "%" PRIu64 " %s of '%s' do not fit in the %zu bytes that remain",
				  n, what, name, left);
	return 0;
}

/* StringRef::getAsInteger(0): 0x, 0b and 0o prefixes, a leading 0 before a
   digit means octal, otherwise decimal; no sign, no spaces. */
static int parse_u64_auto(const char *s, size_t len, uint64_t *out)
{
	unsigned radix = 10;
	uint64_t v = 0;

	if (len >= 2 && s[0] == '0') {
		char c = s[1];
		if (c == 'x' || c == 'X')
			radix = 16;
		else if (c == 'b' || c == 'B')
			radix = 2;
		else if (c == 'o')
			radix = 8;
		else if (c >= '0' && c <= '9')
			radix = 8;
		if (radix != 10) {
			size_t skip = c >= '0' && c <= '9' ? 1 : 2;
			s += skip;
			len -= skip;
		}
	}
	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			d = (unsigned)(c - 'a') + 10;
		else if (c >= 'A' && c <= 'Z')
			d = (unsigned)(c - 'A') + 10;
		else
			return -1;
		if (d >= radix || v > (UINT64_MAX - d) / radix)
			return -1;
		v = v * radix + d;
	}
	*out = v;
	return 0;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static int keyword_is(const char *s, size_t len, const char *kw)
{
	if (len != strlen(kw))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[i])
			return 0;
	}
	return 1;
}

/* The grammar, one function per element.  Each is called with the reader
   on the element's first line and leaves it on the line after it. */

static int expect_line(const struct text_reader *r, const char *what, const char *name)
{
	if (r->line)
		return 0;
	return reader_err(r, "truncated record '%s': unexpected end of file, expected %s",
			  name, what);
}

/* Temporal profile traces (LLVM 17+): the number of traces, the stream
   size, then per trace a weight line and a line of comma-separated names.
   They depend on the order of inputs, so they are read past and dropped. */
static int skip_temporal_traces(struct text_reader *r)
{
	uint64_t ntraces, v;

	reader_next(r);
	if (!r->line || parse_u64_auto(r->line, r->len, &ntraces) < 0 ||
	    ntraces > UINT32_MAX)
		return reader_err(r, "expected the number of temporal profile traces");
	reader_next(r);
	if (!r->line || parse_u64_auto(r->line, r->len, &v) < 0)
		return reader_err(r, "expected the temporal profile trace stream size");
	for (uint64_t i = 0; i < ntraces; i++) {
		reader_next(r);
		if (!r->line || parse_u64_auto(r->line, r->len, &v) < 0)
			return reader_err(r, "expected the weight of temporal profile trace %" PRIu64,
					  i + 1);
		reader_next(r);
		if (!r->line)
			return reader_err(r, "expected the functions of temporal profile trace %" PRIu64,
					  i + 1);
	}
	return 0;
}

static int parse_header(struct text_reader *r, unsigned *flags)
{
	unsigned f = 0;
	int fe = 0;

	while (r->line && r->line[0] == ':') {
		const char *kw = r->line + 1;
		size_t n = r->len - 1;

		if (keyword_is(kw, n, "ir") || keyword_is(kw, n, "csir")) {
			if (fe)
				return reader_err(r, "':%.*s' contradicts ':fe'", (int)n, kw);
			f |= INSTR_IR | (keyword_is(kw, n, "csir") ? INSTR_CSIR : 0);
		} else if (keyword_is(kw, n, "fe")) {
			if (f & INSTR_IR)
				return reader_err(r, "':fe' contradicts ':%s'",
						  f & INSTR_CSIR ? "csir" : "ir");
			fe = 1;
		} else if (keyword_is(kw, n, "entry_first")) {
			f |= INSTR_ENTRY_FIRST;
		} else if (keyword_is(kw, n, "not_entry_first")) {
			f &= ~(unsigned)INSTR_ENTRY_FIRST;
		} else if (keyword_is(kw, n, "instrument_loop_entries")) {
			f |= INSTR_LOOP_ENTRIES;
		} else if (keyword_is(kw, n, "single_byte_coverage")) {
			f |= INSTR_SINGLE_BYTE;
		} else if (keyword_is(kw, n, "temporal_prof_traces")) {
			if (skip_temporal_traces(r) < 0)
				return -1;
		} else if (n <= 64 && valid_text(kw, n)) {
			return reader_err(r, "unknown header keyword ':%.*s'", (int)n, kw);
		} else {
			return reader_err(r, "unknown header keyword");
		}
		reader_next(r);
	}
	/* Records without ":ir" are front-end ones, as LLVM reads them. */
	if (!(f & INSTR_IR) && (fe || r->line))
		f |= INSTR_FE;
	*flags = f;
	return 0;
}

static int parse_name(struct text_reader *r, struct instr_record *rec)
{
	const char *s = r->line;
	size_t len = r->len;

	if (!valid_text(s, len))
		return reader_err(r, "function name is not valid UTF-8 text");
	if (s[0] == ':' || s[0] == '$')
		return reader_err(r, "function name '%.*s' starts with '%c'",
				  msg_len(s, len), s, s[0]);
	if (all_digits(s, len))
		return reader_err(r, "function name '%.*s' is a number", msg_len(s, len), s);
	rec->name = xstrndup(s, len);
	reader_next(r);
	return 0;
}

static int parse_hash(struct text_reader *r, struct instr_record *rec)
{
	if (expect_line(r, "a function hash", rec->name) < 0)
		return -1;
	if (parse_u64_auto(r->line, r->len, &rec->hash) < 0)
		return reader_err(r, "expected a function hash for '%s'", rec->name);
	reader_next(r);
	return 0;
}

static int parse_counters(struct text_reader *r, struct instr_record *rec)
{
	uint64_t n;

	if (expect_line(r, "the number of counters", rec->name) < 0)
		return -1;
	if (parse_u64(r->line, r->len, &n) < 0)
		return reader_err(r, "expected the number of counters of '%s'", rec->name);
	if (!n)
		return reader_err(r, "'%s' has no counters", rec->name);
	if (check_count(r, n, 2, "counters", rec->name) < 0)
		return -1;
	rec->counters = xcalloc((size_t)n, sizeof(*rec->counters));
	rec->ncounters = (size_t)n;
	reader_next(r);
	for (size_t i = 0; i < rec->ncounters; i++) {
		if (!r->line)
			return reader_err(r, "truncated record '%s': %zu of %zu counters",
					  rec->name, i, rec->ncounters);
		if (parse_u64(r->line, r->len, &rec->counters[i]) < 0)
			return reader_err(r, "counter %zu of '%s' is not a decimal number",
					  i + 1, rec->name);
		reader_next(r);
	}
	return 0;
}

static int parse_bitmap(struct text_reader *r, struct instr_record *rec)
{
	const char *s;
	size_t len;
	uint64_t n;

	if (!r->line || r->line[0] != '$')
		return 0;
	/* "$N", read as drop_front(1).trim().getAsInteger(0) */
	s = r->line + 1;
	len = r->len - 1;
	while (len && is_space(s[0]))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (parse_u64_auto(s, len, &n) < 0)
		return reader_err(r, "expected the number of bitmap bytes of '%s'", rec->name);
	if (check_count(r, n, 2, "bitmap bytes", rec->name) < 0)
		return -1;
	rec->nbitmap = (size_t)n;
	rec->bitmap = n ? xcalloc((size_t)n, 1) : NULL;
	reader_next(r);
	for (size_t i = 0; i < rec->nbitmap; i++) {
		uint64_t b;
		if (!r->line)
			return reader_err(r, "truncated record '%s': %zu of %zu bitmap bytes",
					  rec->name, i, rec->nbitmap);
		if (parse_u64_auto(r->line, r->len, &b) < 0 || b > 255)
			return reader_err(r, "bitmap byte %zu of '%s' is not a number from 0 to 255",
					  i + 1, rec->name);
		rec->bitmap[i] = (uint8_t)b;
		reader_next(r);
	}
	return 0;
}

/* "target:count"; memory-operation sizes are kept in decimal so that equal
   sizes have equal text. */
static int parse_value(struct text_reader *r, const struct instr_record *rec, int kind,
		       struct instr_value *v)
{
	const char *s = r->line;
	size_t colon = r->len;
	uint64_t size;

	while (colon && s[colon - 1] != ':')
		colon--;
	if (!colon)
		return reader_err(r, "expected 'target:count' in the value profile of '%s'",
				  rec->name);
	colon--;
	if (parse_u64(s + colon + 1, r->len - colon - 1, &v->count) < 0)
		return reader_err(r, "value count in the value profile of '%s' is not a decimal number",
				  rec->name);
	if (kind == IPVK_MemOPSize) {
		if (parse_u64(s, colon, &size) < 0)
			return reader_err(r, "memory operation size in the value profile of '%s' is not a decimal number",
					  rec->name);
		v->target = xasprintf("%" PRIu64, size);
	} else {
		if (!colon)
			return reader_err(r, "empty target name in the value profile of '%s'",
					  rec->name);
		if (!valid_text(s, colon))
			return reader_err(r, "target name in the value profile of '%s' is not valid UTF-8 text",
					  rec->name);
		v->target = xstrndup(s, colon);
	}
	reader_next(r);
	return 0;
}

static int check_unique_sizes(const struct text_reader *r, const struct instr_record *rec,
			      struct instr_site *site)
{
	qsort(site->v, site->n, sizeof(*site->v), value_cmp_target);
	for (size_t i = 1; i < site->n; i++)
		if (!strcmp(site->v[i - 1].target, site->v[i].target))
			return reader_err(r, "memory operation size %s appears twice in a value site of '%s'",
					  site->v[i].target, rec->name);
	return 0;
}

static int parse_value_site(struct text_reader *r, const struct instr_record *rec,
			    int kind, struct instr_site *site)
{
	uint64_t n;

	if (expect_line(r, "the number of values of a value site", rec->name) < 0)
		return -1;
	if (parse_u64(r->line, r->len, &n) < 0 || n > UINT32_MAX)
		return reader_err(r, "expected the number of values of a value site of '%s'",
				  rec->name);
	if (check_count(r, n, 4, "values", rec->name) < 0)
		return -1;
	site->v = xcalloc((size_t)n, sizeof(*site->v));
	reader_next(r);
	while (site->n < n) {
		if (!r->line)
			return reader_err(r, "truncated record '%s': %zu of %" PRIu64 " values of a value site",
					  rec->name, site->n, n);
		if (parse_value(r, rec, kind, &site->v[site->n]) < 0)
			return -1;
		site->n++;
	}
	if (kind == IPVK_MemOPSize && check_unique_sizes(r, rec, site) < 0)
		return -1;
	site_sort(site);
	return 0;
}

static int parse_value_kind(struct text_reader *r, struct instr_record *rec,
			    unsigned *seen)
{
	uint64_t kind, n;

	if (expect_line(r, "a value kind", rec->name) < 0)
		return -1;
	if (parse_u64(r->line, r->len, &kind) < 0)
		return reader_err(r, "expected a value kind for '%s'", rec->name);
	if (kind >= IPVK_COUNT)
		return reader_err(r, "unknown value kind %" PRIu64 " in '%s'", kind, rec->name);
	if (*seen & (1u << kind))
		return reader_err(r, "value kind %" PRIu64 " appears twice in '%s'", kind, rec->name);
	*seen |= 1u << kind;
	reader_next(r);

	if (expect_line(r, "the number of value sites", rec->name) < 0)
		return -1;
	if (parse_u64(r->line, r->len, &n) < 0 || n > UINT32_MAX)
		return reader_err(r, "expected the number of value sites of '%s'", rec->name);
	if (check_count(r, n, 2, "value sites", rec->name) < 0)
		return -1;
	if (n) {
		rec->sites[kind] = xcalloc((size_t)n, sizeof(*rec->sites[kind]));
		rec->nsites[kind] = (size_t)n;
	}
	reader_next(r);
	for (size_t s = 0; s < rec->nsites[kind]; s++)
		if (parse_value_site(r, rec, (int)kind, &rec->sites[kind][s]) < 0)
			return -1;
	return 0;
}

static int parse_value_profile(struct text_reader *r, struct instr_record *rec)
{
	uint64_t nkinds;
	unsigned seen = 0;

	/* As LLVM: when the line is not a number, it names the next record. */
	if (!r->line || parse_u64(r->line, r->len, &nkinds) < 0 || nkinds > UINT32_MAX)
		return 0;
	if (!nkinds || nkinds > IPVK_COUNT)
		return reader_err(r, "'%s' has %" PRIu64 " value kinds, expected 1 to %d",
				  rec->name, nkinds, IPVK_COUNT);
	reader_next(r);
	for (uint64_t k = 0; k < nkinds; k++)
		if (parse_value_kind(r, rec, &seen) < 0)
			return -1;
	return 0;
}

static int parse_record(struct text_reader *r, struct instr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	if (parse_name(r, rec) < 0 || parse_hash(r, rec) < 0 ||
	    parse_counters(r, rec) < 0 || parse_bitmap(r, rec) < 0 ||
	    parse_value_profile(r, rec) < 0) {
		record_release(rec);
		return -1;
	}
	return 0;
}

/* out is initialized here; on failure it is left empty. */
int instr_parse_text(const char *name, const char *data, size_t len,
		     struct instr_profile *out)
{
	struct text_reader r;
	const char *nul = len ? memchr(data, '\0', len) : NULL;

	instr_profile_init(out);
	if (nul) {
		size_t line = 1;
		for (const char *s = data; s < nul; s++)
			line += *s == '\n';
		return pgo_err("'%s': line %zu: NUL byte in a text profile", name, line);
	}
	reader_init(&r, name, data, len);
	if (parse_header(&r, &out->flags) < 0)
		goto fail;
	while (r.line) {
		struct instr_record rec;
		if (parse_record(&r, &rec) < 0)
			goto fail;
		instr_profile_add(out, &rec);
	}
	if (instr_profile_normalize(out) < 0) {
		pgo_err_prefix("'%s'", name);
		goto fail;
	}
	return 0;
fail:
	instr_profile_release(out);
	return -1;
}

int instr_has_values(const struct instr_profile *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (int k = 0; k < IPVK_COUNT; k++)
			if (p->recs[i].nsites[k])
				return 1;
	return 0;
}
