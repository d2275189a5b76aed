/*
 * sysv-ipc: SysV IPC objects of a two-process job, dumped, killed and restored while it waits for
 * GO_FILE. Before: a private shm segment of SEGMENT_BYTES filled with a pattern and attached in
 * both processes (the child inherits the attach), a keyed semaphore set with values 5, 0, 42, a
 * private message queue holding three messages. READY_FILE gets "shmid semid msqid".
 * After GO_FILE: the ids still work, the segment is still attached at the same address in both
 * (the parent writes a word the child must see), the semaphores have their values, the messages
 * come out in order, a segment removed while attached (SHM_DEST) is still there and still removed. The parent prints "PASS ..." (or "FAIL ..." and exits 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SEGMENT_BYTES (64 * 1024 + 100)
#define SEM_KEY 0x43524b53
#define FLAG_OFFSET 8192

struct msgbuf_ { long mtype; char mtext[64]; };

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL pid %d: ", getpid());
    vprintf(fmt, ap);
    printf(" (%s)\n", strerror(errno));
    va_end(ap);
    exit(1);
}

static void await_file(const char *path)
{
    struct stat st;
    struct timespec ts = {0, 5 * 1000 * 1000};
    while (stat(path, &st) != 0)
        nanosleep(&ts, NULL);
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 13 + 1); }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int shmid = shmget(IPC_PRIVATE, SEGMENT_BYTES, IPC_CREAT | 0640);
    if (shmid < 0)
        fail("shmget");
    unsigned char *seg = shmat(shmid, NULL, 0);
    if (seg == (void *)-1)
        fail("shmat");
    for (size_t i = 0; i < SEGMENT_BYTES; i++)
        seg[i] = pattern(i);
    volatile uint64_t *flag = (volatile uint64_t *)(seg + FLAG_OFFSET);
    *flag = 0;
    /* a second segment removed while attached (SHM_DEST): it must live on until its last detach */
    int gone = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    char *gone_seg = gone < 0 ? (void *)-1 : shmat(gone, NULL, 0);
    if (gone_seg == (void *)-1)
        fail("second segment");
    strcpy(gone_seg, "removed but attached");
    if (shmctl(gone, IPC_RMID, NULL) != 0)
        fail("IPC_RMID of the second segment");
    int semid = semget(SEM_KEY, 3, IPC_CREAT | IPC_EXCL | 0600);
    if (semid < 0)
        fail("semget of key %#x", SEM_KEY);
    unsigned short values[3] = {5, 0, 42};
    if (semctl(semid, 0, SETALL, values) != 0)
        fail("semctl SETALL");
    int msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (msqid < 0)
        fail("msgget");
    for (long t = 1; t <= 3; t++) {
        struct msgbuf_ m = {.mtype = t};
        int len = snprintf(m.mtext, sizeof m.mtext, "message %ld of the job", t);
        if (msgsnd(msqid, &m, len, 0) != 0)
            fail("msgsnd");
    }
    pid_t pid = fork();
    if (pid == 0) {
        await_file(argv[1]);
        struct timespec ts = {0, 1000 * 1000};
        for (int i = 0; i < 5000 && *flag != 0x5eed; i++)
            nanosleep(&ts, NULL);
        if (*flag != 0x5eed)
            fail("child never saw the parent's write through the segment at %p", (void *)seg);
        *flag = 0xacc;
        _exit(0);
    }
    FILE *ready = fopen(argv[2], "w");
    fprintf(ready, "%d %d %d\n", shmid, semid, msqid);
    fclose(ready);

    await_file(argv[1]);

    for (size_t i = 0; i < SEGMENT_BYTES; i++)
        if (i / 8 != FLAG_OFFSET / 8 && seg[i] != pattern(i))
            fail("segment byte %zu is %u, expected %u", i, seg[i], pattern(i));
    struct shmid_ds ds;
    if (shmctl(shmid, IPC_STAT, &ds) != 0 || ds.shm_segsz != SEGMENT_BYTES || (ds.shm_perm.mode & 0777) != 0640)
        fail("shm %d: size %zu mode %o", shmid, (size_t)ds.shm_segsz, ds.shm_perm.mode & 0777);
    if (ds.shm_nattch != 2)
        fail("shm %d attached %lu times, expected 2", shmid, (unsigned long)ds.shm_nattch);
    struct shmid_ds gds;
    if (strcmp(gone_seg, "removed but attached") != 0 || shmctl(gone, IPC_STAT, &gds) != 0
        || !(gds.shm_perm.mode & SHM_DEST))
        fail("removed segment %d: '%.20s', mode %#o", gone, gone_seg, gds.shm_perm.mode);
    *flag = 0x5eed;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || *flag != 0xacc)
        fail("child %d: status %#x, flag %#lx", pid, status, (unsigned long)*flag);
    unsigned short now[3];
    if (semctl(semid, 0, GETALL, now) != 0 || now[0] != 5 || now[1] != 0 || now[2] != 42)
        fail("semaphores %u %u %u", now[0], now[1], now[2]);
    if (semget(SEM_KEY, 0, 0) != semid)
        fail("key %#x no longer finds semaphore set %d", SEM_KEY, semid);
    struct sembuf op = {.sem_num = 0, .sem_op = -5, .sem_flg = IPC_NOWAIT};
    if (semop(semid, &op, 1) != 0)
        fail("semop -5 on a semaphore of value 5");
    for (long t = 1; t <= 3; t++) {
        struct msgbuf_ m;
        char expect[64];
        int len = snprintf(expect, sizeof expect, "message %ld of the job", t);
        ssize_t n = msgrcv(msqid, &m, sizeof m.mtext, 0, IPC_NOWAIT);
        if (n != len || m.mtype != t || memcmp(m.mtext, expect, len) != 0)
            fail("message %ld: %zd bytes, type %ld", t, n, n > 0 ? m.mtype : 0);
    }
    shmdt(seg);
    shmdt(gone_seg);
    shmctl(shmid, IPC_RMID, NULL);
    semctl(semid, 0, IPC_RMID);
    msgctl(msqid, IPC_RMID, NULL);
    printf("PASS shm %d (%d bytes, attached twice), semaphores 5 0 42 (key %#x), 3 messages\n", shmid,
           SEGMENT_BYTES, SEM_KEY);
    return 0;
}
