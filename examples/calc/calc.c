/*
 * calc.c - the whole interpreter as one translation unit.
 *
 * The modules stay in their own files; the build compiles this file, which
 * includes them all, so the compiler sees the runtime (tables, strings, the
 * garbage collector) while it optimizes the VM loop and can inline across
 * modules.  SQLite's amalgamation and Lua's onelua.c do the same.
 *
 * It is also what makes calc a good PGO demo: with everything visible, the
 * compiler has far more inlining and layout decisions to make, and which
 * call sites are hot is exactly what it cannot know without a profile.
 */
#include "util.c"
#include "value.c"
#include "table.c"
#include "lexer.c"
#include "parser.c"
#include "compile.c"
#include "builtins.c"
#include "vm.c"
#include "main.c"
