/*
 * crak-init: the first process of every Crak job.
 *
 *   crak-init [--pidns [--netns]] [--cgroup DIR] [--user UID:GID] [--parent PID] [--detach PIDFILE] -- CMD [ARG...]
 *
 * It places itself in the job's cgroup (so every process of the job is born inside it and the
 * freezer and cgroup.kill see the whole job), optionally enters a fresh pid namespace (so the
 * job's pids are free on whatever node restores it), drops to the job owner's credentials, arms
 * PR_SET_PDEATHSIG so the job never outlives its supervisor, then runs CMD in its own process
 * group, reaps every child that ends up with it, forwards SIGTERM/SIGINT/SIGHUP to CMD's group and
 * exits with CMD's status (its exit code, or 128+signal when CMD was killed).
 *
 * Without --pidns it is a child subreaper in the host namespace. With --pidns the process started
 * here unshares, forks pid 1 of the new namespace (which mounts its own /proc and does the
 * work above), and relays that pid 1's status and the forwarded signals. With --netns as well, that
 * pid 1 also moves into a network namespace of its own with only a loopback interface (set up),
 * so the job's ports are its own on any node; the relay stays outside it.
 *
 * With --detach (for a supervisor that is a child subreaper, as Crak's JVM is): the process started
 * forks the init, writes its pid to PIDFILE and exits, so the init is adopted by the supervisor
 * without being the supervisor's java.lang.Process (whose reaper thread would wait for it and
 * steal the ptrace stops the engine needs). The init arms PR_SET_PDEATHSIG only once it has been
 * adopted by PID (--parent), and is itself pid 1 of the new namespace with --pidns.
 *
 * Its own failures exit with EXIT_INIT_FAILED and one line on stderr naming what and why. It
 * uses no signalfd, timers or threads: it must itself be checkpointable by the engine, and every
 * blocking call is restarted on EINTR because a restore may resume it with an interrupted
 * syscall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exit codes of crak-init itself, in the ranges shells use for the same reasons. */
#define EXIT_INIT_FAILED 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127
/* How long a detached init waits to be adopted by its supervisor. */
#define ADOPTION_TIMEOUT_MS 10000

struct options {
    int pidns;
    int netns;
    const char *cgroup;
    int drop_user;
    uid_t uid;
    gid_t gid;
    pid_t parent;
    const char *pid_file;
    char **cmd;
};

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "crak-init[%d]: %s\n", (int)getpid(), line);
    _exit(EXIT_INIT_FAILED);
}

static void usage(void)
{
    fputs("usage: crak-init [--pidns [--netns]] [--cgroup DIR] [--user UID:GID] [--parent PID] [--detach PIDFILE] -- CMD...\n"
          "Runs CMD as the init of a Crak job: in cgroup DIR, optionally in a new pid namespace,\n"
          "reaping orphans, forwarding SIGTERM/SIGINT/SIGHUP to CMD's process group, exiting with\n"
          "CMD's status (128+signal if it was killed). --parent PID: die with PID (PR_SET_PDEATHSIG).\n"
          "--detach PIDFILE: fork the init, write its pid to PIDFILE and exit; the init waits to be\n"
          "adopted by --parent PID (a child subreaper).\n",
          stderr);
}

static long parse_number(const char *what, const char *text, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 0 || v > max) {
        die("%s: '%s' is not a number in 0..%ld", what, text, max);
    }
    return v;
}

static struct options parse(int argc, char **argv)
{
    struct options o = {0};
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--help") == 0) {
            usage();
            exit(0);
        } else if (strcmp(a, "--pidns") == 0) {
            o.pidns = 1;
        } else if (strcmp(a, "--netns") == 0) {
            o.netns = 1;
        } else if (strcmp(a, "--cgroup") == 0 && i + 1 < argc) {
            o.cgroup = argv[++i];
        } else if (strcmp(a, "--parent") == 0 && i + 1 < argc) {
            o.parent = (pid_t)parse_number("--parent", argv[++i], 0x3fffffff);
        } else if (strcmp(a, "--detach") == 0 && i + 1 < argc) {
            o.pid_file = argv[++i];
        } else if (strcmp(a, "--user") == 0 && i + 1 < argc) {
            char *spec = argv[++i];
            char *colon = strchr(spec, ':');
            if (!colon) {
                die("--user: '%s' is not UID:GID", spec);
            }
            *colon = '\0';
            o.uid = (uid_t)parse_number("--user uid", spec, 0x7fffffff);
            o.gid = (gid_t)parse_number("--user gid", colon + 1, 0x7fffffff);
            o.drop_user = 1;
        } else {
            usage();
            die("unknown or incomplete option '%s'", a);
        }
    }
    if (i >= argc) {
        usage();
        die("no command given after --");
    }
    if (o.netns && !o.pidns) {
        die("--netns needs --pidns: the network namespace belongs to the job's pid 1");
    }
    if (o.pid_file && o.parent <= 0) {
        die("--detach needs --parent PID: the supervisor that adopts the init");
    }
    o.cmd = argv + i;
    return o;
}

static void join_cgroup(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= (int)sizeof path) {
        die("cgroup %s: path too long", dir);
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        die("cgroup %s: open: %s", path, strerrorname_np(errno));
    }
    /* "0" moves the writer itself; children forked afterwards are born in the cgroup. */
    if (write(fd, "0", 1) != 1) {
        die("cgroup %s: write: %s", path, strerrorname_np(errno));
    }
    close(fd);
}

static void drop_privileges(const struct options *o)
{
    if (!o->drop_user) {
        return;
    }
    if (setgroups(1, &o->gid) != 0 && errno != EPERM) {
        die("setgroups(%u): %s", (unsigned)o->gid, strerrorname_np(errno));
    }
    if (setresgid(o->gid, o->gid, o->gid) != 0) {
        die("setresgid(%u): %s", (unsigned)o->gid, strerrorname_np(errno));
    }
    if (setresuid(o->uid, o->uid, o->uid) != 0) {
        die("setresuid(%u): %s", (unsigned)o->uid, strerrorname_np(errno));
    }
}

/* Armed after any credential change, which would clear it. */
static void die_with_parent(pid_t parent)
{
    if (parent <= 0) {
        return;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        die("prctl(PR_SET_PDEATHSIG): %s", strerrorname_np(errno));
    }
    /* The parent may have died before the prctl: then nobody would ever send the signal. */
    if (getppid() != parent) {
        die("supervisor pid %d is gone (parent is now %d)", (int)parent, (int)getppid());
    }
}

static sigset_t handled_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return set;
}

static int status_to_exit_code(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

static pid_t start_command(char **cmd, const sigset_t *old_mask)
{
    pid_t pid = fork();
    if (pid < 0) {
        die("fork: %s", strerrorname_np(errno));
    }
    if (pid == 0) {
        /* Own process group, so forwarded signals reach the command and all it started. */
        setpgid(0, 0);
        /* If init is killed, the command must not run on unsupervised (its group is killed by
         * the supervisor through the cgroup; this covers the window before that). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        execvp(cmd[0], cmd);
        int err = errno;
        fprintf(stderr, "crak-init[%d]: exec %s: %s\n", (int)getpid(), cmd[0], strerrorname_np(err));
        _exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
    }
    /* Also from the parent: a signal forwarded before the child ran setpgid must find the group. */
    setpgid(pid, pid);
    return pid;
}

/*
 * Reaps every child; forwards termination signals to `forward_to` (a process group when
 * negative). Returns the exit code once `main_child` has ended.
 */
static int supervise(pid_t main_child, pid_t forward_to, const sigset_t *set)
{
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(set, &info);
        if (sig < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("sigwaitinfo: %s", strerrorname_np(errno));
        }
        if (sig != SIGCHLD) {
            kill(forward_to, sig);
        }
        /* SIGCHLD coalesces and may have been consumed before a restore: always drain. */
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid < 0 && errno == EINTR) {
                continue;
            }
            if (pid <= 0) {
                break;
            }
            if (pid == main_child) {
                return status_to_exit_code(status);
            }
        }
    }
}

/* pid 1 of the job's namespace (or the subreaper in the host namespace). */
static int run_as_init(const struct options *o, const sigset_t *set, const sigset_t *old_mask)
{
    pid_t cmd = start_command(o->cmd, old_mask);
    return supervise(cmd, -cmd, set);
}

/*
 * The new namespace's /proc must not replace the host's: mounts are made slaves of the host's
 * first (not private: storage mounted on the host later still propagates into the job, as it does
 * into a job the engine restores), then /proc is mounted over, seen only here.
 */
static void mount_own_proc(void)
{
    if (mount("none", "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) {
        die("make / a slave of the host's mounts in the new mount namespace: %s", strerrorname_np(errno));
    }
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
        die("mount /proc in the new pid namespace: %s", strerrorname_np(errno));
    }
}

/* --netns, in pid 1 before it drops privileges: a network namespace of its own, loopback up. */
static void own_network(void)
{
    if (unshare(CLONE_NEWNET) != 0) {
        die("unshare(CLONE_NEWNET): %s", strerrorname_np(errno));
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
        die("read the flags of lo in the new network namespace: %s", strerrorname_np(errno));
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
        die("set lo up in the new network namespace: %s", strerrorname_np(errno));
    }
    close(s);
}

/*
 * Our parent as the host sees it. getppid() says 0 in a new pid namespace whose parent is
 * outside, so read it from the host's /proc, which is still mounted here.
 */
static pid_t host_parent(void)
{
    char line[256];
    pid_t ppid = -1;
    FILE *f = fopen("/proc/self/status", "re");
    if (!f) {
        die("open /proc/self/status: %s", strerrorname_np(errno));
    }
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "PPid: %d", &ppid) == 1) {
            break;
        }
    }
    fclose(f);
    return ppid;
}

/* Waits until the launcher has exited and the supervisor (a subreaper) has adopted us. */
static void await_adoption(pid_t parent)
{
    struct timespec pause = {0, 1000 * 1000};
    for (int waited = 0; host_parent() != parent; waited++) {
        if (waited >= ADOPTION_TIMEOUT_MS) {
            die("not adopted by supervisor pid %d within %d ms (parent is %d): is it a child subreaper?",
                (int)parent, ADOPTION_TIMEOUT_MS, (int)host_parent());
        }
        nanosleep(&pause, NULL);
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        die("prctl(PR_SET_PDEATHSIG): %s", strerrorname_np(errno));
    }
    /* the supervisor may have died before the prctl: then nobody would ever send the signal */
    if (host_parent() != parent) {
        die("supervisor pid %d is gone", (int)parent);
    }
}

static void write_pid_file(const char *path, pid_t pid)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%d\n", (int)pid);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, text, len) != len || close(fd) != 0) {
        int err = errno;
        kill(pid, SIGKILL);
        die("pid file %s: %s", path, strerrorname_np(err));
    }
}

/* --detach: the started process forks the init and leaves; see the header comment. */
static int run_detached(const struct options *o, const sigset_t *set, const sigset_t *old_mask)
{
    if (o->pidns && unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
        die("unshare(CLONE_NEWPID|CLONE_NEWNS): %s", strerrorname_np(errno));
    }
    pid_t init = fork();
    if (init < 0) {
        die("fork the init: %s", strerrorname_np(errno));
    }
    if (init > 0) {
        write_pid_file(o->pid_file, init);
        return 0;
    }
    await_adoption(o->parent);
    if (o->pidns) {
        mount_own_proc();
        if (o->netns) {
            own_network();
        }
    } else if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        die("prctl(PR_SET_CHILD_SUBREAPER): %s", strerrorname_np(errno));
    }
    if (o->drop_user) {
        drop_privileges(o);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) { /* cleared by the credential change */
            die("prctl(PR_SET_PDEATHSIG): %s", strerrorname_np(errno));
        }
    }
    _exit(run_as_init(o, set, old_mask));
}

int main(int argc, char **argv)
{
    struct options o = parse(argc, argv);
    sigset_t set = handled_signals(), old_mask;
    if (sigprocmask(SIG_BLOCK, &set, &old_mask) != 0) {
        die("sigprocmask: %s", strerrorname_np(errno));
    }
    if (o.cgroup) {
        join_cgroup(o.cgroup);
    }
    if (o.pid_file) {
        return run_detached(&o, &set, &old_mask);
    }
    if (!o.pidns) {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
            die("prctl(PR_SET_CHILD_SUBREAPER): %s", strerrorname_np(errno));
        }
        drop_privileges(&o);
        die_with_parent(o.parent);
        return run_as_init(&o, &set, &old_mask);
    }

    if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
        die("unshare(CLONE_NEWPID|CLONE_NEWNS): %s", strerrorname_np(errno));
    }
    die_with_parent(o.parent);
    pid_t init = fork();
    if (init < 0) {
        die("fork pid 1 of the new namespace: %s", strerrorname_np(errno));
    }
    if (init == 0) {
        /* pid 1: the kernel kills the whole namespace when it exits; die with the relay. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
            die("prctl(PR_SET_PDEATHSIG): %s", strerrorname_np(errno));
        }
        mount_own_proc();
        if (o.netns) {
            own_network();
        }
        drop_privileges(&o);
        if (o.drop_user && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
            die("prctl(PR_SET_PDEATHSIG): %s", strerrorname_np(errno));
        }
        _exit(run_as_init(&o, &set, &old_mask));
    }
    /* The relay in the host namespace forwards signals to pid 1, which forwards them on. */
    drop_privileges(&o);
    die_with_parent(o.parent);
    return supervise(init, init, &set);
}
