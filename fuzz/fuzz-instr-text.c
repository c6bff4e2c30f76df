/*
 * Fuzz target for the LLVM text profile parser.  When the input parses,
 * the canonical text is written, read back and must come out the same;
 * the profile is copied, merged into itself with weight 2, and compared
 * with itself for overlap, so that emit, merge and overlap see whatever
 * the parser lets through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "prof_instr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void emit(struct instr_profile *p, struct strbuf *out)
{
	strbuf_reset(out);
	instr_emit_text(p, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct instr_profile p, again, copy;
	struct strbuf text = STRBUF_INIT, text2 = STRBUF_INIT;
	struct instr_overlap o;

	if (instr_parse_text("fuzz", (const char *)data, size, &p) < 0)
		return 0;

	/* What is written reads back to the same bytes. */
	emit(&p, &text);
	if (instr_parse_text("fuzz-emitted", text.buf, text.len, &again) < 0)
		abort();
	emit(&again, &text2);
	if (text.len != text2.len || memcmp(text.buf, text2.buf, text.len))
		abort();

	/* A copy, merged into itself: every count tripled. */
	instr_profile_init(&copy);
	if (instr_merge(&copy, &p, 1) < 0 || instr_merge(&copy, &copy, 2) < 0)
		abort();
	if (copy.n != p.n)
		abort();
	for (size_t i = 0; i < p.n; i++)
		if (instr_record_sum(&copy.recs[i]) !=
		    sat_mul64(instr_record_sum(&p.recs[i]), 3) &&
		    instr_record_sum(&copy.recs[i]) != UINT64_MAX)
			abort();
	emit(&copy, &text2);

	if (instr_overlap(&p, &again, &o) < 0)
		abort();
	if (!(o.overlap >= 0.0) || o.mismatched || o.base_only || o.test_only)
		abort();
	instr_overlap_release(&o);

	instr_profile_release(&p);
	instr_profile_release(&again);
	instr_profile_release(&copy);
	strbuf_release(&text);
	strbuf_release(&text2);
	return 0;
}
