#include "elfnote.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "banned.h"

#define KEY_MAX 64

/* Property bits the linkers AND across inputs (include/elf/common.h of
   binutils); glibc's elf.h may predate some of them. */
#define PROP_X86_FEATURE_1_AND 0xc0000002u
#define PROP_X86_IBT_SHSTK 0x3u
#define PROP_AARCH64_FEATURE_1_AND 0xc0000000u
#define PROP_AARCH64_BTI_PAC_GCS 0x7u

void pgo_note_release(struct pgo_note *n)
{
	free(n->storage_);
	free(n->extra_);
	memset(n, 0, sizeof(*n));
}

/* ---- the payload ---- */

static const char *const known_keys[] = {
	"mode", "profile", "profile_source", "toolchain", "version",
};

static int is_known_key(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
		if (!strcmp(k, known_keys[i]))
			return 1;
	return 0;
}

static int valid_key(const char *k, size_t len)
{
	if (len == 0 || len > KEY_MAX || k[0] < 'a' || k[0] > 'z')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

static int check_value(const char *key, const char *v)
{
	size_t len = strlen(v);
	if (memchr(v, '\n', len))
		return pgo_err("pgo note: value of '%s' contains a newline", key);
	if (!valid_text(v, len))
		return pgo_err("pgo note: value of '%s' is not text", key);
	return 0;
}

/* What both the writer and the parser require of the known fields. */
static int check_fields(const struct pgo_note *n)
{
	static const char *const what[] = { "mode", "toolchain", "version" };
	const char *req[] = { n->mode, n->toolchain, n->version };
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		if (!req[i])
			return pgo_err("pgo note: missing key '%s'", what[i]);
		if (!*req[i])
			return pgo_err("pgo note: empty value for '%s'", what[i]);
		if (check_value(what[i], req[i]) < 0)
			return -1;
	}
	if (strlen(n->mode) > 32 || strspn(n->mode, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
					    strlen(n->mode))
		return pgo_err("pgo note: mode '%s' is not a lowercase word", n->mode);
	if (n->profile && *n->profile &&
	    (strlen(n->profile) != 64 || strspn(n->profile, "0123456789abcdef") != 64))
		return pgo_err("pgo note: profile '%s' is not a sha256 hex digest", n->profile);
	if (n->profile_source) {
		if (!*n->profile_source)
			return pgo_err("pgo note: empty profile_source");
		if (check_value("profile_source", n->profile_source) < 0)
			return -1;
	}
	return 0;
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pgo_note_kv *)a)->key, ((const struct pgo_note_kv *)b)->key);
}

int pgo_note_emit(const struct pgo_note *n, struct strbuf *out)
{
	struct pgo_note_kv *kv;
	size_t nkv = 0, start = out->len;
	int rc = -1;

	if (check_fields(n) < 0)
		return -1;
	kv = xreallocarray(NULL, pgo_size_add(n->nextra, ARRAY_SIZE(known_keys)), sizeof(*kv));
	kv[nkv++] = (struct pgo_note_kv){ "mode", n->mode };
	kv[nkv++] = (struct pgo_note_kv){ "profile", n->profile ? n->profile : "" };
	if (n->profile_source)
		kv[nkv++] = (struct pgo_note_kv){ "profile_source", n->profile_source };
	kv[nkv++] = (struct pgo_note_kv){ "toolchain", n->toolchain };
	kv[nkv++] = (struct pgo_note_kv){ "version", n->version };
	for (size_t i = 0; i < n->nextra; i++) {
		const struct pgo_note_kv *e = &n->extra[i];
		if (!e->key || !valid_key(e->key, strlen(e->key))) {
			pgo_err("pgo note: invalid key '%s'", e->key ? e->key : "(null)");
			goto out;
		}
		if (is_known_key(e->key)) {
			pgo_err("pgo note: extra key '%s' is a known key", e->key);
			goto out;
		}
		if (!e->value) {
			pgo_err("pgo note: no value for '%s'", e->key);
			goto out;
		}
		if (check_value(e->key, e->value) < 0)
			goto out;
		kv[nkv++] = *e;
	}
	qsort(kv, nkv, sizeof(*kv), kv_cmp);
	for (size_t i = 0; i < nkv; i++) {
		if (i && !strcmp(kv[i - 1].key, kv[i].key)) {
			pgo_err("pgo note: duplicate key '%s'", kv[i].key);
			goto out;
		}
		strbuf_addf(out, "%s=%s\n", kv[i].key, kv[i].value);
	}
	if (out->len - start > PGO_NOTE_MAX) {
		pgo_err("pgo note: payload of %zu bytes is larger than %d", out->len - start,
			PGO_NOTE_MAX);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		strbuf_setlen(out, start);
	free(kv);
	return rc;
}

int pgo_note_parse(const char *buf, size_t len, struct pgo_note *out)
{
	struct pgo_note n = PGO_NOTE_INIT;
	size_t alloc = 0, lineno = 0;
	const char *prev = NULL;
	char *p, *end;

	memset(out, 0, sizeof(*out));
	if (len > PGO_NOTE_MAX)
		return pgo_err("pgo note: payload of %zu bytes is larger than %d", len, PGO_NOTE_MAX);
	if (len == 0)
		return pgo_err("pgo note: empty payload");
	if (buf[len - 1] != '\n')
		return pgo_err("pgo note: payload does not end with a newline");
	n.storage_ = xmalloc(len + 1);
	memcpy(n.storage_, buf, len);
	n.storage_[len] = '\0';
	p = n.storage_;
	end = p + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eq, *key, *val;
		lineno++;
		/* nl exists: the payload ends with a newline. */
		eq = memchr(p, '=', (size_t)(nl - p));
		if (!eq) {
			if (!valid_text(p, (size_t)(nl - p)))
				pgo_err("pgo note: line %zu is not text", lineno);
			else
				pgo_err("pgo note: line %zu has no '='", lineno);
			goto fail;
		}
		if (!valid_key(p, (size_t)(eq - p))) {
			if (!valid_text(p, (size_t)(eq - p)))
				pgo_err("pgo note: line %zu: key is not text", lineno);
			else
				pgo_err("pgo note: line %zu: invalid key '%.*s'", lineno,
					(int)(eq - p), p);
			goto fail;
		}
		*eq = '\0';
		*nl = '\0';
		key = p;
		val = eq + 1;
		if (!valid_text(val, (size_t)(nl - val))) {
			pgo_err("pgo note: line %zu: value of '%s' is not text", lineno, key);
			goto fail;
		}
		if (prev && strcmp(prev, key) >= 0) {
			if (!strcmp(prev, key))
				pgo_err("pgo note: line %zu: duplicate key '%s'", lineno, key);
			else
				pgo_err("pgo note: line %zu: key '%s' after '%s' (keys must be sorted)",
					lineno, key, prev);
			goto fail;
		}
		prev = key;
		if (!strcmp(key, "mode")) {
			n.mode = val;
		} else if (!strcmp(key, "profile")) {
			n.profile = val;
		} else if (!strcmp(key, "profile_source")) {
			n.profile_source = val;
		} else if (!strcmp(key, "toolchain")) {
			n.toolchain = val;
		} else if (!strcmp(key, "version")) {
			n.version = val;
		} else {
			ALLOC_GROW(n.extra_, n.nextra + 1, alloc);
			n.extra_[n.nextra++] = (struct pgo_note_kv){ key, val };
		}
		p = nl + 1;
	}
	if (!n.profile) {
		pgo_err("pgo note: missing key 'profile'");
		goto fail;
	}
	if (check_fields(&n) < 0)
		goto fail;
	n.extra = n.extra_;
	*out = n;
	return 0;
fail:
	pgo_note_release(&n);
	return -1;
}

/* ---- writing the object ---- */

static void add16(struct strbuf *sb, uint16_t v)
{
	unsigned char b[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	strbuf_add(sb, b, 2);
}

static void add32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];
	put_le32(b, v);
	strbuf_add(sb, b, 4);
}

/* An address or offset: 8 bytes in ELF64, 4 in ELF32. */
static void addw(struct strbuf *sb, int is64, uint64_t v)
{
	if (is64) {
		unsigned char b[8];
		put_le64(b, v);
		strbuf_add(sb, b, 8);
	} else {
		add32(sb, (uint32_t)v);
	}
}

static void pad(struct strbuf *sb, size_t align)
{
	while (sb->len % align)
		strbuf_addch(sb, '\0');
}

static void add_note(struct strbuf *sb, const char *name, uint32_t type, const void *desc,
		     size_t descsz, size_t align)
{
	size_t namesz = strlen(name) + 1;
	add32(sb, (uint32_t)namesz);
	add32(sb, (uint32_t)descsz);
	add32(sb, type);
	strbuf_add(sb, name, namesz);
	pad(sb, align);
	strbuf_add(sb, desc, descsz);
	pad(sb, align);
}

struct shdr {
	uint32_t name, type;
	uint64_t flags, offset, size, align;
};

int elfnote_object_bytes(struct strbuf *out, const struct pgo_note *n, int elfclass64,
			 int machine)
{
	static const char shstrtab[] = "\0.note.pgo\0.note.gnu.property\0.note.GNU-stack\0.shstrtab";
	struct strbuf payload = STRBUF_INIT, body = STRBUF_INIT;
	struct shdr sh[5];
	const int is64 = !!elfclass64;
	const size_t ehsize = is64 ? 64 : 52, wordalign = is64 ? 8 : 4;
	unsigned char prop[16];
	uint32_t prop_type;
	size_t propsz, shoff;

	if (machine == EM_X86_64 && is64)
		prop_type = PROP_X86_FEATURE_1_AND;
	else if (machine == EM_AARCH64 && is64)
		prop_type = PROP_AARCH64_FEATURE_1_AND;
	else if (machine == EM_386 && !is64)
		prop_type = PROP_X86_FEATURE_1_AND;
	else
		return pgo_err("cannot write a pgo note object for ELF machine %d, %d-bit", machine,
			       is64 ? 64 : 32);
	if (pgo_note_emit(n, &payload) < 0)
		return -1;

	/* Room for the ELF header, written once e_shoff is known. */
	strbuf_grow(&body, 512 + payload.len);
	for (size_t i = 0; i < ehsize; i++)
		strbuf_addch(&body, '\0');

	/* sh[] holds sections 1..4; name is an offset into shstrtab. */
	sh[0] = (struct shdr){ .name = 1, .type = SHT_NOTE, .flags = SHF_ALLOC,
			       .offset = body.len, .align = 4 };
	add_note(&body, PGO_NOTE_NAME, PGO_NOTE_TYPE, payload.buf, payload.len, 4);
	sh[0].size = body.len - sh[0].offset;

	/* GNU property note: pr_type, pr_datasz, pr_data, padded to the
	   word size. */
	memset(prop, 0, sizeof(prop));
	put_le32(prop, prop_type);
	put_le32(prop + 4, 4);
	put_le32(prop + 8, prop_type == PROP_AARCH64_FEATURE_1_AND ? PROP_AARCH64_BTI_PAC_GCS
								    : PROP_X86_IBT_SHSTK);
	propsz = is64 ? 16 : 12;
	pad(&body, wordalign);
	sh[1] = (struct shdr){ .name = 11, .type = SHT_NOTE, .flags = SHF_ALLOC,
			       .offset = body.len, .align = wordalign };
	add_note(&body, "GNU", NT_GNU_PROPERTY_TYPE_0, prop, propsz, wordalign);
	sh[1].size = body.len - sh[1].offset;

	/* Empty and without SHF_EXECINSTR: the stack need not be executable. */
	sh[2] = (struct shdr){ .name = 30, .type = SHT_PROGBITS, .offset = body.len, .align = 1 };

	sh[3] = (struct shdr){ .name = 46, .type = SHT_STRTAB, .offset = body.len,
			       .size = sizeof(shstrtab), .align = 1 };
	strbuf_add(&body, shstrtab, sizeof(shstrtab));

	pad(&body, wordalign);
	shoff = body.len;

	/* The ELF header, written over the zeroes reserved above. */
	{
		struct strbuf eh = STRBUF_INIT;
		static const unsigned char ident[EI_NIDENT] = {
			ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, 0, ELFDATA2LSB, EV_CURRENT,
			ELFOSABI_NONE,
		};
		strbuf_add(&eh, ident, EI_NIDENT);
		eh.buf[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
		add16(&eh, ET_REL);
		add16(&eh, (uint16_t)machine);
		add32(&eh, EV_CURRENT);
		addw(&eh, is64, 0);       /* e_entry */
		addw(&eh, is64, 0);       /* e_phoff */
		addw(&eh, is64, shoff);   /* e_shoff */
		add32(&eh, 0);            /* e_flags */
		add16(&eh, (uint16_t)ehsize);
		add16(&eh, 0);            /* e_phentsize */
		add16(&eh, 0);            /* e_phnum */
		add16(&eh, is64 ? 64 : 40);
		add16(&eh, ARRAY_SIZE(sh));
		add16(&eh, 4);            /* e_shstrndx */
		memcpy(body.buf, eh.buf, ehsize);
		strbuf_release(&eh);
	}

	/* Section header 0 is the null one. */
	for (size_t i = 0; i < ARRAY_SIZE(sh); i++) {
		const struct shdr *s = i ? &sh[i - 1] : &(struct shdr){ 0 };
		add32(&body, s->name);
		add32(&body, s->type);
		addw(&body, is64, s->flags);
		addw(&body, is64, 0);     /* sh_addr */
		addw(&body, is64, s->offset);
		addw(&body, is64, s->size);
		add32(&body, 0);          /* sh_link */
		add32(&body, 0);          /* sh_info */
		addw(&body, is64, s->align);
		addw(&body, is64, 0);     /* sh_entsize */
	}
	strbuf_add(out, body.buf, body.len);
	strbuf_release(&body);
	strbuf_release(&payload);
	return 0;
}

/* True when path holds exactly want's bytes. */
static int same_contents(const char *path, const struct strbuf *want)
{
	char buf[PGO_NOTE_MAX + 1024];
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), same = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == want->len &&
	    want->len <= sizeof(buf)) {
		got = pread(fd, buf, want->len, 0);
		same = got == (ssize_t)want->len && !memcmp(buf, want->buf, want->len);
	}
	close(fd);
	return same;
}

int elfnote_write_object(const char *path, const struct pgo_note *n, int elfclass64,
			 int machine)
{
	struct strbuf obj = STRBUF_INIT, tmp = STRBUF_INIT;
	int fd = -1, rc = -1;

	if (elfnote_object_bytes(&obj, n, elfclass64, machine) < 0)
		return pgo_err_prefix("cannot write '%s'", path);
	/* The usual case: the same note as the last link.  Leaving the file
	   alone is not only cheaper; on ext4, renaming over an existing file
	   starts writeback of the new one (auto_da_alloc) and costs
	   milliseconds. */
	if (same_contents(path, &obj)) {
		strbuf_release(&obj);
		return 0;
	}
	/* A counter as well as the pid: a killed link may have left a
	   temporary file behind under a pid now reused. */
	for (unsigned i = 0; fd < 0 && i < 100; i++) {
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%s.%ld.%u.tmp", path, (long)getpid(), i);
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		pgo_err_errno("cannot create '%s'", tmp.buf);
		goto out;
	}
	if (write_all(fd, obj.buf, obj.len) < 0) {
		pgo_err_prefix("cannot write '%s'", path);
		close(fd);
		goto unlink;
	}
	if (close(fd) < 0) {
		pgo_err_errno("cannot write '%s'", tmp.buf);
		goto unlink;
	}
	if (rename(tmp.buf, path) < 0) {
		pgo_err_errno("cannot rename '%s' to '%s'", tmp.buf, path);
		goto unlink;
	}
	rc = 0;
	goto out;
unlink:
	unlink(tmp.buf);
out:
	strbuf_release(&tmp);
	strbuf_release(&obj);
	return rc;
}

/* ---- reading ---- */

struct found {
	size_t count;              /* pgo notes of the supported type */
	uint32_t other_type;       /* a pgo note of another type, if seen */
	struct strbuf desc;        /* the first one's payload */
};

static int libelf_ready(void)
{
	static int done;
	if (!done) {
		if (elf_version(EV_CURRENT) == EV_NONE)
			return pgo_err("libelf: %s", elf_errmsg(-1));
		done = 1;
	}
	return 0;
}

static uint64_t get_uint(const unsigned char *p, size_t n, int msb)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? n - 1 - i : i] << (8 * i);
	return v;
}

/* A header table (sections or segments) must lie inside the file. */
static int check_table(const char *name, const char *what, uint64_t off, uint64_t num,
		       uint64_t entsize, uint64_t size)
{
	uint64_t end = sat_add64(off, sat_mul64(num, entsize));
	if (num == 0)
		return 0;
	if (end > size)
		return pgo_err("'%s': truncated ELF file: %s end at byte %llu, the file has %llu",
			       name, what, (unsigned long long)end, (unsigned long long)size);
	return 0;
}

/*
 * Checks the ELF header ourselves so that the usual mistakes get a
 * precise message: libelf says "invalid ELF file", or, worse, treats a
 * section header table cut short as no sections at all.  h holds the
 * first min(size, sizeof(Elf64_Ehdr)) bytes of a file of size bytes.
 */
static int check_header(const unsigned char *h, uint64_t size, const char *name)
{
	size_t ehsize;
	int is64, msb;
	uint64_t phoff, shoff, phnum, shnum;

	if (size < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG))
		return pgo_err("'%s': not an ELF file", name);
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64)
		return pgo_err("'%s': unsupported ELF class %u", name, h[EI_CLASS]);
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return pgo_err("'%s': unsupported ELF data encoding %u", name, h[EI_DATA]);
	if (h[EI_VERSION] != EV_CURRENT)
		return pgo_err("'%s': unsupported ELF version %u", name, h[EI_VERSION]);
	is64 = h[EI_CLASS] == ELFCLASS64;
	msb = h[EI_DATA] == ELFDATA2MSB;
	ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (size < ehsize)
		return pgo_err("'%s': truncated ELF file: the header needs %zu bytes, %llu present",
			       name, ehsize, (unsigned long long)size);
	if (is64) {
		phoff = get_uint(h + 32, 8, msb);
		shoff = get_uint(h + 40, 8, msb);
		phnum = get_uint(h + 56, 2, msb);
		shnum = get_uint(h + 60, 2, msb);
	} else {
		phoff = get_uint(h + 28, 4, msb);
		shoff = get_uint(h + 32, 4, msb);
		phnum = get_uint(h + 44, 2, msb);
		shnum = get_uint(h + 48, 2, msb);
	}
	/* PN_XNUM and a zero e_shnum with e_shoff set mean that the real
	   counts are in section header 0: libelf reads and checks those. */
	if (phnum != PN_XNUM && check_table(name, "program headers", phoff, phnum,
					    is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr),
					    size) < 0)
		return -1;
	if (check_table(name, "section headers", shoff, shnum,
			is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), size) < 0)
		return -1;
	return 0;
}

static int scan_notes(Elf_Data *d, const char *name, const char *where, struct found *f)
{
	size_t off = 0;
	if (d->d_type != ELF_T_NHDR && d->d_type != ELF_T_NHDR8)
		return pgo_err("'%s': %s is not a note", name, where);
	while (off < d->d_size) {
		GElf_Nhdr nh;
		size_t name_off, desc_off;
		size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
		const char *base = d->d_buf;
		if (next == 0)
			return pgo_err("'%s': corrupt note at offset %zu of %s: sizes run past its "
				       "end (%zu bytes)",
				       name, off, where, d->d_size);
		if (nh.n_namesz == sizeof(PGO_NOTE_NAME) &&
		    !memcmp(base + name_off, PGO_NOTE_NAME, sizeof(PGO_NOTE_NAME))) {
			if (nh.n_type != PGO_NOTE_TYPE) {
				f->other_type = nh.n_type;
			} else {
				if (f->count == 0)
					strbuf_add(&f->desc, base + desc_off,
						   nh.n_descsz > PGO_NOTE_MAX ? PGO_NOTE_MAX + 1
									      : nh.n_descsz);
				f->count++;
			}
		}
		off = next;
	}
	return 0;
}

static int scan_sections(Elf *e, const char *name, struct found *f)
{
	Elf_Scn *scn = NULL;
	size_t shnum;
	if (elf_getshdrnum(e, &shnum) < 0)
		return pgo_err("'%s': cannot read section headers: %s", name, elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		char where[64];
		if (!gelf_getshdr(scn, &sh))
			return pgo_err("'%s': cannot read section header %zu: %s", name,
				       elf_ndxscn(scn), elf_errmsg(-1));
		if (sh.sh_type != SHT_NOTE || (sh.sh_flags & SHF_COMPRESSED) || sh.sh_size == 0)
			continue;
		snprintf(where, sizeof(where), "section %zu", elf_ndxscn(scn));
		d = elf_getdata(scn, NULL);
		if (!d)
			return pgo_err("'%s': cannot read %s: %s", name, where, elf_errmsg(-1));
		if (scan_notes(d, name, where, f) < 0)
			return -1;
	}
	return 0;
}

static int scan_segments(Elf *e, const char *name, struct found *f)
{
	size_t phnum;
	if (elf_getphdrnum(e, &phnum) < 0)
		return pgo_err("'%s': cannot read program headers: %s", name, elf_errmsg(-1));
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		char where[64];
		if (!gelf_getphdr(e, (int)i, &ph))
			return pgo_err("'%s': cannot read program header %zu: %s", name, i,
				       elf_errmsg(-1));
		if (ph.p_type != PT_NOTE || ph.p_filesz == 0)
			continue;
		snprintf(where, sizeof(where), "note segment %zu", i);
		if (ph.p_offset > INT64_MAX || ph.p_filesz > SIZE_MAX)
			return pgo_err("'%s': %s lies outside the file", name, where);
		d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, (size_t)ph.p_filesz,
					 ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (!d)
			return pgo_err("'%s': cannot read %s: %s", name, where, elf_errmsg(-1));
		if (scan_notes(d, name, where, f) < 0)
			return -1;
	}
	return 0;
}

static int read_elf(Elf *e, const char *name, struct pgo_note *out)
{
	struct found f = { 0, 0, STRBUF_INIT };
	int rc = -1;

	if (!e)
		return pgo_err("'%s': corrupt ELF file: %s", name, elf_errmsg(-1));
	if (elf_kind(e) != ELF_K_ELF) {
		pgo_err("'%s': not an ELF file", name);
		goto out;
	}
	if (scan_sections(e, name, &f) < 0)
		goto out;
	/* Without section headers (or with the note's section gone) the
	   note is still in its PT_NOTE segment. */
	if (f.count == 0 && scan_segments(e, name, &f) < 0)
		goto out;
	if (f.count == 0) {
		if (f.other_type) {
			pgo_err("'%s': pgo note of unsupported type 0x%08x (made by a newer pgo?)",
				name, (unsigned)f.other_type);
			goto out;
		}
		rc = 1;
		goto out;
	}
	if (pgo_note_parse(f.desc.buf, f.desc.len, out) < 0) {
		pgo_err_prefix("'%s'", name);
		goto out;
	}
	out->nnotes = f.count;
	rc = 0;
out:
	elf_end(e);
	strbuf_release(&f.desc);
	return rc;
}

int elfnote_read_mem(const void *data, size_t size, const char *name, struct pgo_note *out)
{
	char *copy;
	int rc;

	memset(out, 0, sizeof(*out));
	if (libelf_ready() < 0)
		return -1;
	if (check_header(data, size, name) < 0)
		return -1;
	/* elf_memory() takes a writable image; give it an aligned copy so
	   that it can use the headers in place and never touches ours. */
	copy = xmalloc(size);
	memcpy(copy, data, size);
	rc = read_elf(elf_memory(copy, size), name, out);
	free(copy);
	return rc;
}

int elfnote_read(const char *path, struct pgo_note *out)
{
	unsigned char ehdr[sizeof(Elf64_Ehdr)];
	struct stat st;
	ssize_t got;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if (libelf_ready() < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pgo_err_errno("cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return pgo_err_errno("cannot stat '%s'", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return pgo_err("'%s': not a regular file", path);
	}
	memset(ehdr, 0, sizeof(ehdr));
	do
		got = pread(fd, ehdr, sizeof(ehdr), 0);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		close(fd);
		return pgo_err_errno("cannot read '%s'", path);
	}
	/* A file shrinking under us is judged by what could be read. */
	if (check_header(ehdr, (size_t)got < sizeof(ehdr) ? (uint64_t)got : (uint64_t)st.st_size,
			 path) < 0) {
		close(fd);
		return -1;
	}
	/* ELF_C_READ rather than mmap: a binary rewritten while we read it
	   must give an error, not SIGBUS. */
	rc = read_elf(elf_begin(fd, ELF_C_READ, NULL), path, out);
	close(fd);
	return rc;
}
