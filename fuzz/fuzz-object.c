/*
 * Fuzz target for pgo's stored/exported profile form (profile.c): the
 * identity header, then whichever kind's body parser it names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct strbuf out = STRBUF_INIT;
	if (profile_from_object("fuzz", (const char *)data, size, &p) == 0) {
		struct profile_summary s;
		/* A parsed profile must serialize, and reparse to the same bytes. */
		if (profile_to_object(&p, &out) == 0) {
			struct profile q;
			struct strbuf again = STRBUF_INIT;
			if (profile_from_object("fuzz", out.buf, out.len, &q) != 0)
				abort();
			if (profile_to_object(&q, &again) != 0 || again.len != out.len ||
			    memcmp(again.buf, out.buf, out.len))
				abort();
			strbuf_release(&again);
			profile_release(&q);
		}
		profile_summarize(&p, &s);
		profile_release(&p);
	}
	strbuf_release(&out);
	pgo_err_clear();
	return 0;
}
