/*
 * mt-compute: multi-threaded compute with pthreads.
 *
 * T worker threads own equal chunks of a ring of 64-bit cells. Every step the main thread
 * releases the workers through a mutex + condition variable, each worker rewrites its chunk from
 * the previous generation (double buffered), all meet at a pthread barrier, then each hashes
 * the next thread's fresh chunk and reports under the mutex; the main thread waits on a second
 * condition variable until all T reported and folds the reports in thread order.
 *
 * Each thread keeps an evolving salt in thread-local storage (__thread) that enters every
 * cell it computes, so a restore that mixes up threads' TLS (fs base) changes the result, and
 * the thread-local index/step counters are checked every step (exit 3 on mismatch).
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_THREADS 4
#define MAX_THREADS 64
#define DEFAULT_STEPS 8000
#define DEFAULT_CELLS_PER_THREAD 65536
#define MAX_CELLS_PER_THREAD (1u << 24)

struct job {
    unsigned threads;
    uint64_t steps, cells_per_thread, cells, seed;
    uint64_t *generation[2];
    pthread_barrier_t computed;
    pthread_mutex_t lock;
    pthread_cond_t released_cond, reported_cond;
    uint64_t released_steps;   /* workers may run steps < released_steps */
    unsigned reported;         /* workers that reported the current step */
    int stop;
    uint64_t *report, *report_step, *final_salt;
};

struct worker_arg {
    struct job *job;
    unsigned index;
};

/* The thread's identity and its evolving salt live in TLS on purpose: they are part of the state. */
static __thread unsigned tls_index;
static __thread uint64_t tls_salt;
static __thread uint64_t tls_steps_done;

static void check_pthread(int rc, const char *what)
{
    if (rc != 0) {
        errno = rc;
        die_sys("%s", what);
    }
}

static inline uint64_t next_cell(const uint64_t *cur, uint64_t cells, uint64_t i, uint64_t salt)
{
    uint64_t left = cur[i == 0 ? cells - 1 : i - 1];
    uint64_t right = cur[i + 1 == cells ? 0 : i + 1];
    return mix64((left + rotl64(cur[i], 17)) ^ right ^ salt) + (right >> 7);
}

static uint64_t wait_for_release(struct job *job, uint64_t step)
{
    check_pthread(pthread_mutex_lock(&job->lock), "lock step mutex");
    while (job->released_steps <= step && !job->stop)
        check_pthread(pthread_cond_wait(&job->released_cond, &job->lock), "wait for step release");
    int stop = job->stop;
    check_pthread(pthread_mutex_unlock(&job->lock), "unlock step mutex");
    return !stop;
}

static void *worker(void *p)
{
    struct worker_arg *arg = p;
    struct job *job = arg->job;
    tls_index = arg->index;
    tls_salt = mix64(job->seed ^ ((uint64_t)arg->index << 32));
    tls_steps_done = 0;
    uint64_t first = (uint64_t)arg->index * job->cells_per_thread;
    uint64_t end = first + job->cells_per_thread;
    uint64_t neighbour = (end == job->cells) ? 0 : end;

    for (uint64_t step = 0; wait_for_release(job, step); step++) {
        const uint64_t *cur = job->generation[step & 1];
        uint64_t *next = job->generation[(step + 1) & 1];
        for (uint64_t i = first; i < end; i++)
            next[i] = next_cell(cur, job->cells, i, tls_salt);

        int rc = pthread_barrier_wait(&job->computed);
        if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
            check_pthread(rc, "wait at the step barrier");

        /* Read the neighbour thread's fresh chunk: only valid after the barrier. */
        uint64_t h = step;
        for (uint64_t k = 0; k < job->cells_per_thread; k++)
            h = fold64(h, next[neighbour + k] ^ next[first + k]);
        tls_salt = fold64(tls_salt, h);
        tls_steps_done++;

        check_pthread(pthread_mutex_lock(&job->lock), "lock step mutex");
        if (tls_index != arg->index || tls_steps_done != step + 1)
            die_inconsistent("thread %u sees thread-local index %u and %" PRIu64
                             " steps done at step %" PRIu64, arg->index, tls_index, tls_steps_done, step);
        job->report[arg->index] = fold64(h, tls_salt);
        job->report_step[arg->index] = step;
        if (++job->reported == job->threads)
            check_pthread(pthread_cond_signal(&job->reported_cond), "signal step completion");
        check_pthread(pthread_mutex_unlock(&job->lock), "unlock step mutex");
    }
    job->final_salt[arg->index] = tls_salt;
    return NULL;
}

int main(int argc, char **argv)
{
    set_job_name("mt-compute");
    uint64_t threads = DEFAULT_THREADS, steps = DEFAULT_STEPS, cells = DEFAULT_CELLS_PER_THREAD, seed = 1;
    struct option_spec specs[] = {
        {"threads", OPTION_U64, "T", "worker threads", &threads, 1, MAX_THREADS, NULL},
        {"steps", OPTION_U64, "N", "synchronized compute steps", &steps, 1, UINT32_MAX, NULL},
        {"cells", OPTION_U64, "C", "64-bit cells per thread", &cells, 16, MAX_CELLS_PER_THREAD, NULL},
        {"seed", OPTION_U64, "S", "seed of the initial cells", &seed, 0, UINT64_MAX, NULL},
    };
    parse_options(argc, argv,
                  "Multi-threaded stencil on a ring of cells: mutex/condvar handshake and a barrier per step,\n"
                  "thread-local salts that enter every cell.",
                  specs, sizeof specs / sizeof specs[0]);

    struct job job = {.threads = (unsigned)threads, .steps = steps, .cells_per_thread = cells,
                      .cells = threads * cells, .seed = seed};
    for (int g = 0; g < 2; g++) {
        job.generation[g] = malloc(job.cells * sizeof(uint64_t));
        if (!job.generation[g])
            die_sys("allocate %" PRIu64 " cells", job.cells);
    }
    for (uint64_t i = 0; i < job.cells; i++)
        job.generation[0][i] = mix64(seed + i);
    job.report = calloc(threads, sizeof(uint64_t));
    job.report_step = calloc(threads, sizeof(uint64_t));
    job.final_salt = calloc(threads, sizeof(uint64_t));
    struct worker_arg *args = calloc(threads, sizeof *args);
    pthread_t *tids = calloc(threads, sizeof *tids);
    if (!job.report || !job.report_step || !job.final_salt || !args || !tids)
        die_sys("allocate per-thread state for %" PRIu64 " threads", threads);
    check_pthread(pthread_barrier_init(&job.computed, NULL, job.threads), "init barrier");
    check_pthread(pthread_mutex_init(&job.lock, NULL), "init mutex");
    check_pthread(pthread_cond_init(&job.released_cond, NULL), "init condition variable");
    check_pthread(pthread_cond_init(&job.reported_cond, NULL), "init condition variable");

    for (unsigned t = 0; t < job.threads; t++) {
        args[t] = (struct worker_arg){.job = &job, .index = t};
        check_pthread(pthread_create(&tids[t], NULL, worker, &args[t]), "create worker thread");
    }

    uint64_t every = progress_interval(steps), acc = mix64(seed);
    for (uint64_t step = 0; step < steps; step++) {
        check_pthread(pthread_mutex_lock(&job.lock), "lock step mutex");
        job.reported = 0;
        job.released_steps = step + 1;
        check_pthread(pthread_cond_broadcast(&job.released_cond), "release step");
        while (job.reported < job.threads)
            check_pthread(pthread_cond_wait(&job.reported_cond, &job.lock), "wait for step reports");
        uint64_t reduction = step;
        for (unsigned t = 0; t < job.threads; t++) {
            if (job.report_step[t] != step)
                die_inconsistent("thread %u reported step %" PRIu64 " during step %" PRIu64,
                                 t, job.report_step[t], step);
            reduction = fold64(reduction, job.report[t]);
        }
        check_pthread(pthread_mutex_unlock(&job.lock), "unlock step mutex");
        acc = fold64(acc, reduction);
        if ((step + 1) % every == 0 || step + 1 == steps)
            progress("step %" PRIu64 "/%" PRIu64 " reduction %016" PRIx64, step + 1, steps, reduction);
    }

    check_pthread(pthread_mutex_lock(&job.lock), "lock step mutex");
    job.stop = 1;
    check_pthread(pthread_cond_broadcast(&job.released_cond), "stop workers");
    check_pthread(pthread_mutex_unlock(&job.lock), "unlock step mutex");
    for (unsigned t = 0; t < job.threads; t++) {
        check_pthread(pthread_join(tids[t], NULL), "join worker thread");
        acc = fold64(acc, job.final_salt[t]);
    }
    const uint64_t *last = job.generation[steps & 1];
    for (uint64_t i = 0; i < job.cells; i++)
        acc = fold64(acc, last[i]);
    print_checksum(acc);
    return EXIT_SUCCESS_CODE;
}
