/* A signalfd keeps its mask and flags and receives a signal sent after the restore. */
#include "../cprog/check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>

int main(int argc, char **argv)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
        die("sigprocmask");
    sigdelset(&mask, SIGUSR2);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        die("signalfd");
    ready_then_wait(argv[1]);

    struct signalfd_siginfo si;
    check(read(sfd, &si, sizeof si) < 0 && errno == EAGAIN, "nothing pending before the signal; non-blocking");
    check(kill(getpid(), SIGUSR2) == 0, "SIGUSR2 sent (not in the mask)");
    check(kill(getpid(), SIGUSR1) == 0, "SIGUSR1 sent");
    ssize_t n = read(sfd, &si, sizeof si);
    check(n == sizeof si && si.ssi_signo == SIGUSR1, "signalfd reads SIGUSR1 (n=%zd signo=%u)", n, si.ssi_signo);
    check(read(sfd, &si, sizeof si) < 0 && errno == EAGAIN, "SIGUSR2 is not read through the signalfd");
    check((fcntl(sfd, F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec kept");
    sigset_t pending;
    sigpending(&pending);
    check(sigismember(&pending, SIGUSR2), "SIGUSR2 still pending on the process");
    return finish();
}
