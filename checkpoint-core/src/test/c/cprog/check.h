/* Shared by the checkpoint test programs: READY/go protocol and self-checks. */
#ifndef CRAK_CHECK_H
#define CRAK_CHECK_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;

__attribute__((format(printf, 2, 3))) static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf(ok ? "ok " : "FAIL ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
    if (!ok)
        failures++;
}

static void die(const char *what)
{
    printf("FAIL setup: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(100);
}

/* Prints READY, then sleeps in short steps until the go file exists (the checkpoint happens here). */
static void ready_then_wait(const char *go_file)
{
    printf("READY\n");
    fflush(stdout);
    while (access(go_file, F_OK) != 0) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static inline long long now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int finish(void)
{
    printf("DONE failures=%d\n", failures);
    fflush(stdout);
    return failures;
}
#endif
