#include "conf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "banned.h"

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
}

void conf_release(struct conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].section);
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c->e);
	free(c->path);
	conf_init(c);
}

static const char *trim(const char *s, const char *end, const char **out_end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*out_end = end;
	return s;
}

static int valid_key(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

int conf_parse(const char *name, const char *data, size_t len, struct conf *c)
{
	const char *p = data, *end = data + len;
	char *section = NULL;
	int line = 0;

	if (!valid_text(data, len) && memchr(data, '\0', len))
		return pgo_err("'%s': not a text file", name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s, *se;
		line++;
		s = trim(p, le, &se);
		p = nl ? nl + 1 : end;
		if (s == se || *s == '#' || *s == ';')
			continue;
		if (!valid_text(s, (size_t)(se - s))) {
			free(section);
			return pgo_err("'%s': line %d: not valid text", name, line);
		}
		if (*s == '[') {
			const char *ce, *cs;
			if (se[-1] != ']') {
				free(section);
				return pgo_err("'%s': line %d: expected ']' at the end of the section name",
					       name, line);
			}
			cs = trim(s + 1, se - 1, &ce);
			if (!valid_key(cs, (size_t)(ce - cs))) {
				free(section);
				return pgo_err("'%s': line %d: bad section name", name, line);
			}
			free(section);
			section = xstrndup(cs, (size_t)(ce - cs));
			continue;
		}
		{
			const char *eq = memchr(s, '=', (size_t)(se - s));
			const char *ks, *ke, *vs, *ve;
			struct conf_entry *e;
			if (!eq) {
				free(section);
				return pgo_err("'%s': line %d: expected 'key = value'", name, line);
			}
			if (!section) {
				free(section);
				return pgo_err("'%s': line %d: '%.*s' is outside any [section]", name, line,
					       (int)(eq - s), s);
			}
			ks = trim(s, eq, &ke);
			vs = trim(eq + 1, se, &ve);
			if (!valid_key(ks, (size_t)(ke - ks))) {
				free(section);
				return pgo_err("'%s': line %d: bad key '%.*s'", name, line,
					       (int)(ke - ks), ks);
			}
			ALLOC_GROW(c->e, c->n + 1, c->alloc);
			e = &c->e[c->n++];
			e->section = xstrdup(section);
			e->key = xstrndup(ks, (size_t)(ke - ks));
			e->value = xstrndup(vs, (size_t)(ve - vs));
			e->line = line;
		}
	}
	free(section);
	free(c->path);
	c->path = xstrdup(name);
	return 0;
}

int conf_read(const char *path, struct conf *c)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;
	if (read_file(path, &sb, 1 << 20) < 0)
		return -1;
	rc = conf_parse(path, sb.buf, sb.len, c);
	strbuf_release(&sb);
	return rc;
}

const char *conf_get(const struct conf *c, const char *section, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].section, section) && !strcmp(c->e[i].key, key))
			v = c->e[i].value;
	return v;
}

size_t conf_get_all(const struct conf *c, const char *section, const char *key,
		    const struct conf_entry ***out)
{
	size_t n = 0, alloc = 0;
	*out = NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->e[i].section, section) || strcmp(c->e[i].key, key))
			continue;
		ALLOC_GROW(*out, n + 1, alloc);
		(*out)[n++] = &c->e[i];
	}
	return n;
}

static const char *lookup(const char *name, const char *const *env)
{
	size_t n = strlen(name);
	for (const char *const *e = env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return getenv(name);
}

static int expand_var(const char **pp, struct strbuf *w, const char *const *env)
{
	const char *p = *pp + 1, *start;
	char *name;
	const char *val;
	int braced = *p == '{';
	if (braced)
		p++;
	start = p;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p == start || (braced && *p != '}'))
		return pgo_err("bad variable reference in '%s'", *pp);
	name = xstrndup(start, (size_t)(p - start));
	val = lookup(name, env);
	if (val)
		strbuf_addstr(w, val);
	free(name);
	*pp = braced ? p + 1 : p;
	return 0;
}

int conf_split_command(const char *cmd, struct argv_array *out)
{
	return conf_split_command_env(cmd, NULL, out);
}

int conf_split_command_env(const char *cmd, const char *const *env, struct argv_array *out)
{
	struct strbuf w = STRBUF_INIT;
	const char *p = cmd;
	int in_word = 0;

	while (*p) {
		char ch = *p;
		if (ch == ' ' || ch == '\t') {
			if (in_word) {
				argv_push(out, w.buf);
				strbuf_reset(&w);
				in_word = 0;
			}
			p++;
			continue;
		}
		if (strchr("|&;<>()`*?[", ch) || (ch == '$' && p[1] == '(')) {
			strbuf_release(&w);
			return pgo_err("'%s': '%c' needs a shell; put the command in a script and name the script here",
				       cmd, ch);
		}
		in_word = 1;
		if (ch == '\\') {
			if (!p[1])
				break;
			strbuf_addch(&w, p[1]);
			p += 2;
		} else if (ch == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (!q) {
				strbuf_release(&w);
				return pgo_err("'%s': unterminated single quote", cmd);
			}
			strbuf_add(&w, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (ch == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\\\"$`", p[1])) {
					strbuf_addch(&w, p[1]);
					p += 2;
				} else if (*p == '$' && (isalpha((unsigned char)p[1]) || p[1] == '_' || p[1] == '{')) {
					if (expand_var(&p, &w, env) < 0) {
						strbuf_release(&w);
						return -1;
					}
				} else {
					strbuf_addch(&w, *p++);
				}
			}
			if (*p != '"') {
				strbuf_release(&w);
				return pgo_err("'%s': unterminated double quote", cmd);
			}
			p++;
		} else if (ch == '$' && (isalpha((unsigned char)p[1]) || p[1] == '_' || p[1] == '{')) {
			if (expand_var(&p, &w, env) < 0) {
				strbuf_release(&w);
				return -1;
			}
		} else {
			strbuf_addch(&w, ch);
			p++;
		}
	}
	if (in_word)
		argv_push(out, w.buf);
	strbuf_release(&w);
	if (!out->n)
		return pgo_err("empty command");
	return 0;
}
