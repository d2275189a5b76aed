/* eventfd counters (32- and 64-bit), EFD_SEMAPHORE, O_NONBLOCK and close-on-exec across a checkpoint. */
#include "../cprog/check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>

int main(int argc, char **argv)
{
    int plain = eventfd(0, EFD_NONBLOCK);
    int sem = eventfd(3, EFD_SEMAPHORE | EFD_CLOEXEC);
    int big = eventfd(0, 0);
    uint64_t v = 41, got;
    if (plain < 0 || sem < 0 || big < 0)
        die("eventfd");
    if (write(plain, &v, 8) != 8 || (v = 1, write(plain, &v, 8) != 8))
        die("write plain");
    v = 0x123456789ULL;
    if (write(big, &v, 8) != 8)
        die("write big");
    ready_then_wait(argv[1]);

    check(read(plain, &got, 8) == 8 && got == 42, "plain counter 42 (got %llu)", (unsigned long long)got);
    check(read(plain, &got, 8) < 0 && errno == EAGAIN, "plain is non-blocking and now empty");
    check((fcntl(plain, F_GETFD) & FD_CLOEXEC) == 0, "plain has no close-on-exec");
    for (int i = 0; i < 3; i++)
        check(read(sem, &got, 8) == 8 && got == 1, "semaphore read %d gives 1 (got %llu)", i, (unsigned long long)got);
    check((fcntl(sem, F_GETFL) & O_NONBLOCK) == 0, "semaphore is blocking");
    check((fcntl(sem, F_GETFD) & FD_CLOEXEC) != 0, "semaphore has close-on-exec");
    check(read(big, &got, 8) == 8 && got == 0x123456789ULL, "64-bit counter (got %#llx)", (unsigned long long)got);
    return finish();
}
