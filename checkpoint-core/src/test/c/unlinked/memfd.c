/* memfds: contents, size, seals, name, and a shared mapping that is one object with the descriptor. */
#include "../cprog/check.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    int m = memfd_create("crak-test", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    int sealed = memfd_create("sealed", MFD_ALLOW_SEALING);
    if (m < 0 || sealed < 0 || ftruncate(m, 16384) != 0 || pwrite(m, "hello memfd", 11, 5000) != 11)
        die("memfd");
    char *map = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    if (map == MAP_FAILED)
        die("mmap");
    memset(map + 8192, 'M', 100);
    if (fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
        die("seal m");
    if (write(sealed, "frozen", 6) != 6 || fcntl(sealed, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL) != 0)
        die("seal sealed");
    lseek(m, 100, SEEK_SET);
    ready_then_wait(argv[1]);

    char link[PATH_MAX], proc[64], got[16];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", m);
    ssize_t len = readlink(proc, link, sizeof link - 1);
    link[len > 0 ? len : 0] = 0;
    check(strcmp(link, "/memfd:crak-test (deleted)") == 0, "memfd name kept (%s)", link);
    struct stat st;
    int stat_rc = fstat(m, &st);
    check(stat_rc == 0 && st.st_size == 16384, "memfd size 16384 (%ld)", (long)st.st_size);
    check(lseek(m, 0, SEEK_CUR) == 100, "memfd offset 100");
    check(pread(m, got, 11, 5000) == 11 && memcmp(got, "hello memfd", 11) == 0, "memfd contents");
    check(map[8192] == 'M' && map[8291] == 'M' && map[8292] == 0, "mapping contents");
    map[0] = 'z';
    check(pread(m, got, 1, 0) == 1 && got[0] == 'z', "mapping and descriptor are one object");
    check(fcntl(m, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW), "seals shrink|grow (%#x)", fcntl(m, F_GET_SEALS));
    check(ftruncate(m, 0) != 0 && errno == EPERM, "shrink refused by its seal");
    check(fcntl(sealed, F_GET_SEALS) == (F_SEAL_WRITE | F_SEAL_SEAL), "seals write|seal");
    check(write(sealed, "x", 1) < 0 && errno == EPERM, "write refused by its seal");
    check(pread(sealed, got, 6, 0) == 6 && memcmp(got, "frozen", 6) == 0, "sealed contents");
    check((fcntl(m, F_GETFD) & FD_CLOEXEC) != 0 && (fcntl(sealed, F_GETFD) & FD_CLOEXEC) == 0, "close-on-exec kept");
    return finish();
}
