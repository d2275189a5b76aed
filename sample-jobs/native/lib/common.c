#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char base_name[64] = "sample-job";
static char job_name[128] = "sample-job";
/* A forked worker must not run the parent's atexit handlers or flush its stdio copies. */
static int is_worker;

uint64_t hash_bytes(uint64_t seed, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    uint64_t h = mix64(seed ^ len);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = fold64(h, w);
    }
    uint64_t tail = 0;
    for (size_t k = 0; i < len; i++, k++)
        tail |= (uint64_t)p[i] << (8 * k);
    return fold64(h, tail);
}

void set_job_name(const char *name)
{
    snprintf(base_name, sizeof base_name, "%s", name);
    snprintf(job_name, sizeof job_name, "%s", base_name);
}

void become_worker(const char *role, unsigned index)
{
    snprintf(job_name, sizeof job_name, "%s[%.32s %u]", base_name, role, index);
    is_worker = 1;
}

static __attribute__((noreturn)) void finish(int code)
{
    if (is_worker)
        _exit(code);
    exit(code);
}

static void vreport(const char *kind, const char *fmt, va_list ap, const char *suffix)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* One write so lines of concurrent processes never interleave mid-line. */
    char line[768];
    int n = snprintf(line, sizeof line, "%s: %s%s%s\n", job_name, kind, msg, suffix ? suffix : "");
    if (n > (int)sizeof line - 1)
        n = sizeof line - 1;
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nothing left to report to */
    }
}

void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap, " (see --help)");
    va_end(ap);
    finish(EXIT_USAGE_ERROR);
}

void die_sys(const char *fmt, ...)
{
    int err = errno;
    char suffix[128];
    const char *name = strerrorname_np(err);
    snprintf(suffix, sizeof suffix, ": %s (%s)", strerror(err), name ? name : "unknown errno");
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap, suffix);
    va_end(ap);
    finish(EXIT_SYSTEM_ERROR);
}

void die_inconsistent(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("inconsistency: ", fmt, ap, NULL);
    va_end(ap);
    finish(EXIT_INCONSISTENT);
}

void progress(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vprintf(fmt, ap);
    va_end(ap);
    if (rc < 0 || putchar('\n') == EOF || fflush(stdout) == EOF)
        die_sys("writing progress to stdout");
}

void print_checksum(uint64_t checksum)
{
    if (printf("checksum %016" PRIx64 "\n", checksum) < 0 || fflush(stdout) == EOF)
        die_sys("writing the checksum to stdout");
}

uint64_t progress_interval(uint64_t steps)
{
    enum { TARGET_PROGRESS_LINES = 100 };
    return steps <= TARGET_PROGRESS_LINES ? 1 : (steps + TARGET_PROGRESS_LINES - 1) / TARGET_PROGRESS_LINES;
}

/* ---- options ---- */

static void print_usage(const char *summary, const struct option_spec *specs, size_t n)
{
    printf("usage: %s [OPTION...]\n%s\n\noptions:\n", job_name, summary);
    for (size_t i = 0; i < n; i++) {
        const struct option_spec *s = &specs[i];
        char left[64];
        snprintf(left, sizeof left, "--%s %s", s->name, s->metavar);
        if (s->kind == OPTION_U64)
            printf("  %-24s %s (default %" PRIu64 ", range %" PRIu64 "..%" PRIu64 ")\n",
                   left, s->help, *s->u64, s->min, s->max);
        else if (*s->string)
            printf("  %-24s %s (default %s)\n", left, s->help, *s->string);
        else
            printf("  %-24s %s\n", left, s->help);
    }
    printf("  %-24s %s\n", "--help", "print this help and exit");
    printf("\nThe last line of output is \"checksum <16 hex digits>\"; exit codes: 0 success, "
           "1 system call failed, 2 usage error, 3 internal inconsistency.\n");
}

static uint64_t parse_u64(const struct option_spec *s, const char *text)
{
    if (*text < '0' || *text > '9')
        die_usage("--%s '%s' is not a non-negative integer", s->name, text);
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno == ERANGE || *end != '\0')
        die_usage("--%s '%s' is not a non-negative integer", s->name, text);
    if (v < s->min || v > s->max)
        die_usage("--%s %llu is out of range %" PRIu64 "..%" PRIu64, s->name, v, s->min, s->max);
    return v;
}

void parse_options(int argc, char **argv, const char *summary, struct option_spec *specs, size_t n)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            print_usage(summary, specs, n);
            fflush(stdout);
            exit(EXIT_SUCCESS_CODE);
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0)
            die_usage("unexpected argument '%s'", arg);
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        struct option_spec *s = NULL;
        for (size_t k = 0; k < n; k++)
            if (strlen(specs[k].name) == name_len && strncmp(specs[k].name, arg + 2, name_len) == 0)
                s = &specs[k];
        if (!s)
            die_usage("unknown option '%.*s'", (int)name_len + 2, arg);
        const char *value;
        if (eq) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc)
                die_usage("--%s needs a value %s", s->name, s->metavar);
            value = argv[++i];
        }
        if (s->kind == OPTION_U64) {
            *s->u64 = parse_u64(s, value);
        } else {
            if (*value == '\0')
                die_usage("--%s must not be empty", s->name);
            *s->string = value;
        }
    }
}

uint64_t options_hash(const struct option_spec *specs, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) {
        h = hash_bytes(h, specs[i].name, strlen(specs[i].name));
        if (specs[i].kind == OPTION_U64)
            h = fold64(h, *specs[i].u64);
        else if (*specs[i].string)
            h = hash_bytes(h, *specs[i].string, strlen(*specs[i].string));
    }
    return h;
}

/* ---- I/O ---- */

size_t read_full(int fd, void *buf, size_t len, const char *what)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = read(fd, (char *)buf + done, len - done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            die_sys("read %zu bytes from %s (fd %d)", len - done, what, fd);
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    return done;
}

void read_exact(int fd, void *buf, size_t len, const char *what)
{
    size_t got = read_full(fd, buf, len, what);
    if (got != len)
        die_inconsistent("%s (fd %d) ended after %zu of %zu bytes", what, fd, got, len);
}

void write_full(int fd, const void *buf, size_t len, const char *what)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, (const char *)buf + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die_sys("write %zu bytes to %s (fd %d)", len - done, what, fd);
        }
        done += (size_t)w;
    }
}

#define MAX_TRACKED_CHILDREN 256
static pid_t children[MAX_TRACKED_CHILDREN];
static int cleanup_registered;

static void kill_and_reap_children(void)
{
    if (is_worker)
        return;
    for (int i = 0; i < MAX_TRACKED_CHILDREN; i++) {
        if (children[i] <= 0)
            continue;
        kill(children[i], SIGKILL);
        while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
            ;
        children[i] = 0;
    }
}

pid_t fork_worker(const char *what)
{
    if (!cleanup_registered) {
        if (atexit(kill_and_reap_children) != 0)
            die_sys("register the child clean-up handler");
        cleanup_registered = 1;
    }
    int slot = 0;
    while (slot < MAX_TRACKED_CHILDREN && children[slot] > 0)
        slot++;
    if (slot == MAX_TRACKED_CHILDREN) {
        errno = EAGAIN;
        die_sys("fork %s: already %d unreaped children", what, MAX_TRACKED_CHILDREN);
    }
    if (fflush(stdout) == EOF)
        die_sys("flush stdout before forking %s", what);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        die_sys("fork %s", what);
    if (pid == 0) {
        is_worker = 1;
        memset(children, 0, sizeof children);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            die_sys("prctl PR_SET_PDEATHSIG for %s", what);
        if (getppid() != parent)
            die_inconsistent("parent (pid %d) of %s exited before the child started", (int)parent, what);
        return 0;
    }
    children[slot] = pid;
    return pid;
}

void ignore_sigpipe(void)
{
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die_sys("ignore SIGPIPE");
}

void child_reaped(pid_t pid)
{
    for (int i = 0; i < MAX_TRACKED_CHILDREN; i++)
        if (children[i] == pid)
            children[i] = 0;
}

void reap_expect_success(pid_t pid, const char *what)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die_sys("waitpid for %s (pid %d)", what, (int)pid);
    }
    child_reaped(pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (WIFEXITED(status))
        die_inconsistent("%s (pid %d) exited with status %d", what, (int)pid, WEXITSTATUS(status));
    die_inconsistent("%s (pid %d) was killed by signal %s", what, (int)pid,
                     sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
}
