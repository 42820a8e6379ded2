/*
 * par.c - a loop over independent items on a few threads
 *
 * A mutex-guarded counter hands out the items; there is no queue and no
 * pool kept between calls, since every loop of mare runs items that take
 * milliseconds to seconds and a thread start costs microseconds.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <pthread.h>
#include <stddef.h>

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

static void *
par_main(void *v)
{
	struct par_thread *pt = v;
	struct par *p = pt->p;
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->failed ? p->n : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			break;
		rc = p->fn(p->arg, i, pt->t);
		if (rc == -1) {
			pthread_mutex_lock(&p->lock);
			p->failed = 1;
			pthread_mutex_unlock(&p->lock);
			break;
		}
	}
	return NULL;
}

int
mare_par_for(size_t n, unsigned nthreads, int (*fn)(void *, size_t, size_t),
    void *arg)
{
	pthread_t tid[MARE_PAR_MAX_THREADS];
	struct par_thread pt[MARE_PAR_MAX_THREADS];
	struct par p;
	size_t k, started = 1;

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
	for (k = 0; k < nthreads; k++) {
		pt[k].p = &p;
		pt[k].t = k;
	}
	for (k = 1; k < nthreads; k++, started++)
		if (pthread_create(&tid[k], NULL, par_main, &pt[k]) != 0)
			break;
	par_main(&pt[0]);
	for (k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_mutex_destroy(&p.lock);
	return p.failed ? -1 : 0;
}
