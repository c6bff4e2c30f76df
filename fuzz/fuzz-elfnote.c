/*
 * Fuzz target for elfnote: the payload parser on the raw input, and the
 * ELF reader (libelf on a memory image) on the same bytes.  A payload
 * that parses is in canonical form, so emitting it must give the input
 * back; a note that is read must survive a trip through the writer.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfnote.h"

static void round_trip(const struct pgo_note *n)
{
	struct strbuf p1 = STRBUF_INIT, p2 = STRBUF_INIT, obj = STRBUF_INIT;
	struct pgo_note back;
	if (pgo_note_emit(n, &p1) != 0)
		abort();
	if (elfnote_object_bytes(&obj, n, 1, EM_X86_64) != 0)
		abort();
	if (elfnote_read_mem(obj.buf, obj.len, "round-trip", &back) != 0)
		abort();
	if (pgo_note_emit(&back, &p2) != 0 || p1.len != p2.len || memcmp(p1.buf, p2.buf, p1.len))
		abort();
	pgo_note_release(&back);
	strbuf_release(&p1);
	strbuf_release(&p2);
	strbuf_release(&obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgo_note n;
	if (pgo_note_parse((const char *)data, size, &n) == 0) {
		struct strbuf out = STRBUF_INIT;
		if (pgo_note_emit(&n, &out) != 0 || out.len != size || memcmp(out.buf, data, size))
			abort();
		strbuf_release(&out);
		round_trip(&n);
		pgo_note_release(&n);
	}
	if (elfnote_read_mem(data, size, "fuzz", &n) == 0) {
		round_trip(&n);
		pgo_note_release(&n);
	}
	pgo_err_clear();
	return 0;
}
