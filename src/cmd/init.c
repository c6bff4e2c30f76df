#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fsutil.h"
#include "project.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo init [--force] [-C DIR]\n"
	"\n"
	"Looks at the project (Makefile, CMakeLists.txt, meson.build, configure)\n"
	"and writes a commented pgo.conf for a person to finish: the build\n"
	"commands, the binaries that matter, and the training commands.\n"
	"\n"
	"  --force   replace an existing pgo.conf\n"
	"  -C DIR    the project directory (default: the current one)\n";

struct system {
	const char *file;        /* what identifies it */
	const char *name;
	const char *dir;         /* build directory, or NULL for in-tree */
	const char *configure[3];
	const char *command;
	const char *clean;
};

static const struct system systems[] = {
	{ "meson.build", "Meson", "build",
	  { "meson setup build --buildtype=release", NULL, NULL },
	  "meson compile -C build", "ninja -C build clean" },
	{ "CMakeLists.txt", "CMake", "build",
	  { "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release", NULL, NULL },
	  "cmake --build build --parallel", "cmake --build build --target clean" },
	{ "configure", "autotools (configure)", "config.status",
	  { "./configure", NULL, NULL },
	  "make -j2", "make clean" },
	{ "configure.ac", "autotools (configure.ac)", "config.status",
	  { "autoreconf -fi", "./configure", NULL },
	  "make -j2", "make clean" },
	{ "Makefile", "make", NULL, { NULL, NULL, NULL }, "make -j2", "make clean" },
	{ "makefile", "make", NULL, { NULL, NULL, NULL }, "make -j2", "make clean" },
	{ "GNUmakefile", "make", NULL, { NULL, NULL, NULL }, "make -j2", "make clean" },
};

int cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = ".";
	const struct system *sys = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *root, *conf, *name;
	int c, force = 0, ret = 1;

	(void)ctx;
	while ((c = cmd_getopt(argc, argv, "C:", opts, usage)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'C': dir = optarg; break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind != argc)
		cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	root = path_absolute(dir);
	conf = path_join(root, "pgo.conf");
	if (!is_dir(root)) {
		fprintf(stderr, "pgo: error: '%s' is not a directory\n", dir);
		goto out;
	}
	if (is_file(conf) && !force) {
		fprintf(stderr, "pgo: error: '%s' exists; --force replaces it\n", conf);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(systems) && !sys; i++) {
		char *f = path_join(root, systems[i].file);
		if (is_file(f))
			sys = &systems[i];
		free(f);
	}
	if (!sys) {
		fprintf(stderr, "pgo: error: no Makefile, CMakeLists.txt, meson.build or configure in '%s'\n", root);
		goto out;
	}
	name = xstrdup(path_basename(root));
	strbuf_addf(&sb,
		    "# pgo.conf: how pgo builds, trains and measures this project.\n"
		    "# Written by 'pgo init' for a %s project; edit it.  Commands are run\n"
		    "# without a shell, in the project directory: quotes and $VARIABLES work,\n"
		    "# pipes and redirections do not (put those in a script).\n"
		    "\n"
		    "[project]\n"
		    "# The program's name in the profile store.\n"
		    "name = %s\n"
		    "# The real compilers (default: $CC and $CXX, else cc and c++).\n"
		    "# cc = clang-14\n"
		    "# cxx = clang++-14\n"
		    "\n"
		    "[build]\n", sys->name, name);
	if (sys->dir) {
		strbuf_addf(&sb,
			    "# Configuration runs once, when this does not exist yet.\n"
			    "dir = %s\n", sys->dir);
		for (int i = 0; i < 3 && sys->configure[i]; i++)
			strbuf_addf(&sb, "configure = %s\n", sys->configure[i]);
	}
	strbuf_addf(&sb,
		    "# pgo sets CC and CXX to its wrapper; the build system must use them.\n"
		    "command = %s\n"
		    "# Run when the profile or the compiler changed since the last build, so\n"
		    "# that no object built with another profile is kept.\n"
		    "clean = %s\n"
		    "# The programs to optimize, relative to this directory.\n"
		    "# binaries = %s%s\n"
		    "\n"
		    "[train]\n"
		    "# Realistic uses of the program; each 'command' is one training run.\n"
		    "# Train on what users do: an unrepresentative workload can make the\n"
		    "# program slower where it matters.\n"
		    "# command = ./%s some-typical-input\n"
		    "# Counters: 'atomic' (default) counts exactly in threaded programs;\n"
		    "# 'single' trains a program of one thread up to twice as fast.\n"
		    "# counters = atomic\n"
		    "# Value profiling (indirect-call targets, memcpy sizes): 'no' by\n"
		    "# default, because it makes the merged profile depend on the order\n"
		    "# of the runs.\n"
		    "# value-profiling = no\n"
		    "\n"
		    "[bench]\n"
		    "# A workload other than the training one, timed by 'pgo optimize'.\n"
		    "# command = ./%s another-input\n"
		    "# runs = 5\n"
		    "\n"
		    "[smoke]\n"
		    "# Must succeed before an optimized build replaces the current one.\n"
		    "# command = ./%s --version\n",
		    sys->command, sys->clean, sys->dir && strcmp(sys->dir, "config.status") ? "build/" : "",
		    name, name, name, name);
	if (write_file_durable(conf, sb.buf, sb.len, 0644) < 0) {
		fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
		free(name);
		goto out;
	}
	printf("wrote %s (%s project): edit [build] binaries and [train]\n", conf, sys->name);
	free(name);
	ret = 0;
out:
	strbuf_release(&sb);
	free(root);
	free(conf);
	return ret;
}
