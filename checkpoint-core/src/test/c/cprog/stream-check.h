/*
 * Shared by the test programs that move bytes through descriptors (pipes, sockets): fail loudly,
 * write and read whole buffers, deterministic byte patterns to check what arrives, the go file
 * that lets a program check itself after the checkpoint, and end of file.
 */
#ifndef CRAK_STREAM_CHECK_H
#define CRAK_STREAM_CHECK_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a read on a non-blocking descriptor waits for data that must be there (EAGAIN). */
#define READ_WAIT_MS 5000

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: [%d] ", getpid());
    vprintf(fmt, ap);
    printf(" (errno %s)\n", strerrorname_np(errno) ? strerrorname_np(errno) : "0");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

static unsigned char pattern(unsigned seed, size_t i)
{
    return (unsigned char)((i * 131 + seed * 7 + (i >> 8)) & 0xff);
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fail("write fd %d", fd);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads exactly n bytes; on a non-blocking descriptor waits up to READ_WAIT_MS for them. */
static void read_exact(int fd, void *buf, size_t n, const char *what)
{
    char *p = buf;
    int waited_ms = 0;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN && waited_ms < READ_WAIT_MS) {
            struct timespec ms = {0, 1000 * 1000};
            nanosleep(&ms, NULL);
            waited_ms++;
            continue;
        }
        if (r <= 0)
            fail("%s: read returned %zd with %zu bytes missing", what, r, n);
        p += r;
        n -= (size_t)r;
    }
}

__attribute__((unused)) static void write_pattern(int fd, unsigned seed, size_t n)
{
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = pattern(seed, i);
    write_all(fd, b, n);
    free(b);
}

__attribute__((unused)) static void expect_pattern(int fd, unsigned seed, size_t n, const char *what)
{
    unsigned char *b = malloc(n);
    read_exact(fd, b, n, what);
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern(seed, i))
            fail("%s: byte %zu is %u, expected %u", what, i, b[i], pattern(seed, i));
    free(b);
}

/* Writes the ready file (what the test reads before it checkpoints), whole or not at all. */
__attribute__((unused, format(printf, 2, 3))) static void write_ready(const char *path, const char *fmt, ...)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    va_list ap;
    va_start(ap, fmt);
    int ok = f && vfprintf(f, fmt, ap) >= 0;
    va_end(ap);
    if (!f || fclose(f) != 0 || !ok || rename(tmp, path) != 0)
        fail("writing %s", path);
}

/* Sleeps in short steps until the go file exists (the checkpoint happens meanwhile). */
__attribute__((unused)) static void await_go(const char *go)
{
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    while (access(go, F_OK) != 0)
        nanosleep(&ten_ms, NULL);
}

__attribute__((unused)) static void expect_eof(int fd, const char *what)
{
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    if (r != 0)
        fail("%s: expected end of file, read returned %zd", what, r);
}

__attribute__((unused)) static void expect_text(int fd, const char *text, const char *what)
{
    char buf[256] = {0};
    size_t n = strlen(text);
    if (n >= sizeof buf)
        fail("%s: expected text longer than %zu bytes", what, sizeof buf - 1);
    read_exact(fd, buf, n, what);
    if (memcmp(buf, text, n) != 0)
        fail("%s: got '%s', expected '%s'", what, buf, text);
}
#endif
