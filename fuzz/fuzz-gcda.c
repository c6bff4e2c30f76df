/*
 * Fuzzes the gcda parsers.  The first byte selects the target: even
 * bytes feed the rest to gcda_archive_parse() (and, when it parses, the
 * archive is emitted again, must come out byte-identical, and its
 * statistics are computed), odd bytes feed it to gcda_check() and
 * gcda_set_stats() as one .gcda file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gcda.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcda_set s;
	struct gcda_stats st;
	struct strbuf sb = STRBUF_INIT;

	if (!size)
		return 0;
	gcda_set_init(&s);
	if (data[0] & 1) {
		unsigned maj, min;
		if (gcda_check("fuzz.gcda", data + 1, size - 1, &maj, &min) == 0) {
			struct gcda_entry *e;
			ALLOC_GROW(s.e, 1, s.alloc);
			e = &s.e[s.n++];
			e->path = xstrdup("fuzz.gcda");
			e->len = size - 1;
			e->data = xmalloc(size);
			memcpy(e->data, data + 1, size - 1);
			if (gcda_set_stats(&s, &st, NULL, NULL) < 0)
				abort();
		}
	} else if (gcda_archive_parse("fuzz", data + 1, size - 1, &s) == 0) {
		gcda_archive_emit(&s, &sb);
		if (sb.len != size - 1 || memcmp(sb.buf, data + 1, sb.len))
			abort();
		if (gcda_set_stats(&s, &st, NULL, NULL) < 0)
			abort();
	}
	gcda_set_release(&s);
	strbuf_release(&sb);
	return 0;
}
