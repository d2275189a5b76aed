/* SPDX-License-Identifier: GPL-2.0 */
/* Crak job freezer: internal interfaces shared by the module's files. */
#ifndef CRAK_INTERNAL_H
#define CRAK_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "include/uapi/linux/crak.h"

/*
 * One freeze generation: the gate its parked threads sleep behind. Freed when the session and
 * every park record of the generation are gone, so a task whose park work is still queued (e.g.
 * a thread that stayed in a job-control stop through the whole freeze) can always read the gate.
 */
struct crak_gen {
	struct kref ref;
	u64 id;
	bool thawed;            /* READ_ONCE/WRITE_ONCE: parked threads wait for it */
	wait_queue_head_t gate;
};

/* One thread held by one generation. */
struct crak_park {
	struct callback_head work;  /* queued on the task with task_work_add(TWA_SIGNAL) */
	struct delayed_work repark; /* queues work again once a trapped thread is in its ptrace stop */
	struct hlist_node by_task;  /* in the global table, keyed by task pointer */
	struct list_head in_session;
	struct kref ref;            /* one for the session, one while the work is queued or reparking */
	struct crak_gen *gen;
	struct task_struct *task;   /* counted reference */
	bool parked;                /* the task sleeps in crak_park_run() for this gen */
	bool ran;                   /* crak_park_run() has returned */
};

/* What a session froze: resolved once so that rescans see the same processes. */
struct crak_scope {
	u32 kind;                   /* CRAK_SCOPE_* */
	struct pid *group;          /* PGRP, SESSION: the group's pid; TREE: the root's pid */
	struct task_struct *root;   /* TREE: the root's thread-group leader */
	struct pid **pids;          /* PIDS */
	u32 nr_pids;
};

struct crak_session {
	struct mutex lock;          /* serialises the ioctls of one open file */
	struct crak_gen *gen;       /* frozen generation, or NULL */
	struct list_head parks;     /* crak_park.in_session of gen */
	struct crak_scope scope;    /* of gen */
};

/* Per-thread state as seen by FREEZE and STATUS. */
enum crak_thread_state {
	CRAK_T_RUNNING,
	CRAK_T_PARKED,
	CRAK_T_STOPPED,
	CRAK_T_BLOCKED,
	CRAK_T_EXITED,
};

/* crak_park.c */
extern wait_queue_head_t crak_progress;
extern atomic_t crak_progress_seq;
struct crak_gen *crak_gen_new(void);
void crak_gen_put(struct crak_gen *gen);
int crak_hold(struct crak_session *s, struct task_struct *t);
bool crak_held(struct crak_gen *gen, struct task_struct *t);
enum crak_thread_state crak_thread_state(struct crak_session *s, struct crak_park *p);
void crak_release(struct crak_session *s);

/* crak_scope.c */
typedef int (*crak_visit_fn)(struct task_struct *t, void *arg);
int crak_scope_resolve(struct crak_scope *sc, const struct crak_freeze *req, s32 *err_pid);
void crak_scope_drop(struct crak_scope *sc);
int crak_scope_for_each_thread(struct crak_scope *sc, crak_visit_fn fn, void *arg);

/* crak_ioctl.c */
long crak_ioctl_freeze(struct crak_session *s, void __user *arg);
long crak_ioctl_thaw(struct crak_session *s, void __user *arg);
long crak_ioctl_status(struct crak_session *s, void __user *arg);

#endif /* CRAK_INTERNAL_H */
