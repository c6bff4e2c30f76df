/*
 * conf: pgo.conf, the project's description (INI-style), and the words
 * of the commands written in it.
 *
 *   # comment
 *   [section]
 *   key = value          (a key may repeat: "command" lines in [train])
 *
 * Commands are split into argv words the way a shell would split a
 * simple command: single and double quotes, backslash escapes, and
 * $NAME / ${NAME} expanded from the environment.  Nothing else: pipes,
 * redirections, ';', '&&', globs and command substitution are refused
 * with an error that says to put such a pipeline in a script.  The
 * words are then run with an argv, never through a shell.
 */
#ifndef PGO_CONF_H
#define PGO_CONF_H

#include "util.h"
#include "run.h"

struct conf_entry {
	char *section;
	char *key;
	char *value;
	int line;
};

struct conf {
	char *path;
	size_t n, alloc;
	struct conf_entry *e;
};

void conf_init(struct conf *c);
void conf_release(struct conf *c);
int conf_parse(const char *name, const char *data, size_t len, struct conf *c);
int conf_read(const char *path, struct conf *c);

/* The last value of section.key, or NULL. */
const char *conf_get(const struct conf *c, const char *section, const char *key);
/* Every value of section.key in file order; returns the count. */
size_t conf_get_all(const struct conf *c, const char *section, const char *key,
		    const struct conf_entry ***out);

/* Splits a command line into words (see above).  An expansion is one
   word or part of one, never split into several as a shell would. */
int conf_split_command(const char *cmd, struct argv_array *out);
/* The same, with "K=V" entries of env taking precedence over the
   process environment (the environment the command will run in). */
int conf_split_command_env(const char *cmd, const char *const *env, struct argv_array *out);

#endif
