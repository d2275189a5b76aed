/*
 * Sets up the per-process state that crak dump/restore must carry (issue: the checkpoint engine),
 * prints "ready", and waits. After a dump, kill and restore, the test sends SIGUSR2; the program
 * then checks every property itself, prints "ok" or one "FAIL ..." line per broken property, and
 * exits 0 or 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t go;
static volatile sig_atomic_t handled_on_altstack;
static char altstack[1 << 16];
static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL " __VA_ARGS__); printf("\n"); failures++; } } while (0)

static void on_usr2(int sig) {
    (void) sig;
    char here;
    handled_on_altstack = (&here >= altstack && &here < altstack + sizeof altstack);
    go = 1;
}

static void *worker(void *arg) {
    (void) arg;
    prctl(PR_SET_NAME, "crak-worker");
    for (;;) pause();
    return NULL;
}

static char state_of(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p ? p[2] : '?';
}

static int smaps_has(void *addr, const char *flag) {
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0, found = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, ' ') - line > 8) in = (s == (unsigned long) addr);
        else if (in && !strncmp(line, "VmFlags:", 8)) found = strstr(line, flag) != NULL;
    }
    fclose(f);
    return found;
}

/* Whether any mapping is still registered with a userfaultfd (VmFlags um, uw or ui). */
static int smaps_any_uffd(void) {
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmFlags:", 8) && (strstr(line, " um") || strstr(line, " uw") || strstr(line, " ui"))) found = 1;
    }
    fclose(f);
    return found;
}

/* Whether the process holds a descriptor whose link names the given anonymous inode kind. */
static int holds_fd_of(const char *kind) {
    char link[256], target[256];
    for (int fd = 0; fd < 100; fd++) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) { target[n] = 0; if (strstr(target, kind)) return 1; }
    }
    return 0;
}

int main(void) {
    char dir[] = "/tmp/crak-engine-state-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) { perror("cwd"); return 2; }
    umask(027);
    struct rlimit nofile = {100, 200};
    if (setrlimit(RLIMIT_NOFILE, &nofile)) { perror("setrlimit"); return 2; }

    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_usr2, .sa_flags = SA_ONSTACK | SA_RESTART};
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGHUP, SIG_IGN);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1); /* stays pending across the checkpoint */

    struct itimerval it = {.it_interval = {3600, 0}, .it_value = {3600, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    signal(SIGALRM, SIG_IGN);

    long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *advised = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(advised, 1 << 20, MADV_DONTFORK);
    memset(advised, 0x5a, 1 << 20);
    char *readonly = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(readonly, 0x33, 8192);
    mprotect(readonly, 8192, PROT_READ);
    void *none = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *shared = 0;

    pid_t zombie = fork();
    if (zombie == 0) _exit(7);
    pid_t reader = fork();
    if (reader == 0) { /* waits for the parent's word through shared memory */
        while (*(volatile long *) shared != 4242) usleep(1000);
        _exit(42);
    }
    pid_t stopped = fork();
    if (stopped == 0) { raise(SIGSTOP); _exit(9); }
    while (state_of(zombie) != 'Z' || state_of(stopped) != 'T') usleep(1000);

    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(10000);

    printf("ready %d\n", getpid());
    fflush(stdout);
    while (!go) pause();

    /* --- after restore --- */
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, dir), "cwd %s", cwd);
    mode_t m = umask(0);
    CHECK(m == 027, "umask %o", m);
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    CHECK(r.rlim_cur == 100 && r.rlim_max == 200, "rlimit nofile %lu/%lu", r.rlim_cur, r.rlim_max);
    CHECK(handled_on_altstack, "SIGUSR2 handler did not run on the alternate stack");
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGUSR1), "SIGUSR1 no longer pending");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1), "SIGUSR1 no longer blocked");
    struct sigaction old;
    sigaction(SIGHUP, NULL, &old);
    CHECK(old.sa_handler == SIG_IGN, "SIGHUP disposition lost");
    sigaction(SIGUSR2, NULL, &old);
    CHECK(old.sa_handler == on_usr2 && (old.sa_flags & SA_ONSTACK), "SIGUSR2 handler or flags lost");
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    CHECK(now.it_interval.tv_sec == 3600 && now.it_value.tv_sec > 3500 && now.it_value.tv_sec <= 3600,
          "itimer %ld/%ld", (long) now.it_value.tv_sec, (long) now.it_interval.tv_sec);
    CHECK(advised[12345] == 0x5a && smaps_has(advised, " dc"), "MADV_DONTFORK area lost its advice or content");
    /* pages are filled through a userfaultfd of the restored process: none of it may remain */
    CHECK(!smaps_any_uffd(), "a mapping is still registered with a userfaultfd");
    CHECK(!holds_fd_of("userfaultfd"), "a userfaultfd descriptor was left in the process");
    CHECK(readonly[100] == 0x33 && !smaps_has(readonly, " wr"), "read-only area changed");
    CHECK(smaps_has(none, " mr") && !smaps_has(none, " rd"), "PROT_NONE area changed");
    char comm[64] = "";
    char path[128];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int) gettid());
    int found_worker = 0;
    for (pid_t tid = getpid(); tid < getpid() + 10000 && !found_worker; tid++) {
        snprintf(path, sizeof path, "/proc/self/task/%d/comm", tid);
        FILE *f = fopen(path, "r");
        if (f) { found_worker = fgets(comm, sizeof comm, f) && !strncmp(comm, "crak-worker", 11); fclose(f); }
    }
    CHECK(found_worker, "thread name crak-worker lost");
    int st;
    CHECK(waitpid(zombie, &st, WNOHANG) == zombie && WIFEXITED(st) && WEXITSTATUS(st) == 7, "zombie status lost");
    CHECK(state_of(stopped) == 'T', "stopped child runs (state %c)", state_of(stopped));
    kill(stopped, SIGCONT);
    CHECK(waitpid(stopped, &st, 0) == stopped && WIFEXITED(st) && WEXITSTATUS(st) == 9, "stopped child status");
    *shared = 4242;
    CHECK(waitpid(reader, &st, 0) == reader && WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "shared memory with the child broken");
    rmdir(dir);
    if (failures == 0) printf("ok\n");
    return failures ? 1 : 0;
}
