// SPDX-License-Identifier: GPL-2.0
/* Crak selftests: every bad input gets its documented errno (Documentation/crak.rst). */
#include <sys/prctl.h>
#include <sys/stat.h>

#include "crak_test.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

/* A sleeping child in its own process group, or one that set up an io_uring first. */
static pid_t spawn_sleeper(bool with_io_uring)
{
	int ready[2];
	char c;
	pid_t pid;

	if (pipe(ready))
		exit(2);
	pid = fork();
	if (pid == 0) {
		char params[120] = { 0 };

		setpgid(0, 0);
		if (with_io_uring && syscall(__NR_io_uring_setup, 4, params) < 0)
			_exit(3);
		if (write(ready[1], "x", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void test_device(void)
{
	struct stat st = { 0 };
	int fd;
	pid_t child;
	int status;

	result(stat(CRAK_DEV, &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 07777) == 0600 &&
	       st.st_uid == 0, "selftest.device_root_only_0600", "mode %o uid %d",
	       st.st_mode & 07777, st.st_uid);
	child = fork();
	if (child == 0) {
		if (setuid(65534))
			_exit(3);
		fd = open(CRAK_DEV, O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	waitpid(child, &status, 0);
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0, "selftest.nonroot_open_refused",
	       "status %#x", status);
}

static void test_bad_input(int fd, pid_t target)
{
	struct crak_freeze f;
	struct crak_thaw t;
	struct crak_status st;
	int32_t pids[2] = { target, -5 };
	struct { struct crak_freeze f; uint64_t extra; } bigger;

	expect_errno("selftest.unknown_command", fd, _IO(CRAK_IOC_MAGIC, 99), NULL, ENOTTY);
	memset(&bigger, 0, sizeof(bigger));
	expect_errno("selftest.wrong_struct_size", fd,
		     _IOWR(CRAK_IOC_MAGIC, 1, bigger), &bigger, ENOTTY);

	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	f.__pad0 = 1;
	expect_errno("selftest.freeze_pad0_nonzero", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	f.__pad1 = 1;
	expect_errno("selftest.freeze_pad1_nonzero", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	f.flags = 1;
	expect_errno("selftest.freeze_unknown_flag", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	memset(&t, 0, sizeof(t));
	t.__pad0 = 1;
	expect_errno("selftest.thaw_pad_nonzero", fd, CRAK_IOC_THAW, &t, EINVAL);
	memset(&st, 0, sizeof(st));
	st.__pad0 = 1;
	expect_errno("selftest.status_pad_nonzero", fd, CRAK_IOC_STATUS, &st, EINVAL);

	freeze_req(&f, 0, target);
	expect_errno("selftest.scope_zero", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, 99, target);
	expect_errno("selftest.scope_unknown", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_PGRP, 0);
	expect_errno("selftest.scope_pgrp_pid_zero", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_TREE, target);
	f.nr_pids = 1;
	expect_errno("selftest.scope_tree_with_pid_list", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	f.nr_pids = 2;
	f.pids_ptr = (uintptr_t)pids;
	expect_errno("selftest.scope_pids_negative", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	result(f.err_pid == -5, "selftest.scope_pids_negative_err_pid", "err_pid %d", f.err_pid);
	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	f.nr_pids = CRAK_MAX_PIDS + 1;
	f.pids_ptr = (uintptr_t)pids;
	expect_errno("selftest.scope_pids_too_many", fd, CRAK_IOC_FREEZE, &f, E2BIG);
	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	f.nr_pids = 1;
	f.pids_ptr = 8;
	expect_errno("selftest.scope_pids_bad_pointer", fd, CRAK_IOC_FREEZE, &f, EFAULT);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	f.timeout_ns = 0;
	expect_errno("selftest.timeout_zero", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	f.timeout_ns = CRAK_TIMEOUT_MAX_NS + 1;
	expect_errno("selftest.timeout_too_long", fd, CRAK_IOC_FREEZE, &f, EINVAL);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	f.out_pids_cap = CRAK_MAX_PIDS + 1;
	expect_errno("selftest.out_pids_cap_too_big", fd, CRAK_IOC_FREEZE, &f, E2BIG);
}

static void test_empty_scope(int fd, pid_t target)
{
	struct crak_freeze f;

	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	expect_errno("selftest.empty_pid_list", fd, CRAK_IOC_FREEZE, &f, ESRCH);
	freeze_req(&f, CRAK_SCOPE_PGRP, 4000000);
	expect_errno("selftest.empty_pgrp_no_such_pid", fd, CRAK_IOC_FREEZE, &f, ESRCH);
	/* the sleeper leads a process group but no session: its pid names an empty session */
	freeze_req(&f, CRAK_SCOPE_SESSION, target);
	expect_errno("selftest.empty_session", fd, CRAK_IOC_FREEZE, &f, ESRCH);
	freeze_req(&f, CRAK_SCOPE_TREE, 4000000);
	expect_errno("selftest.empty_tree", fd, CRAK_IOC_FREEZE, &f, ESRCH);
}

static void test_self_and_kernel(int fd)
{
	struct crak_freeze f;

	freeze_req(&f, CRAK_SCOPE_TREE, getpid());
	expect_errno("selftest.freeze_self_tree", fd, CRAK_IOC_FREEZE, &f, EDEADLK);
	result(f.err_pid == getpid(), "selftest.freeze_self_err_pid", "err_pid %d, self %d",
	       f.err_pid, getpid());
	freeze_req(&f, CRAK_SCOPE_PGRP, getpgrp());
	expect_errno("selftest.freeze_self_pgrp", fd, CRAK_IOC_FREEZE, &f, EDEADLK);
	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	f.nr_pids = 1;
	f.pids_ptr = (uintptr_t)&(int32_t){ 2 }; /* kthreadd */
	expect_errno("selftest.freeze_kernel_thread", fd, CRAK_IOC_FREEZE, &f, EPERM);
}

static void test_generations(int fd, pid_t target)
{
	struct crak_freeze f;
	struct crak_thaw t;
	struct crak_status st;
	uint64_t gen;
	int fd2 = open_dev();

	memset(&t, 0, sizeof(t));
	expect_errno("selftest.thaw_without_freeze", fd, CRAK_IOC_THAW, &t, ESTALE);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	if (!expect_errno("selftest.freeze_ok", fd, CRAK_IOC_FREEZE, &f, 0))
		return;
	gen = f.generation;
	result(f.nr_processes == 1 && f.nr_threads == 1, "selftest.freeze_counts",
	       "processes %u threads %u", f.nr_processes, f.nr_threads);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	expect_errno("selftest.freeze_while_frozen", fd, CRAK_IOC_FREEZE, &f, EBUSY);
	memset(&st, 0, sizeof(st));
	st.generation = gen + 1000;
	expect_errno("selftest.status_stale_generation", fd, CRAK_IOC_STATUS, &st, ESTALE);
	t.generation = gen;
	expect_errno("selftest.thaw_other_session", fd2, CRAK_IOC_THAW, &t, ESTALE);
	t.generation = gen - 1;
	expect_errno("selftest.thaw_stale_generation", fd, CRAK_IOC_THAW, &t, ESTALE);
	t.generation = gen;
	expect_errno("selftest.thaw_ok", fd, CRAK_IOC_THAW, &t, 0);
	expect_errno("selftest.thaw_twice", fd, CRAK_IOC_THAW, &t, ESTALE);
	st.generation = gen;
	expect_errno("selftest.status_after_thaw", fd, CRAK_IOC_STATUS, &st, ESTALE);
	freeze_req(&f, CRAK_SCOPE_PGRP, target);
	if (expect_errno("selftest.refreeze_ok", fd, CRAK_IOC_FREEZE, &f, 0))
		result(f.generation > gen, "selftest.generation_increases", "%llu after %llu",
		       (unsigned long long)f.generation, (unsigned long long)gen);
	close(fd2);
	t.generation = f.generation;
	ioctl(fd, CRAK_IOC_THAW, &t);
}

/* Each scope kind freezes what it names: a session leader's session, an explicit pid list. */
static void test_scopes(int fd)
{
	struct crak_freeze f;
	struct crak_thaw t = { 0 };
	pid_t leader = fork();
	int32_t pid;

	if (leader == 0) {
		setsid();
		for (;;)
			pause();
	}
	sleep_ms(50);
	freeze_req(&f, CRAK_SCOPE_SESSION, leader);
	if (expect_errno("selftest.scope_session_ok", fd, CRAK_IOC_FREEZE, &f, 0)) {
		result(f.nr_processes == 1, "selftest.scope_session_counts", "processes %u", f.nr_processes);
		t.generation = f.generation;
		ioctl(fd, CRAK_IOC_THAW, &t);
	}
	pid = leader;
	freeze_req(&f, CRAK_SCOPE_PIDS, 0);
	f.nr_pids = 1;
	f.pids_ptr = (uintptr_t)&pid;
	f.out_pids_ptr = (uintptr_t)&pid;
	f.out_pids_cap = 1;
	pid = leader;
	if (expect_errno("selftest.scope_pids_ok", fd, CRAK_IOC_FREEZE, &f, 0)) {
		result(f.nr_processes == 1 && pid == leader, "selftest.scope_pids_lists_pid",
		       "processes %u pid %d", f.nr_processes, pid);
		t.generation = f.generation;
		ioctl(fd, CRAK_IOC_THAW, &t);
	}
	reap(leader);
}

static void test_io_uring(int fd)
{
	struct crak_freeze f;
	pid_t ring = spawn_sleeper(true);

	if (ring < 0) {
		result(false, "selftest.io_uring_refused", "could not set up an io_uring child");
		return;
	}
	freeze_req(&f, CRAK_SCOPE_PGRP, ring);
	expect_errno("selftest.io_uring_refused", fd, CRAK_IOC_FREEZE, &f, EOPNOTSUPP);
	result(f.err_pid == ring, "selftest.io_uring_err_pid", "err_pid %d, ring user %d",
	       f.err_pid, ring);
	reap(ring);
}

int main(void)
{
	int fd;
	pid_t target;

	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	setpgid(0, 0);
	test_device();
	fd = open_dev();
	target = spawn_sleeper(false);
	test_bad_input(fd, target);
	test_empty_scope(fd, target);
	test_self_and_kernel(fd);
	test_generations(fd, target);
	test_scopes(fd);
	test_io_uring(fd);
	reap(target);
	close(fd);
	return finish();
}
