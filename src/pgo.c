/*
 * pgo: the command.  Finds the subcommand by its exact name (no prefix
 * matching: a script that works today must not break when a command is
 * added), does the set-up its flags ask for, and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

#ifndef PGO_VERSION
#define PGO_VERSION "0.1.0"
#endif

static const struct cmd commands[] = {
	{ "import", cmd_import, CMD_NEEDS_STORE, "add profiles to the store" },
	{ "merge", cmd_merge, CMD_NEEDS_STORE, "merge profiles into a new one" },
	{ "show", cmd_show, CMD_NEEDS_STORE, "describe a profile" },
	{ "diff", cmd_diff, CMD_NEEDS_STORE, "compare two profiles" },
	{ "export", cmd_export, CMD_NEEDS_STORE, "write a profile for a compiler" },
	{ "ls", cmd_ls, CMD_NEEDS_STORE, "list stored profiles" },
	{ "gc", cmd_gc, CMD_NEEDS_STORE, "remove old profiles and unused objects" },
	{ "init", cmd_init, 0, "write a pgo.conf for a project" },
	{ "build", cmd_build, CMD_NEEDS_STORE, "build a project with or without a profile" },
	{ "run", cmd_run, CMD_NEEDS_STORE, "run a training workload and store its profile" },
	{ "optimize", cmd_optimize, CMD_NEEDS_STORE, "build, train, rebuild and measure, from pgo.conf" },
	{ "inspect", cmd_inspect, 0, "show how a binary was built by pgo" },
	{ "enable", cmd_enable, CMD_NEEDS_STORE, "optimize a program from its real use (pgod)" },
	{ "disable", cmd_disable, CMD_NEEDS_STORE, "put a managed program's plain build back" },
	{ "status", cmd_status, CMD_NEEDS_STORE, "where every managed program stands" },
	{ "generations", cmd_generations, CMD_NEEDS_STORE, "list a managed program's generations" },
	{ "rollback", cmd_rollback, CMD_NEEDS_STORE, "switch a managed program to an older generation" },
	{ "daemon", cmd_daemon, CMD_NEEDS_STORE, "run pgod, or talk to it (stop, reload, status)" },
};

static void usage(FILE *f)
{
	fputs("usage: pgo [--store DIR] COMMAND [ARGS]\n"
	      "       pgo cc|c++ COMPILER-ARGS...   (the compiler wrapper; also pgo-cc, pgo-c++)\n"
	      "\ncommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'pgo COMMAND --help' for a command's options.\n"
	      "The store is --store DIR, else $PGO_STORE, else $XDG_DATA_HOME/pgo.\n", f);
}

int main(int argc, char **argv)
{
	const struct cmd *c = NULL;
	struct cmd_ctx ctx;
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int i = 1, rc;

	memset(&ctx, 0, sizeof(ctx));
	/* The compiler wrapper: every argument belongs to the compiler. */
	if (!strcmp(self, "pgo-cc"))
		return cmd_cc(argc, argv, 0);
	if (!strcmp(self, "pgo-c++"))
		return cmd_cc(argc, argv, 1);
	/* pgod is pgo daemon. */
	if (!strcmp(self, "pgod")) {
		static char daemon_word[] = "daemon";
		char **av = xcalloc((size_t)argc + 2, sizeof(*av));
		av[0] = argv[0];
		av[1] = daemon_word;
		for (int k = 1; k < argc; k++)
			av[k + 1] = argv[k];
		argv = av;
		argc++;
	}
	if (argc > 1 && !strcmp(argv[1], "cc"))
		return cmd_cc(argc - 1, argv + 1, 0);
	if (argc > 1 && !strcmp(argv[1], "c++"))
		return cmd_cc(argc - 1, argv + 1, 1);
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			global_opts.store_dir = argv[i + 1];
			i += 2;
		} else if (str_starts_with(argv[i], "--store=")) {
			global_opts.store_dir = argv[i] + 8;
			i++;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return cmd_finish_stdout(0);
		} else if (!strcmp(argv[i], "--version")) {
			printf("pgo %s\n", PGO_VERSION);
			return cmd_finish_stdout(0);
		} else {
			fprintf(stderr, "pgo: error: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc) {
			char *sub[] = { argv[i + 1], (char *)"--help", NULL };
			for (size_t k = 0; k < ARRAY_SIZE(commands); k++)
				if (!strcmp(commands[k].name, argv[i + 1]))
					return commands[k].fn(2, sub, &ctx);
		}
		usage(stdout);
		return cmd_finish_stdout(0);
	}
	if (!strcmp(argv[i], "version")) {
		printf("pgo %s\n", PGO_VERSION);
		return cmd_finish_stdout(0);
	}
	for (size_t k = 0; k < ARRAY_SIZE(commands); k++)
		if (!strcmp(commands[k].name, argv[i]))
			c = &commands[k];
	if (!c) {
		fprintf(stderr, "pgo: error: '%s' is not a pgo command; see 'pgo --help'\n", argv[i]);
		return EXIT_USAGE;
	}
	memset(&ctx, 0, sizeof(ctx));
	argc -= i;
	argv += i;
	/* --help must work without a store: let the command see it first. */
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--"))
			break;
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
			return c->fn(argc, argv, &ctx);
		if (!strcmp(argv[k], "--store") && k + 1 < argc)
			global_opts.store_dir = argv[k + 1];
		else if (str_starts_with(argv[k], "--store="))
			global_opts.store_dir = argv[k] + 8;
	}
	if ((c->flags & CMD_NEEDS_STORE) && store_open(global_opts.store_dir, &ctx.store) < 0)
		pgo_die_last(EXIT_FATAL);
	rc = c->fn(argc, argv, &ctx);
	if (c->flags & CMD_NEEDS_STORE)
		store_close(&ctx.store);
	return cmd_finish_stdout(rc);
}
