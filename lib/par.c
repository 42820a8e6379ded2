/*
 * par.c - a loop over independent items on a few threads
 *
 * A mutex-guarded counter hands out the items. The threads are kept in a
 * pool between calls: the solvers run loops of well under a millisecond
 * (a Gram matrix of a few hundred thousand values per IRLS step), where
 * starting a thread per call, and OpenBLAS setting up its buffers anew in
 * every new thread, would cost as much as the work. One loop at a time
 * uses the pool; a loop started while it is busy (from another thread,
 * or from inside an item) starts threads of its own, as does a process
 * forked from one that had a pool. At exit the pool's threads are stopped
 * and joined.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "par.h"

struct par {
	pthread_mutex_t	 lock;
	size_t		 next, n;
	int		 failed;
	int		(*fn)(void *, size_t, size_t);
	void		*arg;
};

struct par_thread {
	struct par	*p;
	size_t		 t;
};

static void
par_main(struct par *p, size_t t)
{
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->failed ? p->n : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			break;
		rc = p->fn(p->arg, i, t);
		if (rc == -1) {
			pthread_mutex_lock(&p->lock);
			p->failed = 1;
			pthread_mutex_unlock(&p->lock);
			break;
		}
	}
}

static void *
spawned_main(void *v)
{
	struct par_thread *pt = v;

	par_main(pt->p, pt->t);
	return NULL;
}

/*
 * The pool: worker k (1 ...) may join job generation gen when k <= want
 * and the job is still open; active counts the workers that joined and
 * are still in it. The caller closes the job once it has run out of
 * items, and waits only for the workers that joined: on a machine busier
 * than its processors, a worker that is not scheduled in time is not
 * waited for (its share is done by the others) and, waking later, finds
 * the job closed and leaves it alone. Posting, joining and closing
 * happen under lock; gen and active are also read without it, by a
 * worker or the caller spinning for up to PAR_SPIN_NS before it sleeps
 * on its condition: a solver posts a job every few hundred microseconds,
 * and a sleeping thread takes tens of them to wake.
 */
#define PAR_SPIN_NS	50000L

static struct {
	pthread_mutex_t	 busy;	/* held by the loop using the pool */
	pthread_mutex_t	 lock;	/* the fields below */
	pthread_cond_t	 go, done;
	pid_t		 pid;	/* the process whose threads these are */
	size_t		 nworkers, want;
	atomic_size_t	 active;
	atomic_ulong	 gen;
	struct par	*job;
	int		 closed;	/* the job takes no more workers */
	int		 quit, atexit_set;
	pthread_t	 tid[MARE_PAR_MAX_THREADS];
	size_t		 id[MARE_PAR_MAX_THREADS];
} pool = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0,
	NULL, 0, 0, 0, { 0 }, { 0 }
};

static long
elapsed_ns(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000L + t.tv_nsec -
	    t0->tv_nsec;
}

/*
 * Spins while gen is seen (done: while active > 0), PAR_SPIN_NS at most,
 * yielding now and then: with more threads than processors (--threads
 * above the count), a spinning thread must not hold a processor that
 * the thread it waits for needs.
 */
static void
spin(unsigned long seen, int done)
{
	struct timespec t0;
	unsigned i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1;; i++) {
		if (done ? atomic_load(&pool.active) == 0 :
		    atomic_load(&pool.gen) != seen)
			return;
		if (i % 64 == 0) {
			if (elapsed_ns(&t0) > PAR_SPIN_NS)
				return;
			(void)sched_yield();
		}
	}
}

static void *
worker_main(void *v)
{
	size_t k = *(const size_t *)v;
	unsigned long seen;
	struct par *job = NULL;

	pthread_mutex_lock(&pool.lock);
	seen = atomic_load(&pool.gen);	/* started for the job posted */
	if (k <= pool.want)
		seen--;
	pthread_mutex_unlock(&pool.lock);
	for (;;) {
		if (job != NULL)	/* in the last job: likely the next */
			spin(seen, 0);
		pthread_mutex_lock(&pool.lock);
		while (!pool.quit && atomic_load(&pool.gen) == seen)
			pthread_cond_wait(&pool.go, &pool.lock);
		if (pool.quit) {
			pthread_mutex_unlock(&pool.lock);
			break;
		}
		seen = atomic_load(&pool.gen);
		job = k <= pool.want && !pool.closed ? pool.job : NULL;
		if (job != NULL)
			atomic_fetch_add(&pool.active, 1);
		pthread_mutex_unlock(&pool.lock);
		if (job == NULL)
			continue;
		par_main(job, k);
		if (atomic_fetch_sub(&pool.active, 1) == 1) {
			pthread_mutex_lock(&pool.lock);
			pthread_cond_signal(&pool.done);
			pthread_mutex_unlock(&pool.lock);
		}
	}
	return NULL;
}

static void
pool_stop(void)
{
	size_t k, n;

	if (pool.pid != getpid())
		return;
	pthread_mutex_lock(&pool.lock);
	pool.quit = 1;
	atomic_fetch_add(&pool.gen, 1);
	n = pool.nworkers;
	pthread_cond_broadcast(&pool.go);
	pthread_mutex_unlock(&pool.lock);
	for (k = 1; k <= n; k++)
		pthread_join(pool.tid[k], NULL);
	pool.nworkers = 0;
}

/*
 * Runs p on the pool with up to nthreads - 1 workers besides the caller;
 * -1 when the pool is busy or belongs to a parent process (the caller
 * then starts threads of its own).
 */
static int
pool_run(struct par *p, size_t nthreads)
{
	sigset_t all, old;
	size_t k;

	if (pthread_mutex_trylock(&pool.busy) != 0)
		return -1;
	if ((pool.nworkers > 0 && pool.pid != getpid()) || pool.quit ||
	    (!pool.atexit_set && atexit(pool_stop) != 0)) {
		pthread_mutex_unlock(&pool.busy);
		return -1;
	}
	pool.atexit_set = 1;
	pool.pid = getpid();
	pthread_mutex_lock(&pool.lock);
	pool.job = p;
	pool.closed = 0;
	pool.want = nthreads - 1;
	/*
	 * Workers started now count themselves in this job. They block
	 * every signal: signals stay the main thread's business.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (k = pool.nworkers + 1; k < nthreads; k++) {
		pool.id[k] = k;
		if (pthread_create(&pool.tid[k], NULL, worker_main,
		    &pool.id[k]) != 0)
			break;
		pool.nworkers = k;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pool.want > pool.nworkers)
		pool.want = pool.nworkers;
	atomic_store(&pool.active, 0);
	atomic_fetch_add(&pool.gen, 1);
	pthread_cond_broadcast(&pool.go);
	pthread_mutex_unlock(&pool.lock);
	par_main(p, 0);
	/* every item is taken: no worker joins from now on */
	pthread_mutex_lock(&pool.lock);
	pool.closed = 1;
	pthread_mutex_unlock(&pool.lock);
	spin(0, 1);
	pthread_mutex_lock(&pool.lock);
	while (atomic_load(&pool.active) > 0)
		pthread_cond_wait(&pool.done, &pool.lock);
	pthread_mutex_unlock(&pool.lock);
	pthread_mutex_unlock(&pool.busy);
	return 0;
}

/* The loop on threads started for it (the pool is busy). */
static void
spawn_run(struct par *p, size_t nthreads)
{
	pthread_t tid[MARE_PAR_MAX_THREADS];
	struct par_thread pt[MARE_PAR_MAX_THREADS];
	size_t k, started = 1;

	for (k = 1; k < nthreads; k++, started++) {
		pt[k].p = p;
		pt[k].t = k;
		if (pthread_create(&tid[k], NULL, spawned_main, &pt[k]) != 0)
			break;
	}
	par_main(p, 0);
	for (k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
}

size_t
mare_par_cols(size_t p, unsigned nthreads, size_t min)
{
	size_t b = nthreads > 1 ? (p + nthreads - 1) / nthreads : p;

	return b < min ? min : b;
}

int
mare_par_for(size_t n, unsigned nthreads, int (*fn)(void *, size_t, size_t),
    void *arg)
{
	struct par p;
	size_t k;

	if (nthreads > MARE_PAR_MAX_THREADS)
		nthreads = MARE_PAR_MAX_THREADS;
	if (nthreads > n)
		nthreads = (unsigned)n;
	if (nthreads < 1)
		nthreads = 1;
	p.next = 0;
	p.n = n;
	p.failed = 0;
	p.fn = fn;
	p.arg = arg;
	if (nthreads > 1 && pthread_mutex_init(&p.lock, NULL) != 0)
		nthreads = 1;
	if (nthreads == 1) {
		for (k = 0; k < n; k++)
			if (fn(arg, k, 0) == -1)
				return -1;
		return 0;
	}
	if (pool_run(&p, nthreads) == -1)
		spawn_run(&p, nthreads);
	pthread_mutex_destroy(&p.lock);
	return p.failed ? -1 : 0;
}
