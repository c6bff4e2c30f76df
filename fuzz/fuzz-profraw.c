/*
 * Fuzz target for the raw profile reader: probe, read into a fresh
 * profile, read again into the same one (the append-and-merge path),
 * emit the text form, and check that the text reads back to the same
 * text: whatever the reader accepts must survive the canonical form.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "profraw.h"
#include "prof_instr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* LLVM's exception: a function-entry-only header that is also
	   entry_first (or loop-entries) does not merge with itself. */
	const unsigned blocks = INSTR_ENTRY_FIRST | INSTR_LOOP_ENTRIES;
	struct profraw_probe pr;
	struct instr_profile p, q;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	uint32_t version = 0;
	int self_conflict;

	profraw_probe(data, size, &pr);
	instr_profile_init(&p);
	instr_profile_init(&q);
	if (profraw_read("fuzz.profraw", data, size, &p, &version) != 0)
		goto done;
	if (pr.kind != PROFRAW_RAW || pr.version != version)
		__builtin_trap();
	self_conflict = (p.flags & INSTR_FUNC_ENTRY_ONLY) && (p.flags & blocks);
	if (profraw_read("fuzz.profraw", data, size, &p, &version) != 0 && !self_conflict)
		__builtin_trap();
	if (instr_profile_normalize(&p) != 0)
		goto done;
	instr_emit_text(&p, &out);
	if (instr_parse_text("fuzz.txt", out.buf, out.len, &q) != 0)
		__builtin_trap();
	instr_emit_text(&q, &again);
	if (again.len != out.len || memcmp(again.buf, out.buf, out.len))
		__builtin_trap();
done:
	pgo_err_clear();
	strbuf_release(&out);
	strbuf_release(&again);
	instr_profile_release(&p);
	instr_profile_release(&q);
	return 0;
}
