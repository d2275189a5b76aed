// SPDX-License-Identifier: GPL-2.0
/* Crak job freezer: one handler per ioctl command. */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "crak.h"

/* Threads are held in batches: the scan runs under RCU and cannot allocate. */
#define CRAK_SCAN_BATCH 64
/* Stopped threads and vfork parents wake nobody when they become quiescent: poll that often. */
#define CRAK_POLL_JIFFIES 1

struct crak_scan {
	struct crak_session *s;
	struct task_struct *batch[CRAK_SCAN_BATCH];
	unsigned int nr_batch;
	bool more;
	unsigned int nr_live;   /* live threads in scope, for the empty-scope check */
	unsigned int nr_unheld; /* live threads in scope that the generation does not hold */
	int err;
	s32 err_pid;
};

static int crak_scan_visit(struct task_struct *t, void *arg)
{
	struct crak_scan *sc = arg;

	if (t->exit_state || (t->flags & PF_EXITING))
		return 0;
	sc->nr_live++;
	if (t->flags & PF_KTHREAD) {
		sc->err = -EPERM;
	} else if (same_thread_group(t, current)) {
		sc->err = -EDEADLK;
	} else if (t->flags & PF_IO_WORKER) {
		/* io_uring work proceeds without its submitter: no consistent stop is possible */
		sc->err = -EOPNOTSUPP;
#ifdef CONFIG_IO_URING
	} else if (READ_ONCE(t->io_uring)) {
		sc->err = -EOPNOTSUPP;
#endif
#ifdef PF_USER_WORKER
	} else if (t->flags & PF_USER_WORKER) {
		sc->err = -EOPNOTSUPP;
#endif
	}
	if (sc->err) {
		sc->err_pid = task_pid_vnr(t);
		return 1;
	}
	if (crak_held(sc->s->gen, t))
		return 0;
	if (sc->nr_batch == CRAK_SCAN_BATCH) {
		sc->more = true;
		return 1;
	}
	get_task_struct(t);
	sc->batch[sc->nr_batch++] = t;
	return 0;
}

/* Holds every live thread in scope not yet held; *added counts the new ones. */
static int crak_scan(struct crak_session *s, struct crak_scan *sc, u64 deadline, unsigned int *added)
{
	unsigned int i;
	int err = 0;

	*added = 0;
	do {
		memset(sc, 0, sizeof(*sc));
		sc->s = s;
		crak_scope_for_each_thread(&s->scope, crak_scan_visit, sc);
		for (i = 0; i < sc->nr_batch; i++) {
			int held = err ? 0 : crak_hold(s, sc->batch[i]);

			if (held < 0)
				err = held;
			else
				*added += held;
			put_task_struct(sc->batch[i]);
		}
		if (sc->err)
			return sc->err;
		/* a process forking faster than it can be held must not keep us here forever */
		if (!err && sc->more && ktime_get_ns() >= deadline)
			err = -ETIMEDOUT;
	} while (!err && sc->more);
	return err;
}

struct crak_counts {
	u32 threads;     /* held, not exited */
	u32 quiescent;
	u32 stopped;
	u32 blocked;
	u32 exited;
	u32 running;
	s32 first_running;
};

static void crak_count(struct crak_session *s, struct crak_counts *c)
{
	struct crak_park *p;

	memset(c, 0, sizeof(*c));
	list_for_each_entry(p, &s->parks, in_session) {
		switch (crak_thread_state(s, p)) {
		case CRAK_T_EXITED:
			c->exited++;
			continue;
		case CRAK_T_STOPPED:
			c->stopped++;
			c->quiescent++;
			break;
		case CRAK_T_BLOCKED:
			c->blocked++;
			c->quiescent++;
			break;
		case CRAK_T_PARKED:
			c->quiescent++;
			break;
		case CRAK_T_RUNNING:
			if (!c->running++)
				c->first_running = task_pid_vnr(p->task);
			break;
		}
		c->threads++;
	}
}

/*
 * Re-scans until every held thread is quiescent and one more scan finds nothing new: a quiescent
 * thread cannot fork, so that last scan proves no process of the scope escaped.
 */
static int crak_freeze_scope(struct crak_session *s, struct crak_scan *sc, u64 deadline,
			     struct crak_counts *c, s32 *err_pid)
{
	bool first = true;
	unsigned int added;
	int err;

	for (;;) {
		int seq = atomic_read(&crak_progress_seq);

		err = crak_scan(s, sc, deadline, &added);
		if (err) {
			*err_pid = sc->err_pid;
			return err;
		}
		if (first && !sc->nr_live)
			return -ESRCH;
		first = false;
		if (!added) {
			crak_count(s, c);
			if (!c->running) {
				err = crak_scan(s, sc, deadline, &added);
				if (err) {
					*err_pid = sc->err_pid;
					return err;
				}
				if (!added)
					return 0;
			}
		}
		if (ktime_get_ns() >= deadline) {
			*err_pid = c->first_running;
			return -ETIMEDOUT;
		}
		/* only a dying controller gives up early: a stray signal must not undo a freeze */
		if (fatal_signal_pending(current))
			return -EINTR;
		if (!added)
			wait_event_killable_timeout(crak_progress,
				atomic_read(&crak_progress_seq) != seq, CRAK_POLL_JIFFIES);
	}
}

/* Distinct processes of the held live threads; writes up to @cap process ids to @out. */
static u32 crak_list_processes(struct crak_session *s, s32 *out, u32 cap)
{
	struct crak_park *p;
	DEFINE_XARRAY(seen);
	u32 n = 0;

	list_for_each_entry(p, &s->parks, in_session) {
		pid_t tgid;

		if (crak_thread_state(s, p) == CRAK_T_EXITED)
			continue;
		tgid = task_tgid_vnr(p->task);
		if (tgid <= 0 || xa_insert(&seen, tgid, xa_mk_value(0), GFP_KERNEL))
			continue;
		if (n < cap)
			out[n] = tgid;
		n++;
	}
	xa_destroy(&seen);
	return n;
}

static int crak_freeze_check(const struct crak_freeze *req)
{
	if (req->flags || req->__pad0 || req->__pad1)
		return -EINVAL;
	if (req->timeout_ns < CRAK_TIMEOUT_MIN_NS || req->timeout_ns > CRAK_TIMEOUT_MAX_NS)
		return -EINVAL;
	if (req->out_pids_cap > CRAK_MAX_PIDS)
		return -E2BIG;
	return 0;
}

static void crak_freeze_fill(struct crak_freeze *req, const struct crak_counts *c)
{
	req->nr_threads = c->threads;
	req->nr_stopped = c->stopped;
	req->nr_blocked = c->blocked;
	req->nr_exited = c->exited;
}

long crak_ioctl_freeze(struct crak_session *s, void __user *arg)
{
	struct crak_freeze req;
	struct crak_counts c = {};
	struct crak_scan *sc = NULL;
	s32 *pids = NULL;
	u64 start = ktime_get_ns();
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	err = crak_freeze_check(&req);
	if (err)
		return err;
	if (s->gen)
		return -EBUSY;
	req.generation = 0;
	req.err_pid = 0;
	req.out_flags = 0;
	req.nr_processes = 0;
	crak_freeze_fill(&req, &c);

	err = crak_scope_resolve(&s->scope, &req, &req.err_pid);
	if (err)
		goto fail;
	sc = kmalloc(sizeof(*sc), GFP_KERNEL);
	if (req.out_pids_cap)
		pids = kvcalloc(req.out_pids_cap, sizeof(*pids), GFP_KERNEL);
	s->gen = crak_gen_new();
	if (!sc || !s->gen || (req.out_pids_cap && !pids)) {
		err = -ENOMEM;
		goto fail;
	}
	err = crak_freeze_scope(s, sc, start + req.timeout_ns, &c, &req.err_pid);
	if (err)
		goto fail;

	req.generation = s->gen->id;
	crak_freeze_fill(&req, &c);
	req.nr_processes = crak_list_processes(s, pids, req.out_pids_cap);
	if (req.nr_processes > req.out_pids_cap)
		req.out_flags |= CRAK_OUT_PIDS_TRUNCATED;
	req.elapsed_ns = ktime_get_ns() - start;
	if (copy_to_user(u64_to_user_ptr(req.out_pids_ptr), pids,
			 min(req.nr_processes, req.out_pids_cap) * sizeof(*pids)) ||
	    copy_to_user(arg, &req, sizeof(req))) {
		err = -EFAULT;
		goto fail;
	}
	kfree(sc);
	kvfree(pids);
	return 0;

fail:
	/* All or nothing: whatever was parked so far runs again. */
	if (s->gen)
		crak_release(s);
	else
		crak_scope_drop(&s->scope);
	kfree(sc);
	kvfree(pids);
	req.elapsed_ns = ktime_get_ns() - start;
	if (err != -EFAULT && copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return err;
}

long crak_ioctl_thaw(struct crak_session *s, void __user *arg)
{
	struct crak_thaw req;
	struct crak_counts c;
	u64 start = ktime_get_ns();

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.__pad0)
		return -EINVAL;
	if (!s->gen || s->gen->id != req.generation)
		return -ESTALE;
	crak_count(s, &c);
	crak_release(s);
	req.nr_threads = c.threads;
	req.elapsed_ns = ktime_get_ns() - start;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static int crak_unheld_visit(struct task_struct *t, void *arg)
{
	struct crak_scan *sc = arg;

	if (!t->exit_state && !(t->flags & PF_EXITING) && !crak_held(sc->s->gen, t))
		sc->nr_unheld++;
	return 0;
}

long crak_ioctl_status(struct crak_session *s, void __user *arg)
{
	struct crak_status req;
	struct crak_counts c;
	struct crak_scan *sc;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.__pad0)
		return -EINVAL;
	if (!s->gen || s->gen->id != req.generation)
		return -ESTALE;
	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	sc->s = s;
	/* A process that joined the scope after the freeze (e.g. setpgid from outside) escaped. */
	crak_scope_for_each_thread(&s->scope, crak_unheld_visit, sc);
	crak_count(s, &c);
	req.nr_processes = crak_list_processes(s, NULL, 0);
	req.nr_threads = c.threads + c.exited;
	req.nr_quiescent = c.quiescent;
	req.nr_running = c.running + sc->nr_unheld;
	req.nr_exited = c.exited;
	kfree(sc);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}
