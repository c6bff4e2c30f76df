/* The threaded part of the workload. Each of N threads runs exactly
   `iterations` calls of worker_step() on its own state; worker_step()
   calls worker_hit() when i % 7 == 0, i.e. (iterations + 6) / 7 times
   per thread. Threads share nothing but the instrumentation counters,
   so the only races are the ones a profiler must cope with. */
#ifndef PROJ_WORKER_H
#define PROJ_WORKER_H

#include <stdint.h>

struct worker_job {
	unsigned long iterations;
	uint64_t seed;
	uint64_t acc;
	unsigned long hits;
};

uint64_t worker_step(struct worker_job *j, uint64_t x, unsigned long i);
/* Runs one job in the calling thread. */
void worker_run(struct worker_job *j);
/* Runs nthreads jobs in parallel, job k seeded with seed + k, and folds
   their results in thread order into *acc and *hits. 0 or -1. */
int worker_run_all(unsigned nthreads, unsigned long iterations, uint64_t seed,
		   uint64_t *acc, unsigned long *hits);

#endif
