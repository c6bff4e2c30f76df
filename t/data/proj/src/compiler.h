#ifndef PROJ_COMPILER_H
#define PROJ_COMPILER_H

/* The functions whose counts the tests check stay out of line: an inlined
   copy would put its counts in the caller's profile record (clang's IR
   PGO inlines small functions before it instruments). */
#if defined(__GNUC__) && !defined(__clang__)
#define PROJ_NOINLINE __attribute__((noinline, noclone))
#else
#define PROJ_NOINLINE __attribute__((noinline))
#endif

#endif
