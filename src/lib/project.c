#include "project.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "banned.h"

int project_open(const char *dir, struct project *p)
{
	char *start;
	memset(p, 0, sizeof(*p));
	conf_init(&p->conf);
	start = path_absolute(dir ? dir : ".");
	if (dir && !is_dir(start)) {
		pgo_err("'%s' is not a directory", dir);
		free(start);
		return -1;
	}
	/* Look upward for pgo.conf, as git looks for .git. */
	{
		char *d = xstrdup(start);
		for (;;) {
			char *c = path_join(d, "pgo.conf");
			if (is_file(c)) {
				p->root = d;
				p->conf_path = c;
				break;
			}
			free(c);
			if (!strcmp(d, "/") || dir) {
				free(d);
				break;
			}
			{
				char *up = path_dirname(d);
				free(d);
				d = up;
			}
		}
	}
	if (!p->root)
		p->root = xstrdup(start);
	free(start);
	if (p->conf_path && conf_read(p->conf_path, &p->conf) < 0) {
		project_release(p);
		return -1;
	}
	p->state_dir = path_join(p->root, ".pgo");
	{
		const char *name = conf_get(&p->conf, "project", "name");
		p->name = xstrdup(name && *name ? name : path_basename(p->root));
	}
	return 0;
}

void project_release(struct project *p)
{
	free(p->root);
	free(p->state_dir);
	free(p->conf_path);
	free(p->name);
	conf_release(&p->conf);
	memset(p, 0, sizeof(*p));
}

char *project_path(struct project *p, const char *name)
{
	if (mkdir_p(p->state_dir, 0755) < 0)
		return NULL;
	return path_join(p->state_dir, name);
}

void project_state_init(struct project_state *s)
{
	memset(s, 0, sizeof(*s));
}

void project_state_release(struct project_state *s)
{
	free(s->mode);
	free(s->digest);
	free(s->compiler);
	free(s->source);
	free(s->options);
	free(s->spool);
	free(s->cumulative);
	free(s->last_run);
	project_state_init(s);
}

static char *dup_or_null(const char *v)
{
	return v && *v ? xstrdup(v) : NULL;
}

int project_state_read(struct project *p, struct project_state *s)
{
	char *path = path_join(p->state_dir, "state");
	struct conf c;
	const char *v;
	uint64_t n;

	project_state_init(s);
	conf_init(&c);
	if (!is_file(path)) {
		free(path);
		return 0;
	}
	if (conf_read(path, &c) < 0) {
		free(path);
		return -1;
	}
	s->mode = dup_or_null(conf_get(&c, "build", "mode"));
	s->digest = dup_or_null(conf_get(&c, "build", "profile"));
	s->compiler = dup_or_null(conf_get(&c, "build", "compiler"));
	s->source = dup_or_null(conf_get(&c, "build", "source"));
	s->options = dup_or_null(conf_get(&c, "build", "options"));
	s->spool = dup_or_null(conf_get(&c, "instrument", "spool"));
	s->cumulative = dup_or_null(conf_get(&c, "instrument", "cumulative"));
	s->last_run = dup_or_null(conf_get(&c, "instrument", "last-run"));
	if ((v = conf_get(&c, "build", "time")) && parse_u64_str(v, &n) == 0)
		s->built = (int64_t)n;
	if ((v = conf_get(&c, "instrument", "runs")) && parse_u64_str(v, &n) == 0)
		s->runs = n;
	conf_release(&c);
	free(path);
	return 0;
}

int project_state_write(struct project *p, const struct project_state *s)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = project_path(p, "state");
	int rc;
	if (!path)
		return -1;
	strbuf_addstr(&sb, "# pgo's record of this project's last build; pgo rewrites it.\n");
	strbuf_addf(&sb, "[build]\nmode = %s\nprofile = %s\nsource = %s\ncompiler = %s\noptions = %s\ntime = %" PRId64 "\n",
		    s->mode ? s->mode : "", s->digest ? s->digest : "",
		    s->source ? s->source : "", s->compiler ? s->compiler : "",
		    s->options ? s->options : "", s->built);
	strbuf_addf(&sb, "[instrument]\nspool = %s\ncumulative = %s\nlast-run = %s\nruns = %" PRIu64 "\n",
		    s->spool ? s->spool : "", s->cumulative ? s->cumulative : "",
		    s->last_run ? s->last_run : "", s->runs);
	rc = write_file_durable(path, sb.buf, sb.len, 0644);
	strbuf_release(&sb);
	free(path);
	return rc;
}
