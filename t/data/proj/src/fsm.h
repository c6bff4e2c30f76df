/* A character-level state machine that checks the number syntax of the
   pseudo-text (-12.5e-3) and counts how often each state is entered. */
#ifndef PROJ_FSM_H
#define PROJ_FSM_H

#include <stddef.h>

enum fsm_state {
	S_GAP, S_WORD, S_SIGN, S_INT, S_FRAC, S_EXP_MARK, S_EXP_SIGN, S_EXP,
	S_STRING, S_ESCAPE, S_COMMENT, S_BAD,
	S_COUNT
};

struct fsm_stats {
	unsigned long enter[S_COUNT];
	unsigned long good_numbers, bad_numbers;
};

void fsm_run(const char *s, size_t len, struct fsm_stats *st);

#endif
