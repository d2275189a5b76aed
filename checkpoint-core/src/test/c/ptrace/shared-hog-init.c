/*
 * The init of a pid namespace (started by unshare --pid --fork) holding a large shared anonymous
 * mapping, which a restore fills by calls injected into this process that take a while, and a
 * child that only waits: a killed init then cannot finish dying until that child is reaped, and the
 * child, traced by crak mid-restore, only by crak. Arguments: go file, MiB of shared memory.
 */
#include "../cprog/check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GO_FILE MIB\n", argv[0]);
        return 2;
    }
    size_t bytes = (size_t)strtoul(argv[2], NULL, 10) << 20;
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        for (;;)
            pause();
    }
    uint64_t *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        die("mmap");
    for (size_t i = 0; i < bytes / sizeof(uint64_t); i += 512)
        mem[i] = i * 0x9e3779b97f4a7c15ULL;
    ready_then_wait(argv[1]);
    int same = 1;
    for (size_t i = 0; i < bytes / sizeof(uint64_t); i += 512)
        same &= mem[i] == i * 0x9e3779b97f4a7c15ULL;
    check(same, "shared memory content survived");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return finish();
}
