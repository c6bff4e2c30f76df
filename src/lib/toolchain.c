#include "toolchain.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "run.h"
#include "banned.h"

void toolchain_init(struct toolchain *tc)
{
	memset(tc, 0, sizeof(*tc));
}

void toolchain_release(struct toolchain *tc)
{
	free(tc->compiler);
	toolchain_init(tc);
}

static const char *family_name(enum tc_family f)
{
	switch (f) {
	case TC_CLANG: return "clang";
	case TC_GCC: return "gcc";
	default: return "unknown";
	}
}

char *toolchain_id(const struct toolchain *tc)
{
	return xasprintf("%s %u.%u.%u", family_name(tc->family), tc->major, tc->minor,
			 tc->patch);
}

static int parse_version(const char *s, struct toolchain *tc)
{
	unsigned v[3] = { 0, 0, 0 };
	int n = 0;
	while (n < 3) {
		uint64_t x = 0;
		const char *start = s;
		while (*s >= '0' && *s <= '9') {
			x = x * 10 + (uint64_t)(*s - '0');
			if (x > 100000)
				return -1;
			s++;
		}
		if (s == start)
			return -1;
		v[n++] = (unsigned)x;
		if (*s != '.')
			break;
		s++;
	}
	if (*s && *s != ' ' && *s != '-' && *s != '\n' && *s != '~' && *s != '+')
		return -1;
	tc->major = v[0];
	tc->minor = v[1];
	tc->patch = v[2];
	return 0;
}

int toolchain_parse_id(const char *s, struct toolchain *tc)
{
	const char *rest;
	toolchain_init(tc);
	if (str_starts_with(s, "clang")) {
		tc->family = TC_CLANG;
		rest = s + 5;
	} else if (str_starts_with(s, "gcc")) {
		tc->family = TC_GCC;
		rest = s + 3;
	} else {
		return pgo_err("'%s': not a toolchain (expected e.g. 'clang 14.0.6' or 'gcc-12')", s);
	}
	if (*rest != ' ' && *rest != '-')
		return pgo_err("'%s': not a toolchain (expected e.g. 'clang 14.0.6' or 'gcc-12')", s);
	if (parse_version(rest + 1, tc) < 0 || tc->major == 0)
		return pgo_err("'%s': cannot parse the version", s);
	return 0;
}

int toolchain_compatible(const struct toolchain *a, const struct toolchain *b)
{
	return a->family == b->family && a->major == b->major;
}

/*
 * Running "cc --version" costs 30 ms of CPU and more in wall time: the
 * identity of a compiler is kept in $XDG_CACHE_HOME/pgo/toolchains (else
 * ~/.cache/pgo), keyed by its resolved path, size and modification time,
 * one line each: "MTIME_NS SIZE FAMILY MAJOR.MINOR.PATCH\tPATH".
 */
static char *cache_path(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x && *x == '/')
		return xasprintf("%s/pgo/toolchains", x);
	if (home && *home)
		return xasprintf("%s/.cache/pgo/toolchains", home);
	return NULL;
}

static int cache_key(const char *path, char **real, long long *mtime, long long *size)
{
	struct stat sb;
	char *r = realpath(path, NULL);
	if (!r)
		return -1;
	if (stat(r, &sb) < 0) {
		free(r);
		return -1;
	}
	*real = r;
	*mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	*size = (long long)sb.st_size;
	return 0;
}

static int cache_lookup(const char *path, struct toolchain *tc)
{
	char *cp = cache_path(), *real = NULL;
	struct strbuf sb = STRBUF_INIT;
	long long mtime, size;
	int found = 0;
	if (!cp || cache_key(path, &real, &mtime, &size) < 0 || !is_file(cp) ||
	    read_file(cp, &sb, 1 << 20) < 0) {
		pgo_err_clear();
		goto out;
	}
	for (char *line = sb.buf; line && *line;) {
		char *nl = strchr(line, '\n'), *tab;
		long long m, z;
		char fam[16];
		unsigned a, b, c;
		if (nl)
			*nl = '\0';
		tab = strchr(line, '\t');
		if (tab && !strcmp(tab + 1, real) &&
		    sscanf(line, "%lld %lld %15s %u.%u.%u", &m, &z, fam, &a, &b, &c) == 6 &&
		    m == mtime && z == size && (!strcmp(fam, "clang") || !strcmp(fam, "gcc"))) {
			tc->family = !strcmp(fam, "clang") ? TC_CLANG : TC_GCC;
			tc->major = a;
			tc->minor = b;
			tc->patch = c;
			found = 1;   /* the last matching line wins */
		}
		line = nl ? nl + 1 : NULL;
	}
out:
	strbuf_release(&sb);
	free(cp);
	free(real);
	return found;
}

static void cache_store(const char *path, const struct toolchain *tc)
{
	char *cp = cache_path(), *real = NULL, *dir = NULL, *line = NULL;
	long long mtime, size;
	int fd;
	if (!cp || cache_key(path, &real, &mtime, &size) < 0)
		goto out;
	dir = path_dirname(cp);
	if (mkdir_p(dir, 0700) < 0)
		goto out;
	line = xasprintf("%lld %lld %s %u.%u.%u\t%s\n", mtime, size,
			 tc->family == TC_CLANG ? "clang" : "gcc", tc->major, tc->minor, tc->patch,
			 real);
	/* One append of a short line: concurrent writers do not interleave. */
	fd = open(cp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		(void)write_all(fd, line, strlen(line));
		close(fd);
	}
out:
	pgo_err_clear();
	free(cp);
	free(real);
	free(dir);
	free(line);
}

int toolchain_detect(const char *compiler, struct toolchain *tc)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *argv[] = { compiler, "--version", NULL };
	char *path = find_program(compiler);
	int rc;
	const char *p;

	toolchain_init(tc);
	if (!path)
		return pgo_err("compiler '%s' not found in PATH", compiler);
	if (cache_lookup(path, tc)) {
		tc->compiler = path;
		return 0;
	}
	argv[0] = path;
	rc = run_capture(argv, &out, &err);
	if (rc != 0) {
		if (rc > 0)
			pgo_err("'%s --version' exited with status %d", compiler, rc);
		goto fail;
	}
	/* "Debian clang version 14.0.6", "clang version 22.1.8 (...)",
	   "gcc (Debian 12.2.0-14) 12.2.0", "cc (GCC) 13.1.1" */
	if ((p = strstr(out.buf, "clang version "))) {
		tc->family = TC_CLANG;
		p += strlen("clang version ");
		if (parse_version(p, tc) < 0)
			goto unparsable;
	} else if (strstr(out.buf, "Free Software Foundation")) {
		const char *nl = strchr(out.buf, '\n');
		const char *sp;
		tc->family = TC_GCC;
		if (!nl)
			goto unparsable;
		/* The version is the last word of the first line. */
		for (sp = nl; sp > out.buf && sp[-1] != ' '; sp--)
			;
		if (parse_version(sp, tc) < 0)
			goto unparsable;
	} else {
		goto unparsable;
	}
	tc->compiler = path;
	cache_store(path, tc);
	strbuf_release(&out);
	strbuf_release(&err);
	return 0;
unparsable:
	pgo_err("cannot tell the family and version of compiler '%s'", compiler);
fail:
	free(path);
	strbuf_release(&out);
	strbuf_release(&err);
	return -1;
}

/*
 * Raw and indexed versions by LLVM major.  14, 19 and 22 are measured on
 * this platform; the others come from the history of InstrProfData.inc
 * (raw 8 from LLVM 14 to 17, 9 in 18, 10 from 19) and IndexedInstrProf
 * (indexed 7: 13-14, 8: 15, 9: 16, 10: 17, 11: 18, 12: 19-21, 13: 22).
 */
uint32_t llvm_raw_version(unsigned major)
{
	if (major >= 19)
		return 10;
	if (major == 18)
		return 9;
	if (major >= 14)
		return 8;
	if (major == 13)
		return 7;
	return 0;
}

uint32_t llvm_indexed_version(unsigned major)
{
	static const uint32_t v[] = { [13] = 7, [14] = 7, [15] = 8, [16] = 9, [17] = 10,
				      [18] = 11, [19] = 12, [20] = 12, [21] = 12, [22] = 13 };
	if (major < ARRAY_SIZE(v))
		return v[major];
	return major > 22 ? 13 : 0;
}

char *toolchain_format(const struct toolchain *tc)
{
	if (tc->family == TC_CLANG)
		return xasprintf("raw %u, indexed %u", llvm_raw_version(tc->major),
				 llvm_indexed_version(tc->major));
	if (tc->family == TC_GCC)
		return xasprintf("gcda %u.%u", tc->major, tc->minor);
	return xstrdup("unknown");
}

static char *llvm_dir_tool(unsigned major, const char *tool)
{
	char *p = xasprintf("/usr/lib/llvm-%u/bin/%s", major, tool);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *llvm_tool_path(unsigned major, const char *tool)
{
	char *p, *name;
	const char *dir = getenv("PGO_LLVM_BINDIR");
	if (dir && *dir) {
		p = xasprintf("%s/%s", dir, tool);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	if ((p = llvm_dir_tool(major, tool)))
		return p;
	name = xasprintf("%s-%u", tool, major);
	p = find_program(name);
	free(name);
	if (p)
		return p;
	pgo_err("%s for LLVM %u not found (looked in /usr/lib/llvm-%u/bin and for %s-%u in PATH)",
		tool, major, major, tool, major);
	return NULL;
}

char *gcc_tool_path(unsigned major, const char *tool)
{
	char *name = xasprintf("%s-%u", tool, major);
	char *p = find_program(name);
	free(name);
	if (!p) {
		/* The unversioned tool is fine when it is the same major. */
		struct strbuf out = STRBUF_INIT;
		const char *argv[] = { tool, "--version", NULL };
		p = find_program(tool);
		if (p && run_capture(argv, &out, NULL) == 0) {
			char *want = xasprintf(" %u.", major);
			const char *nl = strchr(out.buf, '\n');
			char *first = xstrndup(out.buf, nl ? (size_t)(nl - out.buf) : out.len);
			if (!strstr(first, want)) {
				free(p);
				p = NULL;
			}
			free(first);
			free(want);
		} else {
			free(p);
			p = NULL;
		}
		strbuf_release(&out);
	}
	if (!p)
		pgo_err("%s for GCC %u not found (looked for %s-%u and %s in PATH)", tool, major,
			tool, major, tool);
	return p;
}

int toolchain_llvm_major(unsigned major, struct toolchain *out)
{
	char *clang = llvm_dir_tool(major, "clang");
	toolchain_init(out);
	if (!clang) {
		char *name = xasprintf("clang-%u", major);
		clang = find_program(name);
		free(name);
	}
	/* The full version comes from the compiler when it is installed; a
	   profile read without its compiler still gets the right major. */
	if (clang && toolchain_detect(clang, out) == 0 && out->family == TC_CLANG &&
	    out->major == major) {
		free(clang);
		return 0;
	}
	free(clang);
	pgo_err_clear();
	toolchain_release(out);
	out->family = TC_CLANG;
	out->major = major;
	return 0;
}

size_t llvm_installed_majors(unsigned *out, size_t max)
{
	size_t n = 0;
	for (unsigned m = 10; m < 40 && n < max; m++) {
		char *p = llvm_dir_tool(m, "llvm-profdata");
		if (!p) {
			char *name = xasprintf("llvm-profdata-%u", m);
			p = find_program(name);
			free(name);
		}
		if (p) {
			out[n++] = m;
			free(p);
		}
	}
	return n;
}

int toolchain_for_llvm_file(const char *file, int indexed, uint32_t version,
			    const struct toolchain *hint, struct toolchain *out)
{
	const char *what = indexed ? "indexed" : "raw";
	uint32_t (*ver)(unsigned) = indexed ? llvm_indexed_version : llvm_raw_version;
	unsigned majors[32];
	size_t n, nfit = 0;
	unsigned fit[32];
	struct strbuf list = STRBUF_INIT;

	toolchain_init(out);
	if (hint && hint->family) {
		if (hint->family != TC_CLANG)
			return pgo_err("'%s' is an LLVM profile; it cannot belong to %s %u",
				       file, family_name(hint->family), hint->major);
		/* Indexed files are read backward: a newer llvm-profdata
		   reads older versions, so only "too new" is a mismatch. */
		if (indexed ? version > ver(hint->major) : version != ver(hint->major))
			return pgo_err("'%s': %s profile version %u does not match clang %u, which %s version %u",
				       file, what, version, hint->major,
				       indexed ? "reads up to" : "writes", ver(hint->major));
		*out = *hint;
		out->compiler = hint->compiler ? xstrdup(hint->compiler) : NULL;
		return 0;
	}
	n = llvm_installed_majors(majors, ARRAY_SIZE(majors));
	for (size_t i = 0; i < n; i++)
		if (ver(majors[i]) == version)
			fit[nfit++] = majors[i];
	if (nfit == 1)
		return toolchain_llvm_major(fit[0], out);
	for (size_t i = 0; i < (nfit ? nfit : n); i++)
		strbuf_addf(&list, "%s%u", i ? ", " : "", nfit ? fit[i] : majors[i]);
	if (nfit == 0)
		pgo_err("'%s': %s profile version %u is not written by any installed LLVM (installed: %s)",
			file, what, version, list.len ? list.buf : "none");
	else
		pgo_err("'%s': %s profile version %u is written by LLVM %s; say which with --toolchain",
			file, what, version, list.buf);
	strbuf_release(&list);
	return -1;
}
