/*
 * stencil-pipe: MPI-stencil style job over pipes.
 *
 * A coordinator and W worker processes; worker i owns a band of grid rows. Every step the
 * coordinator sends each worker a command (step, salt) through its own pipe, neighbouring
 * workers exchange halo rows directly through a pair of pipes per neighbour pair (even/odd
 * ordering, so no exchange deadlocks whatever the pipe capacity), each worker computes its
 * band and returns the band hash; the coordinator folds the hashes in worker order (the
 * per-step reduction), which salts the next step. Every message carries its step number and is
 * checked on arrival (exit 3 on mismatch).
 */
#define _GNU_SOURCE
#include "stencil.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

struct pipe_pair {
    int fd[2];                 /* [0] read end, [1] write end */
};

struct topology {
    unsigned workers;
    struct pipe_pair command[STENCIL_MAX_WORKERS];      /* coordinator -> worker i */
    struct pipe_pair result[STENCIL_MAX_WORKERS];       /* worker i -> coordinator */
    struct pipe_pair downward[STENCIL_MAX_WORKERS];     /* worker i -> worker i+1 (i's bottom row) */
    struct pipe_pair upward[STENCIL_MAX_WORKERS];       /* worker i+1 -> worker i (i+1's top row) */
};

static void make_pipe(struct pipe_pair *p, const char *what, unsigned i)
{
    if (pipe(p->fd) != 0)
        die_sys("create %s pipe %u", what, i);
}

static void close_fd(int *fd)
{
    if (*fd >= 0 && close(*fd) != 0)
        die_sys("close fd %d", *fd);
    *fd = -1;
}

/* Keeps only the pipe ends the given process uses (self == workers means the coordinator). */
static void keep_own_ends(struct topology *t, unsigned self)
{
    int coordinator = (self == t->workers);
    for (unsigned i = 0; i < t->workers; i++) {
        /* command: the coordinator writes, worker i reads; result: the other way round */
        if (!coordinator)
            close_fd(&t->command[i].fd[1]);
        if (coordinator || i != self)
            close_fd(&t->command[i].fd[0]);
        if (!coordinator)
            close_fd(&t->result[i].fd[0]);
        if (coordinator || i != self)
            close_fd(&t->result[i].fd[1]);
        if (i + 1 < t->workers) {
            if (self != i) {
                close_fd(&t->downward[i].fd[1]);
                close_fd(&t->upward[i].fd[0]);
            }
            if (self != i + 1) {
                close_fd(&t->downward[i].fd[0]);
                close_fd(&t->upward[i].fd[1]);
            }
        }
    }
}

/* Returns the hash of the row sent. */
static uint64_t send_row(int fd, uint64_t step, unsigned from, const uint32_t *row, uint64_t cols, const char *what)
{
    struct msg_halo h = {.magic = MSG_HALO_MAGIC, .step = step, .from = from};
    write_full(fd, &h, sizeof h, what);
    write_full(fd, row, cols * sizeof(uint32_t), what);
    return row_hash(row, cols);
}

/* Returns the hash of the row received. */
static uint64_t receive_row(int fd, uint64_t step, unsigned from, uint32_t *row, uint64_t cols, const char *what)
{
    struct msg_halo h;
    read_exact(fd, &h, sizeof h, what);
    if (h.magic != MSG_HALO_MAGIC || h.step != step || h.from != from)
        die_inconsistent("%s: expected the halo of worker %u for step %" PRIu64 ", got magic %016" PRIx64
                         " from worker %u for step %" PRIu64, what, from, step, h.magic, h.from, h.step);
    read_exact(fd, row, cols * sizeof(uint32_t), what);
    return row_hash(row, cols);
}

/* The pair (i, i+1): the upper worker writes first, the lower one reads first. */
static void exchange_with_lower(struct topology *t, struct band *b, uint64_t step, struct msg_result *r)
{
    unsigned i = b->index;
    r->sent_bottom = send_row(t->downward[i].fd[1], step, i, band_bottom_row(b), b->cols,
                              "halo pipe to the lower neighbour");
    r->got_lower = receive_row(t->upward[i].fd[0], step, i + 1, band_lower_halo(b), b->cols,
                               "halo pipe from the lower neighbour");
}

static void exchange_with_upper(struct topology *t, struct band *b, uint64_t step, struct msg_result *r)
{
    unsigned i = b->index;
    r->got_upper = receive_row(t->downward[i - 1].fd[0], step, i - 1, band_upper_halo(b), b->cols,
                               "halo pipe from the upper neighbour");
    r->sent_top = send_row(t->upward[i - 1].fd[1], step, i, band_top_row(b), b->cols, "halo pipe to the upper neighbour");
}

static void run_worker(struct topology *t, const struct stencil_params *p, unsigned index)
{
    become_worker("worker", index);
    keep_own_ends(t, index);
    struct band b;
    band_init(&b, p, index);
    for (uint64_t step = 0;; step++) {
        struct msg_command c;
        read_exact(t->command[index].fd[0], &c, sizeof c, "command pipe");
        check_command(&c, step);
        if (c.stop)
            break;
        struct msg_result r = {.magic = MSG_RESULT_MAGIC, .worker = index, .step = step};
        if (index % 2 == 0) {
            if (band_has_lower_neighbour(&b))
                exchange_with_lower(t, &b, step, &r);
            if (band_has_upper_neighbour(&b))
                exchange_with_upper(t, &b, step, &r);
        } else {
            exchange_with_upper(t, &b, step, &r);
            if (band_has_lower_neighbour(&b))
                exchange_with_lower(t, &b, step, &r);
        }
        r.band_hash = band_step(&b, c.salt);
        write_full(t->result[index].fd[1], &r, sizeof r, "result pipe");
    }
    _exit(EXIT_SUCCESS_CODE);
}

int main(int argc, char **argv)
{
    set_job_name("stencil-pipe");
    struct stencil_params p;
    struct option_spec specs[STENCIL_OPTION_COUNT];
    stencil_option_specs(&p, specs);
    parse_options(argc, argv,
                  "Coordinator + worker processes running a 5-point stencil on horizontal bands; halo rows\n"
                  "travel directly between neighbours through pipes, per-step reductions through pipes.",
                  specs, STENCIL_OPTION_COUNT);
    stencil_validate(&p);
    ignore_sigpipe();

    struct topology t = {.workers = (unsigned)p.workers};
    for (unsigned i = 0; i < t.workers; i++) {
        make_pipe(&t.command[i], "command", i);
        make_pipe(&t.result[i], "result", i);
        if (i + 1 < t.workers) {
            make_pipe(&t.downward[i], "downward halo", i);
            make_pipe(&t.upward[i], "upward halo", i);
        }
    }
    pid_t pids[STENCIL_MAX_WORKERS];
    for (unsigned i = 0; i < t.workers; i++) {
        pids[i] = fork_worker("stencil worker");
        if (pids[i] == 0)
            run_worker(&t, &p, i);
    }
    keep_own_ends(&t, t.workers);

    struct msg_result results[STENCIL_MAX_WORKERS];
    uint64_t salt = stencil_initial_salt(p.seed), acc = stencil_initial_checksum(p.seed);
    uint64_t every = progress_interval(p.steps);
    for (uint64_t step = 0; step < p.steps; step++) {
        struct msg_command c = {.magic = MSG_COMMAND_MAGIC, .step = step, .salt = salt};
        for (unsigned i = 0; i < t.workers; i++)
            write_full(t.command[i].fd[1], &c, sizeof c, "command pipe");
        uint64_t reduction = stencil_reduction_start(step);
        for (unsigned i = 0; i < t.workers; i++) {
            read_exact(t.result[i].fd[0], &results[i], sizeof results[i], "result pipe");
            check_result(&results[i], i, step);
            reduction = fold64(reduction, results[i].band_hash);
        }
        check_halos(results, t.workers, step);
        acc = fold64(acc, reduction);
        salt = reduction;
        if ((step + 1) % every == 0 || step + 1 == p.steps)
            progress("step %" PRIu64 "/%" PRIu64 " reduction %016" PRIx64, step + 1, p.steps, reduction);
    }
    struct msg_command stop = {.magic = MSG_COMMAND_MAGIC, .step = p.steps, .stop = 1};
    for (unsigned i = 0; i < t.workers; i++)
        write_full(t.command[i].fd[1], &stop, sizeof stop, "command pipe");
    for (unsigned i = 0; i < t.workers; i++) {
        char what[32];
        snprintf(what, sizeof what, "worker %u", i);
        reap_expect_success(pids[i], what);
    }
    print_checksum(acc);
    return EXIT_SUCCESS_CODE;
}
