// SPDX-License-Identifier: GPL-2.0
/*
 * Crak freeze/thaw benchmark: one group of busy processes, frozen and thawed in turn by the
 * module, the cgroup v2 freezer, the cgroup v1 freezer and ptrace, on the same kernel. Freeze is
 * timed until the mechanism confirms every process stopped; thaw until it confirms the release.
 * The benchmark itself runs SCHED_FIFO so that the figures are the mechanisms' own latency, not
 * how long the fair scheduler keeps the measuring thread behind fifty CPU-bound processes.
 * Prints "CRAK-BENCH <method> processes N freeze median/p90/max ... thaw ..." lines.
 */
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>

#include "crak_test.h"

#define NR_PROCS 50
#define ROUNDS 20
#define SETTLE_MS 20
#define POLL_US 50
#define V2_DIR "/sys/fs/cgroup/unified/crak-bench"
#define V1_DIR "/sys/fs/cgroup/freezer/crak-bench"

static pid_t procs[NR_PROCS];

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		fprintf(stderr, "crak_bench: write %s to %s: %s\n", s, path, strerror(errno));
		exit(2);
	}
	close(fd);
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, needle) != NULL;
}

static void wait_file(const char *path, const char *needle)
{
	while (!file_contains(path, needle))
		usleep(POLL_US);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *method, uint64_t *freeze, uint64_t *thaw)
{
	qsort(freeze, ROUNDS, sizeof(*freeze), cmp_u64);
	qsort(thaw, ROUNDS, sizeof(*thaw), cmp_u64);
	printf("CRAK-BENCH %-9s processes %d rounds %d  freeze median %8.3f ms p90 %8.3f ms max %8.3f ms"
	       "  thaw median %8.3f ms p90 %8.3f ms max %8.3f ms\n", method, NR_PROCS, ROUNDS,
	       freeze[ROUNDS / 2] / 1e6, freeze[ROUNDS * 9 / 10] / 1e6, freeze[ROUNDS - 1] / 1e6,
	       thaw[ROUNDS / 2] / 1e6, thaw[ROUNDS * 9 / 10] / 1e6, thaw[ROUNDS - 1] / 1e6);
	fflush(stdout);
}

static void bench_kmod(void)
{
	uint64_t freeze[ROUNDS], thaw[ROUNDS], t0;
	struct crak_freeze f;
	struct crak_thaw t;
	int fd = open_dev(), r;

	for (r = 0; r < ROUNDS; r++) {
		freeze_req(&f, CRAK_SCOPE_PGRP, procs[0]);
		t0 = now_ns();
		if (ioctl(fd, CRAK_IOC_FREEZE, &f) || f.nr_processes != NR_PROCS) {
			fprintf(stderr, "crak_bench: FREEZE: %s, %u processes\n", errname(errno), f.nr_processes);
			exit(2);
		}
		freeze[r] = now_ns() - t0;
		memset(&t, 0, sizeof(t));
		t.generation = f.generation;
		t0 = now_ns();
		if (ioctl(fd, CRAK_IOC_THAW, &t)) {
			fprintf(stderr, "crak_bench: THAW: %s\n", errname(errno));
			exit(2);
		}
		thaw[r] = now_ns() - t0;
		sleep_ms(SETTLE_MS);
	}
	close(fd);
	report("kmod", freeze, thaw);
}

static void move_all(const char *procs_file)
{
	char buf[32];
	int i;

	for (i = 0; i < NR_PROCS; i++) {
		snprintf(buf, sizeof(buf), "%d", procs[i]);
		write_file(procs_file, buf);
	}
}

static void bench_cgroup_v2(void)
{
	uint64_t freeze[ROUNDS], thaw[ROUNDS], t0;
	int r;

	if (mkdir(V2_DIR, 0755) && errno != EEXIST) {
		printf("CRAK-BENCH cgroup-v2 unavailable: mkdir %s: %s\n", V2_DIR, strerror(errno));
		return;
	}
	move_all(V2_DIR "/cgroup.procs");
	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		write_file(V2_DIR "/cgroup.freeze", "1");
		wait_file(V2_DIR "/cgroup.events", "frozen 1");
		freeze[r] = now_ns() - t0;
		t0 = now_ns();
		write_file(V2_DIR "/cgroup.freeze", "0");
		wait_file(V2_DIR "/cgroup.events", "frozen 0");
		thaw[r] = now_ns() - t0;
		sleep_ms(SETTLE_MS);
	}
	move_all("/sys/fs/cgroup/unified/cgroup.procs");
	rmdir(V2_DIR);
	report("cgroup-v2", freeze, thaw);
}

static void bench_cgroup_v1(void)
{
	uint64_t freeze[ROUNDS], thaw[ROUNDS], t0;
	int r;

	if (mkdir(V1_DIR, 0755) && errno != EEXIST) {
		printf("CRAK-BENCH cgroup-v1 unavailable: mkdir %s: %s\n", V1_DIR, strerror(errno));
		return;
	}
	move_all(V1_DIR "/cgroup.procs");
	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		write_file(V1_DIR "/freezer.state", "FROZEN");
		wait_file(V1_DIR "/freezer.state", "FROZEN");
		freeze[r] = now_ns() - t0;
		t0 = now_ns();
		write_file(V1_DIR "/freezer.state", "THAWED");
		wait_file(V1_DIR "/freezer.state", "THAWED");
		thaw[r] = now_ns() - t0;
		sleep_ms(SETTLE_MS);
	}
	move_all("/sys/fs/cgroup/freezer/cgroup.procs");
	rmdir(V1_DIR);
	report("cgroup-v1", freeze, thaw);
}

/* Seize and interrupt every process, then wait for each stop; thaw is the detach of all. */
static void bench_ptrace(void)
{
	uint64_t freeze[ROUNDS], thaw[ROUNDS], t0;
	int r, i, status;

	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < NR_PROCS; i++)
			if (ptrace(PTRACE_SEIZE, procs[i], 0, 0) || ptrace(PTRACE_INTERRUPT, procs[i], 0, 0)) {
				fprintf(stderr, "crak_bench: ptrace pid %d: %s\n", procs[i], strerror(errno));
				exit(2);
			}
		for (i = 0; i < NR_PROCS; i++)
			waitpid(procs[i], &status, __WALL);
		freeze[r] = now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < NR_PROCS; i++)
			ptrace(PTRACE_DETACH, procs[i], 0, 0);
		thaw[r] = now_ns() - t0;
		sleep_ms(SETTLE_MS);
	}
	report("ptrace", freeze, thaw);
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < NR_PROCS; i++) {
		procs[i] = fork();
		if (procs[i] == 0) {
			volatile uint64_t spin = 0;

			for (;;)
				spin++;
		}
		setpgid(procs[i], procs[0]);
	}
	sleep_ms(200);
	if (sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 1 }))
		fprintf(stderr, "crak_bench: SCHED_FIFO: %s (figures include scheduling delay)\n", strerror(errno));
	bench_kmod();
	bench_cgroup_v2();
	bench_cgroup_v1();
	bench_ptrace();
	for (i = 0; i < NR_PROCS; i++) {
		kill(procs[i], SIGKILL);
		waitpid(procs[i], NULL, 0);
	}
	return 0;
}
