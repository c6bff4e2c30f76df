/*
 * calc - a small scripting language: lexer, parser, bytecode compiler and
 * a stack-based virtual machine with a garbage-collected heap.
 *
 * It is the demo program of the pgo repository: its speed depends on
 * branch behaviour and inlining, which is what profile-guided optimization
 * improves.  See README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "compile.h"
#include "parser.h"
#include "util.h"
#include "value.h"
#include "vm.h"

#define CALC_VERSION "1.0"

static const char usage[] =
	"usage: calc [--check | --dump] FILE...\n"
	"       calc --version\n"
	"\n"
	"Runs each calc script in turn, each in a fresh interpreter.\n"
	"  --check    only compile: report syntax errors\n"
	"  --dump     list the bytecode instead of running\n";

enum { MODE_RUN, MODE_CHECK, MODE_DUMP };

static int run_file(const char *path, int mode)
{
	Arena arena = {0};
	Heap heap;
	Program *prog;
	Node *ast;
	size_t len;
	char *src = read_file(path, &len);
	int rc = 0;

	if (!src)
		die(2, "cannot read '%s': %s", path, strerror(errno));
	heap_init(&heap);
	ast = parse_program(&arena, src, len, path);
	prog = compile_program(&heap, ast, path);
	arena_free(&arena);
	if (mode == MODE_DUMP)
		program_dump(prog);
	else if (mode == MODE_RUN)
		rc = vm_run(prog, &heap);
	program_free(prog);
	heap_free(&heap);
	free(src);
	return rc;
}

int main(int argc, char **argv)
{
	int mode = MODE_RUN;
	int first = 1;
	int rc = 0;

	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		const char *opt = argv[first];
		if (!strcmp(opt, "--")) {
			first++;
			break;
		} else if (!strcmp(opt, "--version")) {
			printf("calc %s\n", CALC_VERSION);
			return fflush(stdout) ? 1 : 0;
		} else if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			fputs(usage, stdout);
			return fflush(stdout) ? 1 : 0;
		} else if (!strcmp(opt, "--dump")) {
			mode = MODE_DUMP;
		} else if (!strcmp(opt, "--check")) {
			mode = MODE_CHECK;
		} else {
			fprintf(stderr, "calc: error: unknown option '%s'\n%s", opt, usage);
			return 2;
		}
	}
	if (first >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = first; i < argc && rc == 0; i++)
		if (run_file(argv[i], mode))
			rc = 1;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "calc: error: cannot write to standard output: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}
