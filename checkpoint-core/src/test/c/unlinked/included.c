/*
 * A job file in /tmp (argv[2]) open at an offset and a POSIX shared memory object (argv[3], a
 * name under /dev/shm) mapped shared: both are deleted between dump and restore and come back
 * through --include-path.
 */
#include "../cprog/check.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    int f = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (f < 0 || write(f, "0123456789abcdefghij", 20) != 20 || lseek(f, 10, SEEK_SET) != 10)
        die("job file");
    int s = shm_open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (s < 0 || ftruncate(s, 8192) != 0)
        die("shm_open");
    char *shm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
    if (shm == MAP_FAILED)
        die("mmap");
    close(s);
    strcpy(shm + 4096, "shared state");
    ready_then_wait(argv[1]);

    char got[16] = {0};
    check(read(f, got, 10) == 10 && memcmp(got, "abcdefghij", 10) == 0, "job file read on from offset 10 (%s)", got);
    check(strcmp(shm + 4096, "shared state") == 0, "shared memory contents");
    struct stat st;
    check(fstat(f, &st) == 0 && st.st_nlink == 1 && (st.st_mode & 0777) == 0600, "job file has a name and mode 600");
    char path[300];
    snprintf(path, sizeof path, "/dev/shm%s", argv[3]);
    int again = open(path, O_RDONLY);
    check(again >= 0 && pread(again, got, 12, 4096) == 12 && memcmp(got, "shared state", 12) == 0,
          "the shared memory object is back under /dev/shm");
    return finish();
}
