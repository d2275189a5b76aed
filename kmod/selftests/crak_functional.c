// SPDX-License-Identifier: GPL-2.0
/*
 * Crak functional test: freezes a job made of busy processes, constant forkers, a multi-threaded
 * process, a vforker, a pipe writer and reader and a process already stopped by its user, and
 * checks that nothing of it runs while frozen, that it all runs again after THAW, that the job
 * sees no signal, and that close, a controller crash, overlapping sessions and SIGKILL behave.
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>

#include "crak_test.h"

enum slot {
	BUSY0, BUSY1, BUSY2, FORKER0, FORKER1, MT0, MT1, MT2, MT3, VFORKER, WRITER, READER, STOPPED,
	NR_SLOTS
};
static const char *const slot_name[NR_SLOTS] = {
	"busy0", "busy1", "busy2", "forker0", "forker1", "mt.thread0", "mt.thread1", "mt.thread2",
	"mt.thread3", "vforker", "pipe_writer", "pipe_reader", "user_stopped",
};
#define MT_THREADS 4

/* Shared with the job through a MAP_SHARED mapping made before the job forks. */
struct shared {
	volatile uint64_t counter[NR_SLOTS];
	volatile pid_t pid[NR_SLOTS];
	volatile int child_stops;     /* stop/continue reports the job leader got from waitpid */
	volatile int child_continues;
	volatile int sigcont_handled; /* SIGCONT/SIGTSTP handlers that ran in busy processes */
};
static struct shared *sh;
static pid_t leader;

#define FROZEN_WINDOW_MS 200
#define RUN_WINDOW_MS 3000
#define VFORK_CHILD_SPIN_NS 20000000ULL
/* After one of two sessions thaws, its threads spend some kernel time moving to the other gate. */
#define HANDOFF_SETTLE_MS 50
#define RAPID_CYCLES 30

static void on_job_signal(int sig)
{
	__sync_fetch_and_add(&sh->sigcont_handled, 1);
}

static void busy(enum slot s)
{
	signal(SIGCONT, on_job_signal);
	signal(SIGTSTP, on_job_signal);
	for (;;)
		sh->counter[s]++;
}

static void forker(enum slot s)
{
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
		sh->counter[s]++;
	}
}

static void *mt_thread(void *arg)
{
	enum slot s = (enum slot)(uintptr_t)arg;

	for (;;)
		sh->counter[s]++;
	return NULL;
}

static void multi_threaded(void)
{
	pthread_t th;
	int i;

	for (i = 1; i < MT_THREADS; i++)
		pthread_create(&th, NULL, mt_thread, (void *)(uintptr_t)(MT0 + i));
	mt_thread((void *)(uintptr_t)MT0);
}

static void vforker(void)
{
	for (;;) {
		pid_t c = vfork();

		if (c == 0) {
			/* the parent waits in the kernel while this runs: a freeze often lands here */
			uint64_t until = now_ns() + VFORK_CHILD_SPIN_NS;

			while (now_ns() < until)
				;
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
		sh->counter[VFORKER]++;
	}
}

static void pipe_writer(int fd)
{
	uint64_t v = 0;

	for (;;) {
		v++;
		if (write(fd, &v, sizeof(v)) != sizeof(v))
			_exit(1);
		sh->counter[WRITER]++;
		sleep_ms(5);
	}
}

static void pipe_reader(int fd)
{
	uint64_t v, expect = 1;

	for (;;) {
		if (read(fd, &v, sizeof(v)) != sizeof(v) || v != expect++)
			_exit(1); /* a lost or duplicated byte would show as a dead reader */
		sh->counter[READER]++;
	}
}

static void user_stopped(void)
{
	for (;;) {
		sh->counter[STOPPED]++;
		sleep_ms(1);
	}
}

static void spawn(enum slot s, int pfd[2])
{
	pid_t pid = fork();

	if (pid != 0)
		return;
	sh->pid[s] = getpid();
	switch (s) {
	case BUSY0: case BUSY1: case BUSY2: busy(s); break;
	case FORKER0: case FORKER1: forker(s); break;
	case MT0: multi_threaded(); break;
	case VFORKER: vforker(); break;
	case WRITER: close(pfd[0]); pipe_writer(pfd[1]); break;
	case READER: close(pfd[1]); pipe_reader(pfd[0]); break;
	case STOPPED: user_stopped(); break;
	default: break;
	}
	_exit(0);
}

/* The job leader forks the members and records every stop/continue report it gets. */
static void job_leader(void)
{
	static const enum slot members[] = {
		BUSY0, BUSY1, BUSY2, FORKER0, FORKER1, MT0, VFORKER, WRITER, READER, STOPPED,
	};
	int pfd[2], status;
	unsigned int i;

	setpgid(0, 0);
	if (pipe(pfd))
		_exit(1);
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		spawn(members[i], pfd);
	close(pfd[0]);
	close(pfd[1]);
	for (;;) {
		if (waitpid(-1, &status, WUNTRACED | WCONTINUED) < 0) {
			sleep_ms(10);
			continue;
		}
		if (WIFSTOPPED(status))
			sh->child_stops++;
		if (WIFCONTINUED(status))
			sh->child_continues++;
	}
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

static int proc_pgrp(pid_t pid)
{
	char path[64], buf[512], *p;
	int pgrp = -1, ppid;
	char state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	if (!p || sscanf(p + 2, "%c %d %d", &state, &ppid, &pgrp) != 3)
		return -1;
	return pgrp;
}

/* Every thread of every live process of the job, with its CPU time. */
#define MAX_THREADS 512
struct snapshot {
	int n;
	pid_t tid[MAX_THREADS];
	uint64_t runtime_ns[MAX_THREADS];
	uint64_t counter[NR_SLOTS];
};

static void take_snapshot(struct snapshot *s)
{
	DIR *proc = opendir("/proc"), *task;
	struct dirent *pe, *te;
	char path[96];

	s->n = 0;
	memcpy(s->counter, (const void *)sh->counter, sizeof(s->counter));
	while (proc && (pe = readdir(proc))) {
		pid_t pid = atoi(pe->d_name);

		if (pid <= 0 || proc_pgrp(pid) != leader || proc_state(pid) == 'Z')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		task = opendir(path);
		while (task && (te = readdir(task))) {
			pid_t tid = atoi(te->d_name);
			unsigned long long rt = 0;
			FILE *f;

			if (tid <= 0 || s->n == MAX_THREADS)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fscanf(f, "%llu", &rt) == 1) {
				s->tid[s->n] = tid;
				s->runtime_ns[s->n++] = rt;
			}
			fclose(f);
		}
		if (task)
			closedir(task);
	}
	if (proc)
		closedir(proc);
}

static int find_tid(const struct snapshot *s, pid_t tid)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->tid[i] == tid)
			return i;
	return -1;
}

/* Nothing of the job runs for @ms: no CPU time, no counter moves, no new thread or process. */
static bool stays_frozen(unsigned int ms, char *why, size_t len)
{
	struct snapshot a, b;
	int i, j;

	take_snapshot(&a);
	sleep_ms(ms);
	take_snapshot(&b);
	for (i = 0; i < b.n; i++) {
		j = find_tid(&a, b.tid[i]);
		if (j < 0) {
			snprintf(why, len, "new thread %d appeared while frozen", b.tid[i]);
			return false;
		}
		if (b.runtime_ns[i] != a.runtime_ns[j]) {
			snprintf(why, len, "thread %d ran %llu ns while frozen", b.tid[i],
				 (unsigned long long)(b.runtime_ns[i] - a.runtime_ns[j]));
			return false;
		}
	}
	for (i = 0; i < NR_SLOTS; i++)
		if (a.counter[i] != b.counter[i]) {
			snprintf(why, len, "%s counted on while frozen", slot_name[i]);
			return false;
		}
	if (a.n < NR_SLOTS) {
		snprintf(why, len, "only %d threads found in the job", a.n);
		return false;
	}
	return true;
}

/* Every slot in @running moves within RUN_WINDOW_MS; every slot not in it stays still. */
static bool runs(uint32_t running, char *why, size_t len)
{
	uint64_t before[NR_SLOTS];
	uint64_t deadline = now_ns() + RUN_WINDOW_MS * 1000000ULL;
	uint32_t moved = 0;
	int i;

	memcpy(before, (const void *)sh->counter, sizeof(before));
	while (moved != running && now_ns() < deadline) {
		sleep_ms(10);
		for (i = 0; i < NR_SLOTS; i++)
			if (sh->counter[i] != before[i])
				moved |= 1U << i;
	}
	for (i = 0; i < NR_SLOTS; i++) {
		if ((running & (1U << i)) && !(moved & (1U << i))) {
			snprintf(why, len, "%s did not run within %d ms", slot_name[i], RUN_WINDOW_MS);
			return false;
		}
		if (!(running & (1U << i)) && (moved & (1U << i))) {
			snprintf(why, len, "%s ran though it should be stopped", slot_name[i]);
			return false;
		}
	}
	return true;
}

#define ALL_SLOTS ((1U << NR_SLOTS) - 1)

static int32_t frozen_pids[64];

static bool freeze_group(int fd, uint32_t scope, struct crak_freeze *f, const char *name)
{
	freeze_req(f, scope, leader);
	f->out_pids_ptr = (uintptr_t)frozen_pids;
	f->out_pids_cap = sizeof(frozen_pids) / sizeof(frozen_pids[0]);
	return expect_errno(name, fd, CRAK_IOC_FREEZE, f, 0);
}

static bool pid_listed(const struct crak_freeze *f, pid_t pid)
{
	uint32_t i;

	for (i = 0; i < f->nr_processes && i < f->out_pids_cap; i++)
		if (frozen_pids[i] == pid)
			return true;
	return false;
}

static bool thaw(int fd, uint64_t gen, const char *name)
{
	struct crak_thaw t = { .generation = gen };

	return expect_errno(name, fd, CRAK_IOC_THAW, &t, 0);
}

static bool wait_state(pid_t pid, char want, unsigned int ms)
{
	uint64_t deadline = now_ns() + ms * 1000000ULL;

	while (proc_state(pid) != want && now_ns() < deadline)
		sleep_ms(5);
	return proc_state(pid) == want;
}

static void check_frozen(const char *name)
{
	char why[160] = "";

	result(stays_frozen(FROZEN_WINDOW_MS, why, sizeof(why)), name, "%s", why);
}

static void check_runs(const char *name, uint32_t running)
{
	char why[160] = "";

	result(runs(running, why, sizeof(why)), name, "%s", why);
}

/* /sys/power/pm_test "freezer": the system freezer freezes all tasks and thaws them again. */
static void check_suspend(void)
{
	int fd;
	bool ok;

	fd = open("/sys/module/suspend/parameters/pm_test_delay", O_WRONLY);
	if (fd >= 0) {
		ok = write(fd, "0", 1) == 1;
		close(fd);
	}
	fd = open("/sys/power/pm_test", O_WRONLY);
	if (fd < 0) {
		result(false, "functional.suspend_while_frozen", "/sys/power/pm_test: %s",
		       strerror(errno));
		return;
	}
	ok = write(fd, "freezer", 7) == 7;
	close(fd);
	fd = open("/sys/power/state", O_WRONLY);
	ok = ok && fd >= 0 && write(fd, "freeze", 6) == 6;
	result(ok, "functional.suspend_while_frozen", "suspend to idle (pm_test freezer): %s",
	       strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = open("/sys/power/pm_test", O_WRONLY);
	if (fd >= 0) {
		ok = write(fd, "none", 4) == 4;
		close(fd);
	}
}

static void test_freeze_thaw(int fd)
{
	struct crak_freeze f;
	struct crak_status st;
	uint32_t running = ALL_SLOTS & ~(1U << STOPPED);
	int i;
	bool listed = true;

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze"))
		return;
	for (i = 0; i < NR_SLOTS; i++)
		listed = listed && (sh->pid[i] == 0 || pid_listed(&f, sh->pid[i]));
	result(listed && pid_listed(&f, leader) && !(f.out_flags & CRAK_OUT_PIDS_TRUNCATED),
	       "functional.freeze_lists_pids", "a job process is missing from the pid list");
	result(f.nr_processes >= 11 && f.nr_threads >= f.nr_processes + MT_THREADS - 1 &&
	       f.nr_stopped >= 1 && f.elapsed_ns > 0, "functional.freeze_counts",
	       "processes %u threads %u stopped %u", f.nr_processes, f.nr_threads, f.nr_stopped);
	CRAK_INFO("freeze of %u processes / %u threads took %llu us (stopped %u, vfork-blocked %u, exited %u)",
		  f.nr_processes, f.nr_threads, (unsigned long long)f.elapsed_ns / 1000,
		  f.nr_stopped, f.nr_blocked, f.nr_exited);
	check_frozen("functional.nothing_runs_while_frozen");
	memset(&st, 0, sizeof(st));
	st.generation = f.generation;
	if (expect_errno("functional.status", fd, CRAK_IOC_STATUS, &st, 0))
		result(st.nr_running == 0 && st.nr_quiescent + st.nr_exited == st.nr_threads &&
		       st.nr_quiescent >= 11, "functional.status_all_quiescent",
		       "threads %u quiescent %u running %u exited %u", st.nr_threads,
		       st.nr_quiescent, st.nr_running, st.nr_exited);
	check_suspend();
	check_frozen("functional.still_frozen_after_suspend");
	thaw(fd, f.generation, "functional.thaw");
	check_runs("functional.all_run_after_thaw", running);
	result(proc_state(sh->pid[STOPPED]) == 'T', "functional.user_stopped_stays_stopped",
	       "state %c", proc_state(sh->pid[STOPPED]));
	result(sh->child_stops == 1 && sh->child_continues == 0 && sh->sigcont_handled == 0,
	       "functional.job_sees_no_signal", "stops %d continues %d handlers %d",
	       sh->child_stops, sh->child_continues, sh->sigcont_handled);
}

/* A user's SIGSTOP and SIGCONT sent during the freeze take effect after the thaw. */
static void test_user_signals(int fd)
{
	struct crak_freeze f;
	pid_t busy0 = sh->pid[BUSY0], stopped = sh->pid[STOPPED];

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze_for_user_signals"))
		return;
	kill(busy0, SIGSTOP);
	kill(stopped, SIGCONT);
	/* the continued process leaves its stop and walks (in the kernel) into its park */
	sleep_ms(HANDOFF_SETTLE_MS);
	check_frozen("functional.user_signals_wait_for_thaw");
	thaw(fd, f.generation, "functional.thaw_after_user_signals");
	result(wait_state(busy0, 'T', RUN_WINDOW_MS), "functional.user_sigstop_kept",
	       "busy0 state %c", proc_state(busy0));
	check_runs("functional.user_sigcont_kept", (ALL_SLOTS & ~(1U << BUSY0)));
	kill(busy0, SIGCONT);
	check_runs("functional.all_run_again", ALL_SLOTS);
	result(sh->child_stops == 2 && sh->child_continues == 2, "functional.only_user_signals_seen",
	       "stops %d continues %d", sh->child_stops, sh->child_continues);
}

static void test_close_thaws(void)
{
	struct crak_freeze f;
	int fd = open_dev();

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze_then_close"))
		return;
	check_frozen("functional.frozen_before_close");
	close(fd);
	check_runs("functional.close_thaws", ALL_SLOTS);
}

static void test_controller_crash(void)
{
	int ready[2], status;
	char c = 0;
	pid_t ctl;

	if (pipe(ready))
		return;
	ctl = fork();
	if (ctl == 0) {
		struct crak_freeze f;
		int fd = open_dev();

		freeze_req(&f, CRAK_SCOPE_PGRP, leader);
		c = ioctl(fd, CRAK_IOC_FREEZE, &f) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || c != 'y') {
		result(false, "functional.controller_crash_thaws", "controller %d could not freeze", ctl);
		kill(ctl, SIGKILL);
		waitpid(ctl, NULL, 0);
		return;
	}
	close(ready[0]);
	check_frozen("functional.frozen_by_controller");
	kill(ctl, SIGKILL);
	waitpid(ctl, &status, 0);
	check_runs("functional.controller_crash_thaws", ALL_SLOTS);
}

/* Two sessions over the same job: it runs again only after both have thawed, in either order. */
static void test_overlap(bool thaw_first_session_first)
{
	struct crak_freeze fa, fb;
	int a = open_dev(), b = open_dev();
	const char *order = thaw_first_session_first ? "a_then_b" : "b_then_a";
	char name[96];

	snprintf(name, sizeof(name), "functional.overlap_%s.freeze_a", order);
	if (!freeze_group(a, CRAK_SCOPE_PGRP, &fa, name))
		goto out;
	snprintf(name, sizeof(name), "functional.overlap_%s.freeze_b", order);
	if (!freeze_group(b, CRAK_SCOPE_TREE, &fb, name))
		goto out;
	snprintf(name, sizeof(name), "functional.overlap_%s.first_thaw", order);
	if (thaw_first_session_first)
		thaw(a, fa.generation, name);
	else
		thaw(b, fb.generation, name);
	sleep_ms(HANDOFF_SETTLE_MS);
	snprintf(name, sizeof(name), "functional.overlap_%s.frozen_until_both_thaw", order);
	check_frozen(name);
	snprintf(name, sizeof(name), "functional.overlap_%s.second_thaw", order);
	if (thaw_first_session_first)
		thaw(b, fb.generation, name);
	else
		thaw(a, fa.generation, name);
	snprintf(name, sizeof(name), "functional.overlap_%s.runs_after_both", order);
	check_runs(name, ALL_SLOTS);
out:
	close(a);
	close(b);
}

static void test_sigkill(int fd)
{
	struct crak_freeze f;
	struct crak_status st;
	pid_t victim = sh->pid[BUSY2];

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze_for_sigkill"))
		return;
	kill(victim, SIGKILL);
	/* its parent, the job leader, is frozen too: the victim stays a zombie until the thaw */
	result(wait_state(victim, 'Z', RUN_WINDOW_MS), "functional.sigkill_kills_frozen",
	       "state %c", proc_state(victim));
	memset(&st, 0, sizeof(st));
	st.generation = f.generation;
	if (expect_errno("functional.status_after_sigkill", fd, CRAK_IOC_STATUS, &st, 0))
		result(st.nr_exited >= 1 && st.nr_running == 0, "functional.status_counts_exited",
		       "exited %u running %u", st.nr_exited, st.nr_running);
	check_frozen("functional.others_stay_frozen_after_sigkill");
	thaw(fd, f.generation, "functional.thaw_after_sigkill");
	check_runs("functional.others_run_after_sigkill", ALL_SLOTS & ~(1U << BUSY2));
}

/* A tracer may take a frozen thread into its ptrace stop; resumed before the thaw, it parks again. */
static void test_ptrace_while_frozen(int fd)
{
	struct crak_freeze f;
	pid_t victim = sh->pid[BUSY1];
	int status = 0;
	bool stopped;

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze_for_ptrace"))
		return;
	if (ptrace(PTRACE_SEIZE, victim, 0, 0) || ptrace(PTRACE_INTERRUPT, victim, 0, 0)) {
		result(false, "functional.ptrace_stop_while_frozen", "seize pid %d: %s", victim, strerror(errno));
		thaw(fd, f.generation, "functional.thaw_after_ptrace");
		return;
	}
	stopped = waitpid(victim, &status, __WALL) == victim && WIFSTOPPED(status) &&
		  (status >> 16) == PTRACE_EVENT_STOP;
	result(stopped, "functional.ptrace_stop_while_frozen", "waitpid status %#x", status);
	if (stopped)
		ptrace(PTRACE_CONT, victim, 0, 0);
	sleep_ms(HANDOFF_SETTLE_MS);
	check_frozen("functional.resumed_tracee_parks_again");
	thaw(fd, f.generation, "functional.thaw_after_ptrace");
	check_runs("functional.all_run_after_ptrace", ALL_SLOTS & ~(1U << BUSY2));
	ptrace(PTRACE_INTERRUPT, victim, 0, 0);
	waitpid(victim, &status, __WALL);
	ptrace(PTRACE_DETACH, victim, 0, 0);
}

/* Many short freezes in a row, while forkers fork: every one succeeds and the job keeps running. */
static void test_rapid_cycles(int fd)
{
	struct crak_freeze f;
	struct crak_thaw t;
	int i, failed = 0, err = 0;

	for (i = 0; i < RAPID_CYCLES; i++) {
		freeze_req(&f, CRAK_SCOPE_TREE, leader);
		memset(&t, 0, sizeof(t));
		if (ioctl(fd, CRAK_IOC_FREEZE, &f)) {
			failed++;
			err = errno;
			continue;
		}
		t.generation = f.generation;
		if (ioctl(fd, CRAK_IOC_THAW, &t)) {
			failed++;
			err = errno;
		}
	}
	result(!failed, "functional.rapid_freeze_thaw_cycles", "%d of %d cycles failed, last %s",
	       failed, RAPID_CYCLES, errname(err));
	check_runs("functional.runs_after_rapid_cycles", ALL_SLOTS & ~(1U << BUSY2));
}

/* A process that joins the frozen process group from outside is reported as escaped. */
static void test_status_reports_escapee(int fd)
{
	struct crak_freeze f;
	struct crak_status st;
	pid_t joiner;

	if (!freeze_group(fd, CRAK_SCOPE_PGRP, &f, "functional.freeze_for_escapee"))
		return;
	joiner = fork();
	if (joiner == 0) {
		setpgid(0, leader);
		for (;;)
			pause();
	}
	sleep_ms(HANDOFF_SETTLE_MS);
	memset(&st, 0, sizeof(st));
	st.generation = f.generation;
	if (expect_errno("functional.status_with_escapee", fd, CRAK_IOC_STATUS, &st, 0))
		result(st.nr_running == 1, "functional.status_counts_escapee", "running %u (pgrp %d)",
		       st.nr_running, proc_pgrp(joiner));
	thaw(fd, f.generation, "functional.thaw_after_escapee");
	kill(joiner, SIGKILL);
	waitpid(joiner, NULL, 0);
}

static bool start_job(void)
{
	uint64_t deadline = now_ns() + 10000000000ULL;
	int i;
	bool ready = false;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return false;
	leader = fork();
	if (leader == 0)
		job_leader();
	setpgid(leader, leader);
	while (!ready && now_ns() < deadline) {
		sleep_ms(20);
		ready = true;
		for (i = 0; i < NR_SLOTS; i++)
			ready = ready && sh->counter[i] > 0 && (i >= MT1 && i <= MT3 ? 1 : sh->pid[i] > 0);
	}
	if (!ready)
		return false;
	kill(sh->pid[STOPPED], SIGSTOP);
	return wait_state(sh->pid[STOPPED], 'T', 2000);
}

static void stop_job(void)
{
	pid_t pid;

	kill(-leader, SIGKILL);
	/* this process is a child subreaper: orphaned grandchildren come back to it */
	while ((pid = waitpid(-1, NULL, 0)) > 0 || errno == EINTR)
		;
}

int main(void)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	setpgid(0, 0);
	if (!start_job()) {
		result(false, "functional.job_started", "the test job did not come up");
		stop_job();
		return 1;
	}
	result(true, "functional.job_started", NULL);
	fd = open_dev();
	test_freeze_thaw(fd);
	test_user_signals(fd);
	test_close_thaws();
	test_controller_crash();
	test_overlap(true);
	test_overlap(false);
	test_sigkill(fd);
	test_ptrace_while_frozen(fd);
	test_rapid_cycles(fd);
	test_status_reports_escapee(fd);
	close(fd);
	stop_job();
	return finish();
}
