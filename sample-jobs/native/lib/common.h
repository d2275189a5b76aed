/*
 * Shared by every Crak sample job: option parsing, the checksum mix, progress output,
 * one-line fatal errors with fixed exit codes, and EINTR-safe full reads/writes.
 *
 * Every job must give the same final checksum however often it is frozen, checkpointed,
 * killed and restored, so nothing here looks at time, pids, addresses or scheduling.
 */
#ifndef CRAK_SAMPLES_COMMON_H
#define CRAK_SAMPLES_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes of every sample job (documented in sample-jobs/README.md). */
enum {
    EXIT_SUCCESS_CODE = 0,
    EXIT_SYSTEM_ERROR = 1,     /* a system call failed */
    EXIT_USAGE_ERROR = 2,      /* bad command line */
    EXIT_INCONSISTENT = 3,     /* an internal invariant broke: state was lost or corrupted */
};

#define GOLDEN64 0x9e3779b97f4a7c15ULL

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> ((64 - r) & 63)); }

/* splitmix64 finalizer: a bijective, well-avalanching 64-bit mix. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Order-sensitive accumulation: fold(fold(a, x), y) != fold(fold(a, y), x). */
static inline uint64_t fold64(uint64_t acc, uint64_t v) { return mix64(rotl64(acc, 29) ^ (v + GOLDEN64)); }

/* Hash of a byte buffer (used for message and record integrity). */
uint64_t hash_bytes(uint64_t seed, const void *buf, size_t len);

/* ---- command line ---- */

enum option_kind { OPTION_U64, OPTION_STRING };

struct option_spec {
    const char *name;          /* without the leading "--" */
    enum option_kind kind;
    const char *metavar;
    const char *help;
    uint64_t *u64;             /* OPTION_U64: in: default, out: value */
    uint64_t min, max;         /* OPTION_U64: inclusive range */
    const char **string;       /* OPTION_STRING: in: default (may be NULL), out: value */
};

/*
 * Parses "--name VALUE" and "--name=VALUE"; "--help" prints usage to stdout and exits 0;
 * anything else wrong prints one line to stderr and exits EXIT_USAGE_ERROR.
 */
void parse_options(int argc, char **argv, const char *summary,
                   struct option_spec *specs, size_t spec_count);

/* Hash of every parsed option value, for names that must be stable for one parameter set. */
uint64_t options_hash(const struct option_spec *specs, size_t spec_count);

/* ---- errors ---- */

/* Prefix of every stderr line; a forked worker calls become_worker() to name itself. */
void set_job_name(const char *name);
void become_worker(const char *role, unsigned index);

__attribute__((noreturn, format(printf, 1, 2))) void die_usage(const char *fmt, ...);
/* Appends ": <strerror> (<ERRNO NAME>)" from the errno at the time of the call. */
__attribute__((noreturn, format(printf, 1, 2))) void die_sys(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void die_inconsistent(const char *fmt, ...);

/* ---- output ---- */

/* One progress line on stdout, flushed at once so a checkpoint never holds it in a buffer. */
__attribute__((format(printf, 1, 2))) void progress(const char *fmt, ...);
/* The final line: "checksum <16 hex digits>". */
void print_checksum(uint64_t checksum);
/* Progress every step for short runs, about 100 lines for long ones. */
uint64_t progress_interval(uint64_t steps);

/* ---- I/O ---- */

/* Reads exactly len bytes unless end of file; retries EINTR; returns bytes read; dies on error. */
size_t read_full(int fd, void *buf, size_t len, const char *what);
/* Reads exactly len bytes; end of file before that is an inconsistency naming what. */
void read_exact(int fd, void *buf, size_t len, const char *what);
/* Writes all len bytes; retries EINTR and short writes; dies on error. */
void write_full(int fd, const void *buf, size_t len, const char *what);

/*
 * fork() with stdout flushed first so no buffered output is duplicated in the child. The child
 * gets SIGKILL when the parent dies (nothing else would ever release or reap it). The parent
 * remembers the child: if the parent exits before reaping it (on any error), an exit handler
 * kills and reaps it, so a failed job leaves no processes behind.
 */
pid_t fork_worker(const char *what);
/*
 * A coordinator ignores SIGPIPE (its workers inherit that) so a write to a dead peer fails
 * with EPIPE and is reported, instead of killing the writer silently.
 */
void ignore_sigpipe(void);
/* The parent reaped pid itself; the exit handler must leave it alone. */
void child_reaped(pid_t pid);

/*
 * Waits for pid with waitpid (retrying EINTR) and checks it exited with status 0;
 * anything else is an inconsistency naming what.
 */
void reap_expect_success(pid_t pid, const char *what);

#endif
