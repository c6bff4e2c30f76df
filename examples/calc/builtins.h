/*
 * builtins.h - calc's runtime library: output, strings, tables, maths.
 */
#ifndef CALC_BUILTINS_H
#define CALC_BUILTINS_H

#include <stddef.h>

#include "vm.h"

extern const Native calc_builtins[];
extern const size_t calc_nbuiltins;

#endif
