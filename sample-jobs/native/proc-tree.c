/*
 * proc-tree: a parent forking a fresh set of worker processes every round.
 *
 * Process layout worth checkpointing:
 *   parent (the job's top process)
 *    +- keeper: lives for the whole run in its own session (setsid), folds every round's result
 *    +- round r workers: all in one new process group led by the round's first worker
 * Workers wait on a process-shared semaphore until the parent has placed them in their group,
 * compute, write their result into a MAP_SHARED|MAP_ANONYMOUS region, and exit with the low
 * byte of the result as exit code. The parent reaps them with waitpid in worker order, checks the
 * exit code against the shared region, and folds results in worker order; round r+1 is seeded
 * from round r. Parent and keeper hand off through two more process-shared semaphores.
 */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ROUNDS 600
#define DEFAULT_WORKERS 4
#define MAX_WORKERS 64
#define DEFAULT_WORK_ITERATIONS 1500000
#define WORKER_OK_MAGIC 0x6f6b6f6b6f6b6f6bULL
#define PROGRESS_EVERY_ITERATIONS 65536
/* How often the parent, waiting for the keeper, checks that the keeper still lives. */
#define KEEPER_LIVENESS_CHECK_SECONDS 1

struct worker_slot {
    uint64_t round;            /* round the result belongs to */
    uint64_t iterations_done;  /* updated while working, so a checkpoint catches it mid-way */
    uint64_t result;
    uint64_t ok;               /* WORKER_OK_MAGIC once the result is complete */
};

struct shared_region {
    sem_t workers_go;          /* posted once per worker after its process group is set */
    sem_t keeper_ready;        /* parent -> keeper: a round result is published */
    sem_t keeper_folded;       /* keeper -> parent: folded */
    pid_t round_pgid;          /* process group the current round's workers must be in */
    uint64_t round;
    uint64_t round_result;
    int keeper_stop;
    uint64_t keeper_acc;
    struct worker_slot slots[MAX_WORKERS];
};

static void sem_wait_retrying(sem_t *sem, const char *what)
{
    while (sem_wait(sem) != 0)
        if (errno != EINTR)
            die_sys("wait on semaphore %s", what);
}

static void sem_post_checked(sem_t *sem, const char *what)
{
    if (sem_post(sem) != 0)
        die_sys("post semaphore %s", what);
}

static uint64_t keeper_fold(uint64_t acc, uint64_t round, uint64_t round_result)
{
    return fold64(acc, round_result ^ mix64(round));
}

static void run_keeper(struct shared_region *sh)
{
    become_worker("keeper", 0);
    if (setsid() < 0)
        die_sys("setsid for the keeper");
    uint64_t acc = 0;
    for (uint64_t expected_round = 0;; expected_round++) {
        sem_wait_retrying(&sh->keeper_ready, "keeper_ready");
        if (getsid(0) != getpid() || getpgrp() != getpid())
            die_inconsistent("keeper (pid %d) is no longer leader of its session and group (sid %d, pgid %d)",
                             (int)getpid(), (int)getsid(0), (int)getpgrp());
        if (sh->keeper_stop)
            break;
        if (sh->round != expected_round)
            die_inconsistent("keeper expected round %" PRIu64 " but the parent published round %" PRIu64,
                             expected_round, sh->round);
        acc = keeper_fold(acc, sh->round, sh->round_result);
        sem_post_checked(&sh->keeper_folded, "keeper_folded");
    }
    sh->keeper_acc = acc;
    _exit((int)(acc & 0xff));
}

static void run_worker(struct shared_region *sh, uint64_t round, unsigned index,
                       uint64_t round_seed, uint64_t work)
{
    char role[48];
    snprintf(role, sizeof role, "round %" PRIu64 " worker", round);
    become_worker(role, index);
    sem_wait_retrying(&sh->workers_go, "workers_go");
    if (getpgrp() != sh->round_pgid)
        die_inconsistent("worker is in process group %d, expected %d", (int)getpgrp(), (int)sh->round_pgid);
    struct worker_slot *slot = &sh->slots[index];
    uint64_t h = mix64(round_seed ^ ((uint64_t)index << 40) ^ round);
    for (uint64_t i = 0; i < work; i++) {
        h = mix64(h + i);
        if ((i + 1) % PROGRESS_EVERY_ITERATIONS == 0)
            slot->iterations_done = i + 1;
    }
    slot->iterations_done = work;
    slot->round = round;
    slot->result = h;
    __atomic_store_n(&slot->ok, WORKER_OK_MAGIC, __ATOMIC_RELEASE);
    _exit((int)(h & 0xff));
}

/*
 * Waits until the keeper folded the round. A dead keeper never posts, so the wait times out
 * now and then to look for its exit; the timeout only detects failure, never changes a result.
 */
static void wait_for_keeper(struct shared_region *sh, pid_t keeper, uint64_t round)
{
    for (;;) {
        struct timespec deadline;
        if (clock_gettime(CLOCK_MONOTONIC, &deadline) != 0)
            die_sys("clock_gettime(CLOCK_MONOTONIC)");
        deadline.tv_sec += KEEPER_LIVENESS_CHECK_SECONDS;
        if (sem_clockwait(&sh->keeper_folded, CLOCK_MONOTONIC, &deadline) == 0)
            return;
        if (errno != ETIMEDOUT && errno != EINTR)
            die_sys("wait on semaphore keeper_folded");
        int status;
        pid_t r = waitpid(keeper, &status, WNOHANG);
        if (r < 0)
            die_sys("waitpid for the keeper (pid %d)", (int)keeper);
        if (r == keeper) {
            child_reaped(keeper);
            die_inconsistent("keeper (pid %d) ended with wait status 0x%x while folding round %" PRIu64,
                             (int)keeper, status, round);
        }
    }
}

static void init_semaphore(sem_t *sem, const char *what)
{
    if (sem_init(sem, 1, 0) != 0)
        die_sys("sem_init %s (process-shared)", what);
}

static uint64_t wait_worker(struct shared_region *sh, pid_t pid, uint64_t round, unsigned w, uint64_t work)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die_sys("waitpid for round %" PRIu64 " worker %u (pid %d)", round, w, (int)pid);
    child_reaped(pid);
    struct worker_slot *slot = &sh->slots[w];
    if (!WIFEXITED(status))
        die_inconsistent("round %" PRIu64 " worker %u (pid %d) was killed by signal %s", round, w,
                         (int)pid, sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    if (__atomic_load_n(&slot->ok, __ATOMIC_ACQUIRE) != WORKER_OK_MAGIC || slot->round != round ||
        slot->iterations_done != work)
        die_inconsistent("round %" PRIu64 " worker %u (pid %d) exited with status %d without a complete "
                         "result (slot round %" PRIu64 ", %" PRIu64 "/%" PRIu64 " iterations)", round, w,
                         (int)pid, WEXITSTATUS(status), slot->round, slot->iterations_done, work);
    if ((uint64_t)WEXITSTATUS(status) != (slot->result & 0xff))
        die_inconsistent("round %" PRIu64 " worker %u (pid %d) exit status %d does not match its shared "
                         "result %016" PRIx64, round, w, (int)pid, WEXITSTATUS(status), slot->result);
    return slot->result;
}

int main(int argc, char **argv)
{
    set_job_name("proc-tree");
    uint64_t rounds = DEFAULT_ROUNDS, workers = DEFAULT_WORKERS, work = DEFAULT_WORK_ITERATIONS, seed = 1;
    struct option_spec specs[] = {
        {"rounds", OPTION_U64, "R", "rounds, each with a new set of worker processes", &rounds, 1, UINT32_MAX, NULL},
        {"workers", OPTION_U64, "W", "worker processes per round", &workers, 1, MAX_WORKERS, NULL},
        {"work", OPTION_U64, "N", "mix iterations per worker per round", &work, 1, UINT64_MAX / 2, NULL},
        {"seed", OPTION_U64, "S", "seed of the first round", &seed, 0, UINT64_MAX, NULL},
    };
    parse_options(argc, argv,
                  "Parent forking a new process group of workers each round; results through a shared\n"
                  "anonymous mapping and exit codes; a keeper child in its own session folds every round.",
                  specs, sizeof specs / sizeof specs[0]);

    struct shared_region *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die_sys("mmap %zu-byte MAP_SHARED|MAP_ANONYMOUS region", sizeof *sh);
    init_semaphore(&sh->workers_go, "workers_go");
    init_semaphore(&sh->keeper_ready, "keeper_ready");
    init_semaphore(&sh->keeper_folded, "keeper_folded");

    pid_t keeper = fork_worker("keeper");
    if (keeper == 0)
        run_keeper(sh);

    pid_t pids[MAX_WORKERS];
    uint64_t acc = mix64(seed), round_seed = seed, expected_keeper = 0, every = progress_interval(rounds);
    for (uint64_t r = 0; r < rounds; r++) {
        memset(sh->slots, 0, sizeof sh->slots);
        for (unsigned w = 0; w < workers; w++) {
            pids[w] = fork_worker("round worker");
            if (pids[w] == 0)
                run_worker(sh, r, w, round_seed, work);
            /* The first worker leads a new process group; the others join it. */
            if (setpgid(pids[w], pids[0]) != 0)
                die_sys("setpgid(%d, %d) for round %" PRIu64 " worker %u", (int)pids[w], (int)pids[0], r, w);
        }
        sh->round_pgid = pids[0];
        for (unsigned w = 0; w < workers; w++)
            sem_post_checked(&sh->workers_go, "workers_go");

        uint64_t round_result = mix64(r);
        for (unsigned w = 0; w < workers; w++)
            round_result = fold64(round_result, wait_worker(sh, pids[w], r, w, work));
        round_seed = round_result;
        acc = fold64(acc, round_result);

        sh->round = r;
        sh->round_result = round_result;
        sem_post_checked(&sh->keeper_ready, "keeper_ready");
        wait_for_keeper(sh, keeper, r);
        expected_keeper = keeper_fold(expected_keeper, r, round_result);
        if ((r + 1) % every == 0 || r + 1 == rounds)
            progress("step %" PRIu64 "/%" PRIu64 " round result %016" PRIx64, r + 1, rounds, round_result);
    }

    sh->keeper_stop = 1;
    sem_post_checked(&sh->keeper_ready, "keeper_ready");
    int status;
    while (waitpid(keeper, &status, 0) < 0)
        if (errno != EINTR)
            die_sys("waitpid for the keeper (pid %d)", (int)keeper);
    child_reaped(keeper);
    if (!WIFEXITED(status) || (uint64_t)WEXITSTATUS(status) != (expected_keeper & 0xff) ||
        sh->keeper_acc != expected_keeper)
        die_inconsistent("keeper (pid %d) ended with status 0x%x and total %016" PRIx64 ", expected exit %d "
                         "and total %016" PRIx64, (int)keeper, status, sh->keeper_acc,
                         (int)(expected_keeper & 0xff), expected_keeper);
    print_checksum(fold64(acc, sh->keeper_acc));
    return EXIT_SUCCESS_CODE;
}
