/*
 * Fuzzes the sample-profile text parser.  When the input parses, the
 * canonical text must parse again to the same text (emit is a fixed
 * point), and merge and overlap are run on the result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prof_sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sample_profile p, q;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct sample_overlap o;

	sample_profile_init(&p);
	sample_profile_init(&q);
	if (sample_parse_text("fuzz", (const char *)data, size, &p) < 0)
		goto out;
	sample_emit_text(&p, &a);
	if (sample_parse_text("canon", a.buf, a.len, &q) < 0)
		abort();
	sample_emit_text(&q, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	if (sample_merge(&q, &p, 3) < 0)
		abort();
	(void)sample_profile_sum(&q);
	if (sample_overlap(&p, &q, &o) == 0)
		sample_overlap_release(&o);
out:
	sample_profile_release(&p);
	sample_profile_release(&q);
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
