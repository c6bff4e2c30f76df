/*
 * elfnote: the ELF note that records how a binary was built by pgo.
 *
 * The compiler wrapper adds one small relocatable object to every link it
 * wraps; the object holds a section ".note.pgo" (SHT_NOTE, SHF_ALLOC,
 * alignment 4) with one note:
 *
 *   namesz 4, descsz N, type PGO_NOTE_TYPE, name "pgo\0", desc = payload
 *
 * Being an allocated note, it is placed in a PT_NOTE segment of the
 * executable or shared object by GNU ld, gold and lld, it survives strip,
 * and it can be found again from the program headers when a binary has
 * no section headers.  The object is written directly (no assembler), in
 * a few microseconds, and carries no time stamp: the same note gives the
 * same bytes, so two links of the same inputs stay identical.
 *
 * The object also carries an empty .note.GNU-stack (without it GNU ld
 * would make the program's stack executable) and a .note.gnu.property
 * that claims every AND-combined feature (x86 IBT/SHSTK, AArch64
 * BTI/PAC/GCS): the object has no code, and without the property the
 * linkers would drop those markings from a program whose other objects
 * all have them.
 *
 * The payload is text, one "key=value\n" line per key, keys in strictly
 * ascending byte order (so no duplicates), nothing else (no blank line,
 * no NUL, at most PGO_NOTE_MAX bytes):
 *
 *   mode=use                      token [a-z0-9_-]+, required
 *   profile=<64 hex digits>       SHA-256 of the profile used, lowercase;
 *                                 empty when none; required
 *   profile_source=default.pgo    where the profile came from; optional
 *   toolchain=clang 14.0.6        required
 *   version=0.1.0                 pgo's version; required
 *
 * A key is [a-z][a-z0-9_]* (at most 64 bytes); a value is UTF-8 text
 * without control characters other than tab.  Keys this version does not
 * know are kept, in order, in pgo_note.extra: a later pgo may add keys
 * without making older readers fail.  An incompatible payload would get
 * a new note type, which readers report as unsupported.
 */
#ifndef PGO_ELFNOTE_H
#define PGO_ELFNOTE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define PGO_NOTE_NAME "pgo"
#define PGO_NOTE_TYPE 0x50474f01u   /* "PGO" + payload version 1 */
#define PGO_NOTE_MAX 4096           /* payload bytes */
#define PGO_NOTE_SECTION ".note.pgo"

struct pgo_note_kv {
	const char *key;
	const char *value;
};

struct pgo_note {
	const char *mode;
	const char *profile;        /* hex digest; "" or NULL when none */
	const char *profile_source; /* NULL when absent */
	const char *toolchain;
	const char *version;
	const struct pgo_note_kv *extra;  /* unknown keys, ascending */
	size_t nextra;
	/* Set by the readers: how many pgo notes the binary holds (more than
	   one when objects stamped by pgo were linked together); the first
	   one is returned. */
	size_t nnotes;
	char *storage_;             /* owned by what the readers return */
	struct pgo_note_kv *extra_;
};
#define PGO_NOTE_INIT { 0 }

/* Frees what pgo_note_parse() or elfnote_read*() filled in. */
void pgo_note_release(struct pgo_note *n);

/* Renders the payload (appended to out); -1 when a field is invalid
   (missing required key, newline in a value, ...). */
int pgo_note_emit(const struct pgo_note *n, struct strbuf *out);

/* Parses a payload strictly (see above).  On success *out owns its
   strings; release it with pgo_note_release().  Errors name the line. */
int pgo_note_parse(const char *buf, size_t len, struct pgo_note *out);

/*
 * The relocatable object holding the note, appended to out.  machine is
 * an ELF e_machine: EM_X86_64 or EM_AARCH64 with elfclass64 set, EM_386
 * with elfclass64 zero (all little-endian).
 */
int elfnote_object_bytes(struct strbuf *out, const struct pgo_note *n, int elfclass64,
			 int machine);

/*
 * Writes that object to path: a temporary file in the same directory
 * (O_CREAT|O_EXCL) renamed over path, so a linker running in parallel
 * never sees half a file.  Not fsynced: it is a build intermediate.
 */
int elfnote_write_object(const char *path, const struct pgo_note *n, int elfclass64,
			 int machine);

/*
 * Finds the pgo note of an ELF file (executable, shared object or
 * relocatable object): SHT_NOTE sections first, PT_NOTE segments when
 * there are no section headers or none of them holds the note.  Returns
 * 0 when found (*out filled in), 1 when the file is ELF but has no pgo
 * note, -1 on error (not ELF, truncated, corrupt note or payload).
 * elfnote_read_mem() does the same on a buffer; name is used in messages.
 */
int elfnote_read(const char *path, struct pgo_note *out);
int elfnote_read_mem(const void *data, size_t size, const char *name, struct pgo_note *out);

#endif
