#include <pthread.h>
#include <stdlib.h>

#include "compiler.h"
#include "worker.h"


/* The threads wait on a mutex that worker_run_all() holds until all of
   them exist, so that they run together and really do update the same
   counters at the same time on a machine with two or more cores. A mutex
   rather than a condition variable: no wait loop whose count would vary
   from run to run. */
struct start_gate {
	pthread_mutex_t lock;
};

struct thread_slot {
	pthread_t tid;
	struct start_gate *gate;
	struct worker_job job;
};

static PROJ_NOINLINE void worker_hit(struct worker_job *j)
{
	j->hits++;
	j->acc = j->acc * 31 + j->hits;
}

PROJ_NOINLINE uint64_t worker_step(struct worker_job *j, uint64_t x, unsigned long i)
{
	if (i % 7 == 0)
		worker_hit(j);
	return x ^ (x << 7) ^ (x >> 9) ^ i;
}

PROJ_NOINLINE void worker_run(struct worker_job *j)
{
	uint64_t x = j->seed | 1;
	unsigned long i;

	for (i = 0; i < j->iterations; i++) {
		x = worker_step(j, x, i);
		j->acc ^= x;
	}
}

static void *worker_thread(void *arg)
{
	struct thread_slot *t = arg;

	pthread_mutex_lock(&t->gate->lock);
	pthread_mutex_unlock(&t->gate->lock);
	worker_run(&t->job);
	return NULL;
}

int worker_run_all(unsigned nthreads, unsigned long iterations, uint64_t seed,
		   uint64_t *acc, unsigned long *hits)
{
	struct start_gate gate = { PTHREAD_MUTEX_INITIALIZER };
	struct thread_slot *t = calloc(nthreads, sizeof(*t));
	unsigned k, started;
	int ret = 0;

	if (!t)
		return -1;
	pthread_mutex_lock(&gate.lock);
	for (started = 0; started < nthreads; started++) {
		t[started].gate = &gate;
		t[started].job.iterations = iterations;
		t[started].job.seed = seed + started;
		if (pthread_create(&t[started].tid, NULL, worker_thread, &t[started])) {
			ret = -1;
			break;
		}
	}
	/* Opened on failure too: the threads already started must finish. */
	pthread_mutex_unlock(&gate.lock);
	*acc = 0;
	*hits = 0;
	for (k = 0; k < started; k++) {
		pthread_join(t[k].tid, NULL);
		*acc = *acc * 1099511628211ULL + t[k].job.acc;
		*hits += t[k].job.hits;
	}
	free(t);
	return ret;
}
