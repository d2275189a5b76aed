/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crak selftests: shared helpers. Every check prints one line
 *   CRAK-RESULT PASS <name>          or          CRAK-RESULT FAIL <name>: <why>
 * which the VM harness counts into the final "N passed, N failed" line.
 */
#ifndef CRAK_TEST_H
#define CRAK_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/crak.h>

#define CRAK_DEV "/dev/" CRAK_DEVICE_NAME

static int crak_failures;

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("CRAK-RESULT %s %s", ok ? "PASS" : "FAIL", name);
	if (!ok && fmt) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	if (!ok)
		crak_failures++;
}

#define CRAK_INFO(fmt, ...) printf("CRAK-INFO " fmt "\n", ##__VA_ARGS__)

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOTTY: return "ENOTTY";
	case EDEADLK: return "EDEADLK";
	case ESTALE: return "ESTALE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return strerror(e);
	}
}

/* Runs an ioctl and reports whether it failed with exactly @want (0: succeeded). */
static inline bool expect_errno(const char *name, int fd, unsigned long cmd, void *arg, int want)
{
	int got = ioctl(fd, cmd, arg) < 0 ? errno : 0;

	result(got == want, name, "expected %s, got %s", errname(want), errname(got));
	return got == want;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline int open_dev(void)
{
	int fd = open(CRAK_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", CRAK_DEV, strerror(errno));
		exit(2);
	}
	return fd;
}

static inline void freeze_req(struct crak_freeze *f, uint32_t scope, int pid)
{
	memset(f, 0, sizeof(*f));
	f->scope = scope;
	f->pid = pid;
	f->timeout_ns = 5000000000ULL;
}

static inline int finish(void)
{
	return crak_failures ? 1 : 0;
}

#endif
