/*
 * pipes: the state crak must carry across a checkpoint for pipes and FIFOs, set up before the
 * checkpoint and checked after it by the program itself.
 *
 * usage: pipes FIFO_PATH GO_PATH
 * Prints "ready" once everything is set up, waits until GO_PATH exists (created after the
 * restore), checks every property, prints "PIPES OK" and exits 0; any mismatch prints
 * "FAIL: ..." and exits 1.
 *
 *   A  parent -> child, 5000 bytes buffered, then EOF when the parent closes its end
 *   B  child -> parent, capacity raised to 256 KiB, 100000 bytes buffered (more than the default)
 *   C  read end shared by parent and child (one description, O_NONBLOCK)
 *   D  write end shared by parent and child, 20 bytes buffered from both
 *   E  child -> parent "set up" byte, empty at the checkpoint
 *   F  the named FIFO: parent reads (O_NONBLOCK), child writes, 777 bytes buffered
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define A_BYTES 5000
#define B_BYTES 100000
#define B_CAPACITY (256 * 1024)
#define FIFO_BYTES 777

#include "../cprog/stream-check.h"

static int buffered(int fd)
{
    int n = -1;
    if (ioctl(fd, FIONREAD, &n) != 0)
        fail("FIONREAD of fd %d", fd);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pipes FIFO_PATH GO_PATH\n");
        return 2;
    }
    const char *fifo = argv[1], *go = argv[2];
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* a job of its own: not a member of the group of the shell that started it */
    if (setpgid(0, 0) != 0)
        fail("setpgid");
    int a[2], b[2], c[2], d[2], e[2];
    if (mkfifo(fifo, 0600) != 0)
        fail("mkfifo %s", fifo);
    if (pipe(a) || pipe(b) || pipe(c) || pipe(d) || pipe(e))
        fail("pipe");
    if (fcntl(b[1], F_SETPIPE_SZ, B_CAPACITY) < B_CAPACITY)
        fail("F_SETPIPE_SZ");
    if (fcntl(c[0], F_SETFL, O_NONBLOCK) != 0)
        fail("F_SETFL");
    int f = open(fifo, O_RDONLY | O_NONBLOCK);
    if (f < 0)
        fail("open FIFO for reading");
    write_all(d[1], "parent-1\n", 9);
    write_all(d[1], "P", 1);

    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        close(a[1]); close(b[0]); close(d[0]); close(e[0]); close(f);
        write_pattern(b[1], 2, B_BYTES);
        write_all(d[1], "child-1..\n", 10);
        int w = open(fifo, O_WRONLY);
        if (w < 0)
            fail("open FIFO for writing");
        write_pattern(w, 3, FIFO_BYTES);
        write_all(e[1], "r", 1);
        await_go(go);

        expect_pattern(a[0], 1, A_BYTES, "child: pipe A");
        expect_eof(a[0], "child: pipe A after its data");
        if (!(fcntl(c[0], F_GETFL) & O_NONBLOCK))
            fail("child: pipe C read end lost O_NONBLOCK");
        if (fcntl(b[1], F_GETPIPE_SZ) != B_CAPACITY)
            fail("child: pipe B capacity is %d", fcntl(b[1], F_GETPIPE_SZ));
        write_all(c[1], "x", 1);
        write_all(w, "after", 5);
        printf("child: ok\n");
        return 0;
    }
    close(a[0]); close(b[1]); close(c[1]); close(e[1]);
    write_pattern(a[1], 1, A_BYTES);
    char r;
    read_exact(e[0], &r, 1, "parent: set-up byte");
    printf("ready\n");
    await_go(go);

    if (buffered(b[0]) != B_BYTES)
        fail("parent: pipe B holds %d bytes, expected %d", buffered(b[0]), B_BYTES);
    if (fcntl(b[0], F_GETPIPE_SZ) != B_CAPACITY)
        fail("parent: pipe B capacity is %d", fcntl(b[0], F_GETPIPE_SZ));
    expect_pattern(b[0], 2, B_BYTES, "parent: pipe B");
    if (buffered(d[0]) != 20)
        fail("parent: pipe D holds %d bytes, expected 20", buffered(d[0]));
    char dbuf[21] = {0};
    read_exact(d[0], dbuf, 20, "parent: pipe D");
    if (strcmp(dbuf, "parent-1\nPchild-1..\n") != 0)
        fail("parent: pipe D holds '%s'", dbuf);
    if (!(fcntl(f, F_GETFL) & O_NONBLOCK) || (fcntl(f, F_GETFL) & O_ACCMODE) != O_RDONLY)
        fail("parent: FIFO flags are %o", fcntl(f, F_GETFL));
    char link[PATH_MAX] = {0}, proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f);
    if (readlink(proc, link, sizeof link - 1) < 0 || strcmp(link, fifo) != 0)
        fail("parent: FIFO descriptor links to '%s'", link);
    if (buffered(f) != FIFO_BYTES)
        fail("parent: FIFO holds %d bytes, expected %d", buffered(f), FIFO_BYTES);
    expect_pattern(f, 3, FIFO_BYTES, "parent: FIFO");
    char x;
    if (read(c[0], &x, 1) != -1 || errno != EAGAIN)
        fail("parent: empty O_NONBLOCK pipe C did not say EAGAIN");
    close(a[1]);
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("parent: child ended with status %d", status);
    read_exact(c[0], &x, 1, "parent: pipe C");
    if (x != 'x')
        fail("parent: pipe C gave '%c'", x);
    expect_eof(c[0], "parent: pipe C after the child exited");
    char after[6] = {0};
    int fl = fcntl(f, F_GETFL);
    fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
    read_exact(f, after, 5, "parent: FIFO after the checkpoint");
    if (strcmp(after, "after") != 0)
        fail("parent: FIFO gave '%s' after the checkpoint", after);
    expect_eof(f, "parent: FIFO after the child exited");
    expect_eof(b[0], "parent: pipe B after the child exited");
    unlink(fifo);
    printf("PIPES OK\n");
    return 0;
}
