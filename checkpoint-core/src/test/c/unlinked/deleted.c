/*
 * Files deleted while open (argv[2] is a path prefix): two descriptors of one deleted file at
 * different offsets and flags, a shared mapping of a deleted file whose descriptor is closed, and
 * a private copy-on-write mapping of the first one.
 */
#include "../cprog/check.h"
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define SIZE (100 * 1024)
#define PAGE 4096

static unsigned char pattern(long i)
{
    return (unsigned char)(i * 131 + 7);
}

int main(int argc, char **argv)
{
    char path[PATH_MAX], mapped[PATH_MAX];
    snprintf(path, sizeof path, "%s.data", argv[2]);
    snprintf(mapped, sizeof mapped, "%s.map", argv[2]);
    static unsigned char buf[SIZE];
    for (long i = 0; i < SIZE; i++)
        buf[i] = pattern(i);
    int rw = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);
    if (rw < 0 || write(rw, buf, SIZE) != SIZE)
        die("write data");
    int ro = open(path, O_RDONLY);
    int m = open(mapped, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (ro < 0 || m < 0 || ftruncate(m, 3 * PAGE) != 0)
        die("open");
    unsigned char *shared = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    unsigned char *cow = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rw, PAGE);
    if (shared == MAP_FAILED || cow == MAP_FAILED)
        die("mmap");
    memset(shared + PAGE, 'S', PAGE);
    cow[10] = 'C';
    close(m);
    if (unlink(path) || unlink(mapped))
        die("unlink");
    lseek(rw, 12345, SEEK_SET);
    lseek(ro, 777, SEEK_SET);
    ready_then_wait(argv[1]);

    struct stat st;
    int stat_rc = fstat(rw, &st);
    check(stat_rc == 0 && st.st_nlink == 0 && st.st_size == SIZE && (st.st_mode & 0777) == 0640,
          "deleted file: 0 links, %ld bytes, mode %o", (long)st.st_size, st.st_mode & 0777);
    check(lseek(ro, 0, SEEK_CUR) == 777, "read-only descriptor at offset 777");
    check((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY && (fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR,
          "access modes kept");
    unsigned char got[16];
    check(read(rw, got, 16) == 16 && got[0] == pattern(12345) && got[15] == pattern(12360),
          "content read at the restored offset 12345");
    check(write(rw, "W", 1) == 1 && pread(ro, got, 1, 12361) == 1 && got[0] == 'W',
          "both descriptors see one file");
    check(cow[10] == 'C' && cow[11] == pattern(PAGE + 11), "private mapping keeps its copied-on-write page");
    check(shared[PAGE] == 'S' && shared[0] == 0 && shared[2 * PAGE] == 0, "shared mapping of a deleted file kept");
    shared[0] = 'x';
    check(shared[0] == 'x', "shared mapping still writable");
    return finish();
}
