// SPDX-License-Identifier: GPL-2.0
/*
 * Crak job freezer: parking threads.
 *
 * A thread is frozen by queueing a task_work on it with TWA_SIGNAL. That sets TIF_NOTIFY_SIGNAL,
 * which kicks a running thread out of user mode and wakes an interruptible sleeper, and makes the
 * thread run crak_park_run() before it can execute another user instruction. There it sleeps
 * killable and freezable behind its generation's gate. No signal is ever sent, so neither the job
 * nor its parent can see the freeze: pending signals (a user's SIGSTOP or SIGCONT included) are
 * handled after the thread leaves the gate, exactly as if it had never stopped, SIGKILL wakes the
 * sleep, and the system freezer can still freeze a parked thread for suspend.
 *
 * Like the cgroup v2 freezer, a parked thread sleeps interruptibly with its signals left queued
 * (TIF_SIGPENDING cleared while it sleeps, recomputed when it leaves), and a tracer's
 * PTRACE_INTERRUPT takes it out of the gate into its ptrace stop. A work queued from inside
 * task_work_run() would run again at once, so a worker queues the park again as soon as the
 * thread has entered its ptrace stop: resumed by its tracer before the thaw, it goes back behind
 * the gate.
 */
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "crak.h"

/* Interruptible so SIGKILL and PTRACE_INTERRUPT reach a parked thread, freezable for suspend. */
#define CRAK_PARK_STATE (TASK_INTERRUPTIBLE | TASK_FREEZABLE)

/* A trapped thread reaches its ptrace stop within microseconds: the first poll is immediate. */
#define CRAK_REPARK_POLL_JIFFIES 1

/* FREEZE waits here for threads to park. */
DECLARE_WAIT_QUEUE_HEAD(crak_progress);
atomic_t crak_progress_seq = ATOMIC_INIT(0);

/* Every live park record of every session, so that overlapping sessions see each other's parks. */
static DEFINE_HASHTABLE(crak_parks, 10);
static DEFINE_SPINLOCK(crak_parks_lock);
static atomic64_t crak_next_gen = ATOMIC64_INIT(0);

struct crak_gen *crak_gen_new(void)
{
	struct crak_gen *gen = kzalloc(sizeof(*gen), GFP_KERNEL);

	if (!gen)
		return NULL;
	kref_init(&gen->ref);
	gen->id = atomic64_inc_return(&crak_next_gen);
	init_waitqueue_head(&gen->gate);
	return gen;
}

static void crak_gen_free(struct kref *ref)
{
	kfree(container_of(ref, struct crak_gen, ref));
}

void crak_gen_put(struct crak_gen *gen)
{
	kref_put(&gen->ref, crak_gen_free);
}

static void crak_park_free(struct kref *ref)
{
	struct crak_park *p = container_of(ref, struct crak_park, ref);

	spin_lock(&crak_parks_lock);
	hash_del(&p->by_task);
	spin_unlock(&crak_parks_lock);
	put_task_struct(p->task);
	crak_gen_put(p->gen);
	kfree(p);
}

static void crak_progressed(void)
{
	atomic_inc(&crak_progress_seq);
	wake_up_all(&crak_progress);
}

enum crak_park_exit { CRAK_PARK_LEFT, CRAK_PARK_TRAPPED };

/* Sleeps behind the gate until THAW, SIGKILL or a ptrace trap. Out of line: see crak_park_run(). */
static noinline enum crak_park_exit crak_park_wait(struct crak_park *p)
{
	struct crak_gen *gen = p->gen;
	enum crak_park_exit why = CRAK_PARK_LEFT;
	DEFINE_WAIT(wait);

	WRITE_ONCE(p->parked, true);
	crak_progressed();
	for (;;) {
		prepare_to_wait(&gen->gate, &wait, CRAK_PARK_STATE);
		if (READ_ONCE(gen->thawed))
			break;
		/*
		 * Under siglock, which senders hold while queueing SIGKILL or setting a ptrace trap:
		 * whatever arrives after the unlock sets TIF_SIGPENDING again and wakes us.
		 */
		spin_lock_irq(&current->sighand->siglock);
		if (__fatal_signal_pending(current)) {
			spin_unlock_irq(&current->sighand->siglock);
			break;
		}
		if (current->ptrace && (current->jobctl & JOBCTL_TRAP_MASK)) {
			spin_unlock_irq(&current->sighand->siglock);
			why = CRAK_PARK_TRAPPED;
			break;
		}
		/* other signals stay queued until the thaw; TIF_SIGPENDING would forbid sleeping */
		clear_thread_flag(TIF_SIGPENDING);
		spin_unlock_irq(&current->sighand->siglock);
		/* task_work_run() goes on with works queued meanwhile (another session's park) */
		clear_notify_signal();
		schedule();
	}
	finish_wait(&gen->gate, &wait);
	spin_lock_irq(&current->sighand->siglock);
	recalc_sigpending();
	spin_unlock_irq(&current->sighand->siglock);
	WRITE_ONCE(p->parked, false);
	return why;
}

/* The park's last act, wherever it ends: the work's references go. */
static void crak_park_done(struct crak_park *p)
{
	WRITE_ONCE(p->ran, true);
	crak_progressed();
	kref_put(&p->ref, crak_park_free);
	/*
	 * The work pinned the module (task_work cannot be cancelled from a module, so a thread
	 * stopped through a whole freeze may run it long after THAW). Last statement, with no
	 * on-stack state before it: compiled as a tail call, so no module instruction runs after the
	 * reference is gone. Callers return right after calling us.
	 */
	module_put(THIS_MODULE);
}

/* Runs in the frozen thread itself, on its way back to user mode (or in do_exit). */
static void crak_park_run(struct callback_head *work)
{
	struct crak_park *p = container_of(work, struct crak_park, work);

	if (!(current->flags & PF_EXITING) && !READ_ONCE(p->gen->thawed) &&
	    crak_park_wait(p) == CRAK_PARK_TRAPPED) {
		/* into the ptrace stop; crak_park_repark() queues the work again. It keeps its refs. */
		schedule_delayed_work(&p->repark, 0);
		return;
	}
	crak_park_done(p);
}

/*
 * Parks a trapped thread again once it has entered its ptrace stop: ptrace_stop() clears the
 * pending trap, and from then on the thread is past task_work_run(). Should its tracer resume it
 * before this worker runs, the queued work's TWA_SIGNAL kicks it back within microseconds.
 */
static void crak_park_repark(struct work_struct *w)
{
	struct crak_park *p = container_of(to_delayed_work(w), struct crak_park, repark);
	struct task_struct *t = p->task;

	if ((READ_ONCE(t->jobctl) & JOBCTL_TRAP_MASK) && !t->exit_state &&
	    !(READ_ONCE(t->flags) & PF_EXITING)) {
		schedule_delayed_work(&p->repark, CRAK_REPARK_POLL_JIFFIES);
		return;
	}
	if (!task_work_add(t, &p->work, TWA_SIGNAL))
		return;
	crak_park_done(p); /* exited */
}

static struct crak_park *crak_find(struct task_struct *t, struct crak_gen *gen)
{
	struct crak_park *p;

	lockdep_assert_held(&crak_parks_lock);
	hash_for_each_possible(crak_parks, p, by_task, (unsigned long)t)
		if (p->task == t && p->gen == gen)
			return p;
	return NULL;
}

bool crak_held(struct crak_gen *gen, struct task_struct *t)
{
	bool held;

	spin_lock(&crak_parks_lock);
	held = crak_find(t, gen) != NULL;
	spin_unlock(&crak_parks_lock);
	return held;
}

/* Parked by any session: overlapping freezes count each other's parked threads as quiescent. */
static bool crak_parked_anywhere(struct task_struct *t)
{
	struct crak_park *p;
	bool parked = false;

	spin_lock(&crak_parks_lock);
	hash_for_each_possible(crak_parks, p, by_task, (unsigned long)t)
		if (p->task == t && READ_ONCE(p->parked)) {
			parked = true;
			break;
		}
	spin_unlock(&crak_parks_lock);
	return parked;
}

/*
 * Holds @t in the session's generation and queues its park. Returns 1 if newly held, 0 if it
 * already was, or -ENOMEM. A thread already past exit_task_work() is held as exited.
 */
int crak_hold(struct crak_session *s, struct task_struct *t)
{
	struct crak_park *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	init_task_work(&p->work, crak_park_run);
	INIT_DELAYED_WORK(&p->repark, crak_park_repark);
	kref_init(&p->ref);
	p->gen = s->gen;
	p->task = t;

	spin_lock(&crak_parks_lock);
	if (crak_find(t, s->gen)) {
		spin_unlock(&crak_parks_lock);
		kfree(p);
		return 0;
	}
	kref_get(&s->gen->ref);
	get_task_struct(t);
	hash_add(crak_parks, &p->by_task, (unsigned long)t);
	spin_unlock(&crak_parks_lock);
	list_add_tail(&p->in_session, &s->parks);

	kref_get(&p->ref);
	__module_get(THIS_MODULE);
	if (task_work_add(t, &p->work, TWA_SIGNAL)) {
		WRITE_ONCE(p->ran, true);
		kref_put(&p->ref, crak_park_free); /* cannot be the last: the session holds one */
		module_put(THIS_MODULE);
	}
	return 1;
}

/* A vfork parent sleeps until its child execs or exits; with the child parked, it waits for us. */
static bool crak_vfork_parent_of_parked(struct crak_session *s, struct task_struct *t)
{
	struct crak_park *c;
	bool found = false;

	if (!(READ_ONCE(t->__state) & TASK_UNINTERRUPTIBLE))
		return false;
	rcu_read_lock();
	list_for_each_entry(c, &s->parks, in_session) {
		if (READ_ONCE(c->task->vfork_done) && rcu_dereference(c->task->real_parent) == t &&
		    crak_parked_anywhere(c->task)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

enum crak_thread_state crak_thread_state(struct crak_session *s, struct crak_park *p)
{
	struct task_struct *t = p->task;

	/* Returning from the gate without a thaw only happens on SIGKILL or exit. */
	if (READ_ONCE(p->ran))
		return READ_ONCE(p->gen->thawed) ? CRAK_T_RUNNING : CRAK_T_EXITED;
	if (t->exit_state || (READ_ONCE(t->flags) & PF_EXITING))
		return CRAK_T_EXITED;
	if (crak_parked_anywhere(t))
		return CRAK_T_PARKED;
	if (task_is_stopped_or_traced(t))
		return CRAK_T_STOPPED;
	if (crak_vfork_parent_of_parked(s, t))
		return CRAK_T_BLOCKED;
	return CRAK_T_RUNNING;
}

/* Opens the gate of the session's generation and lets go of its threads and scope. */
void crak_release(struct crak_session *s)
{
	struct crak_park *p, *next;

	if (!s->gen)
		return;
	WRITE_ONCE(s->gen->thawed, true);
	wake_up_all(&s->gen->gate);
	list_for_each_entry_safe(p, next, &s->parks, in_session) {
		list_del(&p->in_session);
		kref_put(&p->ref, crak_park_free);
	}
	crak_gen_put(s->gen);
	s->gen = NULL;
	crak_scope_drop(&s->scope);
}
