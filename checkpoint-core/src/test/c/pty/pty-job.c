/*
 * pty-job: a job started under a pseudo-terminal. The launcher (this program's first process, the
 * "terminal emulator", not part of the job) opens a pty pair and forks the job root, which makes
 * itself a session leader with the slave as controlling terminal on fds 0-2, sets termios (no
 * echo, non-canonical, VMIN 3, VTIME 7, VINTR ^G) and a 33x111 window, and forks a worker that it
 * puts in its own process group and in the foreground. The worker writes "ROOT WORKER" to
 * READY_FILE and waits for GO_FILE; then it checks that it still has a terminal with the same
 * settings, is in the foreground group, in the root's session, with the terminal as controlling
 * terminal (/dev/tty opens, TIOCGSID on fd 0 names its session), and writes "PASS ..." or "FAIL ..." to VERDICT_FILE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void await_file(const char *path)
{
    struct stat st;
    struct timespec ts = {0, 5 * 1000 * 1000};
    while (stat(path, &st) != 0)
        nanosleep(&ts, NULL);
}

static int verdict(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return strncmp(text, "PASS", 4) == 0 ? 0 : 1;
}

static int worker(char **argv)
{
    FILE *ready = fopen(argv[2], "w");
    fprintf(ready, "%d %d\n", getsid(0), getpid());
    fclose(ready);
    await_file(argv[1]);
    char msg[256];
    struct termios t;
    struct winsize ws;
    if (!isatty(0) || tcgetattr(0, &t) != 0 || ioctl(0, TIOCGWINSZ, &ws) != 0) {
        snprintf(msg, sizeof msg, "FAIL fd 0 is no terminal: %s\n", strerror(errno));
        return verdict(argv[3], msg);
    }
    if ((t.c_lflag & (ECHO | ICANON)) != 0 || t.c_cc[VMIN] != 3 || t.c_cc[VTIME] != 7 || t.c_cc[VINTR] != 7) {
        snprintf(msg, sizeof msg, "FAIL termios lflag %#x vmin %d vtime %d vintr %d\n", t.c_lflag, t.c_cc[VMIN],
                 t.c_cc[VTIME], t.c_cc[VINTR]);
        return verdict(argv[3], msg);
    }
    if (ws.ws_row != 33 || ws.ws_col != 111) {
        snprintf(msg, sizeof msg, "FAIL window %dx%d\n", ws.ws_row, ws.ws_col);
        return verdict(argv[3], msg);
    }
    if (tcgetpgrp(0) != getpgrp() || getpgrp() != getpid()) {
        snprintf(msg, sizeof msg, "FAIL foreground group %d, own group %d\n", tcgetpgrp(0), getpgrp());
        return verdict(argv[3], msg);
    }
    /* TIOCGSID answers only on the caller's controlling terminal */
    int tty = open("/dev/tty", O_RDWR);
    if (tty < 0 || tcgetsid(0) != getsid(0)) {
        snprintf(msg, sizeof msg, "FAIL controlling terminal: %s\n", strerror(errno));
        return verdict(argv[3], msg);
    }
    printf("hello from the restored job on %s\n", ttyname(0));
    fflush(stdout);
    snprintf(msg, sizeof msg, "PASS terminal 33x111, termios kept, foreground group %d, session %d\n", getpgrp(),
             getsid(0));
    return verdict(argv[3], msg);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE VERDICT_FILE\n", argv[0]);
        return 2;
    }
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        return 1;
    char *slave_name = ptsname(master);
    pid_t root = fork();
    if (root == 0) {
        close(master);
        setsid();
        int s = open(slave_name, O_RDWR);
        if (s < 0 || ioctl(s, TIOCSCTTY, 0) != 0)
            _exit(1);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        struct termios t;
        tcgetattr(0, &t);
        t.c_lflag &= ~(ECHO | ICANON);
        t.c_cc[VMIN] = 3;
        t.c_cc[VTIME] = 7;
        t.c_cc[VINTR] = 7;
        tcsetattr(0, TCSANOW, &t);
        struct winsize ws = {.ws_row = 33, .ws_col = 111};
        ioctl(0, TIOCSWINSZ, &ws);
        pid_t w = fork();
        if (w == 0) {
            setpgid(0, 0);
            _exit(worker(argv));
        }
        setpgid(w, w);
        signal(SIGTTOU, SIG_IGN);
        tcsetpgrp(0, w);
        int status;
        while (waitpid(w, &status, 0) < 0 && errno == EINTR)
            ;
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    /* the terminal emulator: drain the master until the job's side is gone */
    char buf[4096];
    while (read(master, buf, sizeof buf) > 0)
        ;
    waitpid(root, NULL, 0);
    return 0;
}
