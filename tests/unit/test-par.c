/*
 * test-par.c - lib/par.c: every item once, on the threads asked for,
 * through the pool, a busy pool (nested and concurrent loops), a failing
 * item and a forked child
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "par.h"
#include "tap.h"

struct job {
	size_t		 n;
	unsigned	 nthreads;
	unsigned char	*hits;	/* n: calls of each item */
	unsigned char	*tids;	/* MARE_PAR_MAX_THREADS: thread numbers seen */
	size_t		 fail_at;	/* an item returning -1, or n */
	int		 nested;	/* each item runs a loop of its own */
	pthread_mutex_t	 lock;
	size_t		 calls;
	int		 bad;	/* a thread number out of range */
};

static int
inner(void *arg, size_t i, size_t t)
{
	double *v = arg;

	(void)t;
	v[i] = (double)i * i;
	return 0;
}

static int
item(void *arg, size_t i, size_t t)
{
	struct job *j = arg;
	double v[50];
	size_t k;

	pthread_mutex_lock(&j->lock);
	j->hits[i]++;
	j->calls++;
	if (t >= j->nthreads || t >= MARE_PAR_MAX_THREADS)
		j->bad = 1;
	else
		j->tids[t] = 1;
	pthread_mutex_unlock(&j->lock);
	if (j->nested) {
		memset(v, 0, sizeof(v));
		if (mare_par_for(50, 2, inner, v) != 0)
			return -1;
		for (k = 0; k < 50; k++)
			if (v[k] != (double)k * k)
				return -1;
	}
	return i == j->fail_at ? -1 : 0;
}

/* j for n items on nthreads, item fail_at (n: none) returning -1. */
static void
job_init(struct job *j, size_t n, unsigned nthreads, size_t fail_at,
    int nested)
{
	memset(j, 0, sizeof(*j));
	j->n = n;
	j->nthreads = nthreads < 1 ? 1 : nthreads;
	j->fail_at = fail_at;
	j->nested = nested;
	j->hits = calloc(n + 1, 1);
	j->tids = calloc(MARE_PAR_MAX_THREADS, 1);
	pthread_mutex_init(&j->lock, NULL);
}

/* Runs a loop; 0 when every item ran once and thread numbers fit. */
static int
run(struct job *j, size_t n, unsigned nthreads, int nested)
{
	size_t i;
	int rc;

	job_init(j, n, nthreads, n, nested);
	rc = mare_par_for(n, nthreads, item, j);
	for (i = 0; i < n; i++)
		if (j->hits[i] != 1)
			rc = -1;
	if (j->bad)
		rc = -1;
	return rc;
}

static void
done(struct job *j)
{
	free(j->hits);
	free(j->tids);
	pthread_mutex_destroy(&j->lock);
}

static size_t
threads_seen(const struct job *j)
{
	size_t t, c = 0;

	for (t = 0; t < MARE_PAR_MAX_THREADS; t++)
		c += j->tids[t];
	return c;
}

/* Another thread running loops while the main thread does too. */
static void *
concurrent(void *arg)
{
	struct job j;
	int r, *fails = arg;

	for (r = 0; r < 200; r++) {
		if (run(&j, 37, 3, 0) != 0)
			(*fails)++;
		done(&j);
	}
	return NULL;
}

int
main(void)
{
	static const size_t ns[] = { 0, 1, 2, 5, 64, 1000 };
	static const unsigned ts[] = { 0, 1, 2, 3, 8, 100 };
	struct job j;
	pthread_t th;
	size_t a, b;
	int r, fails, status;
	pid_t pid;

	for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (b = 0; b < sizeof(ts) / sizeof(ts[0]); b++) {
			ok(run(&j, ns[a], ts[b], 0) == 0, "%zu items on %u "
			    "threads: each once, thread numbers in range",
			    ns[a], ts[b]);
			done(&j);
		}

	/* one thread: the calling thread, items in order */
	ok(run(&j, 10, 1, 0) == 0 && threads_seen(&j) == 1 && j.tids[0],
	    "one thread: the caller alone (thread 0)");
	done(&j);

	/* the pool, called many times: every call complete */
	for (r = 0, fails = 0; r < 2000; r++) {
		if (run(&j, 7, 2, 0) != 0)
			fails++;
		done(&j);
	}
	is_int(fails, 0, "2000 loops in a row on the pool: every item once");
	ok(mare_par_cols(614, 2, 64) == 307 && mare_par_cols(615, 2, 64) ==
	    308 && mare_par_cols(614, 1, 64) == 614 &&
	    mare_par_cols(614, 0, 64) == 614 && mare_par_cols(100, 2, 64) ==
	    64 && mare_par_cols(10, 4, 64) == 64, "column blocks: one a "
	    "thread, rounded up, at least the minimum");

	/* a failing item: -1, and no item starts after it on one thread */
	job_init(&j, 100, 1, 10, 0);
	is_int(mare_par_for(100, 1, item, &j), -1, "an item's -1 is returned");
	is_int((long long)j.calls, 11, "one thread stops at the failing item");
	done(&j);
	job_init(&j, 100000, 2, 10, 0);
	is_int(mare_par_for(100000, 2, item, &j), -1,
	    "an item's -1 is returned from the pool");
	ok(j.calls < 100000, "the pool stops handing out items after a -1 "
	    "(%zu of 100000 ran)", j.calls);
	done(&j);

	/* loops inside items: the pool is busy, they start threads */
	ok(run(&j, 20, 2, 1) == 0, "loops nested in the items of a pooled "
	    "loop run every item");
	done(&j);

	/* loops from two threads at once */
	fails = 0;
	if (pthread_create(&th, NULL, concurrent, &fails) == 0) {
		for (r = 0; r < 200; r++) {
			if (run(&j, 41, 2, 0) != 0)
				fails++;
			done(&j);
		}
		pthread_join(th, NULL);
		is_int(fails, 0, "loops from two threads at once: every item "
		    "once");
	} else
		skip("pthread_create failed", "loops from two threads");

	/* a child of a process with a pool starts threads of its own */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		r = run(&j, 50, 2, 0);
		_exit(r == 0 ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "a forked child's loop runs every "
	    "item");
	return tap_done();
}
