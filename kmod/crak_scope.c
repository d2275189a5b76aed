// SPDX-License-Identifier: GPL-2.0
/*
 * Crak job freezer: which threads a freeze covers.
 *
 * The scope is resolved once to struct pid / task_struct references, never kept as numbers, so a
 * pid reused by an unrelated process during a long freeze cannot slip into the scope.
 */
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "crak.h"

/* Guards the ancestry walk against a corrupt or cyclic parent chain; real trees are shallow. */
#define CRAK_MAX_TREE_DEPTH 4096

static int crak_scope_resolve_pids(struct crak_scope *sc, const struct crak_freeze *req,
				   s32 *err_pid)
{
	s32 *nrs;
	u32 i;
	int err = 0;

	if (req->pid != 0)
		return -EINVAL;
	if (req->nr_pids == 0)
		return -ESRCH;
	if (req->nr_pids > CRAK_MAX_PIDS)
		return -E2BIG;
	nrs = vmemdup_user(u64_to_user_ptr(req->pids_ptr), req->nr_pids * sizeof(*nrs));
	if (IS_ERR(nrs))
		return PTR_ERR(nrs);
	sc->pids = kvcalloc(req->nr_pids, sizeof(*sc->pids), GFP_KERNEL);
	if (!sc->pids) {
		kvfree(nrs);
		return -ENOMEM;
	}
	for (i = 0; i < req->nr_pids; i++) {
		if (nrs[i] <= 0) {
			err = -EINVAL;
			*err_pid = nrs[i];
			break;
		}
		sc->pids[i] = find_get_pid(nrs[i]);
		if (!sc->pids[i]) {
			err = -ESRCH;
			*err_pid = nrs[i];
			break;
		}
		sc->nr_pids = i + 1;
	}
	kvfree(nrs);
	return err;
}

static int crak_scope_resolve_tree(struct crak_scope *sc, s32 *err_pid)
{
	struct task_struct *t = get_pid_task(sc->group, PIDTYPE_PID);

	if (!t) {
		*err_pid = pid_vnr(sc->group);
		return -ESRCH;
	}
	rcu_read_lock();
	sc->root = t->group_leader;
	get_task_struct(sc->root);
	rcu_read_unlock();
	put_task_struct(t);
	return 0;
}

/* On error the partly resolved scope is left for crak_scope_drop(). */
int crak_scope_resolve(struct crak_scope *sc, const struct crak_freeze *req, s32 *err_pid)
{
	sc->kind = req->scope;
	switch (req->scope) {
	case CRAK_SCOPE_PIDS:
		return crak_scope_resolve_pids(sc, req, err_pid);
	case CRAK_SCOPE_PGRP:
	case CRAK_SCOPE_SESSION:
	case CRAK_SCOPE_TREE:
		if (req->nr_pids != 0 || req->pids_ptr != 0 || req->pid <= 0)
			return -EINVAL;
		sc->group = find_get_pid(req->pid);
		if (!sc->group) {
			*err_pid = req->pid;
			return -ESRCH;
		}
		return req->scope == CRAK_SCOPE_TREE ? crak_scope_resolve_tree(sc, err_pid) : 0;
	default:
		return -EINVAL;
	}
}

void crak_scope_drop(struct crak_scope *sc)
{
	u32 i;

	for (i = 0; i < sc->nr_pids; i++)
		put_pid(sc->pids[i]);
	kvfree(sc->pids);
	put_pid(sc->group);
	if (sc->root)
		put_task_struct(sc->root);
	memset(sc, 0, sizeof(*sc));
}

/* Caller holds rcu_read_lock(). */
static bool crak_descends_from(struct task_struct *p, struct task_struct *root)
{
	unsigned int depth;

	for (depth = 0; depth < CRAK_MAX_TREE_DEPTH; depth++) {
		struct task_struct *parent;

		if (same_thread_group(p, root))
			return true;
		parent = rcu_dereference(p->real_parent);
		if (parent == p)
			return false; /* init_task */
		p = parent;
	}
	return false;
}

/*
 * Calls @fn for every thread of every process in scope, under rcu_read_lock() (@fn must not
 * sleep). Stops early when @fn returns non-zero and returns that value.
 */
int crak_scope_for_each_thread(struct crak_scope *sc, crak_visit_fn fn, void *arg)
{
	struct task_struct *p, *t;
	enum pid_type type = sc->kind == CRAK_SCOPE_PGRP ? PIDTYPE_PGID : PIDTYPE_SID;
	int ret = 0;
	u32 i;

	rcu_read_lock();
	switch (sc->kind) {
	case CRAK_SCOPE_PGRP:
	case CRAK_SCOPE_SESSION:
		do_each_pid_thread(sc->group, type, t) {
			ret = fn(t, arg);
			if (ret)
				goto out;
		} while_each_pid_thread(sc->group, type, t);
		break;
	case CRAK_SCOPE_TREE:
		for_each_process(p) {
			if (!crak_descends_from(p, sc->root))
				continue;
			for_each_thread(p, t) {
				ret = fn(t, arg);
				if (ret)
					goto out;
			}
		}
		break;
	case CRAK_SCOPE_PIDS:
		for (i = 0; i < sc->nr_pids; i++) {
			p = pid_task(sc->pids[i], PIDTYPE_PID);
			if (!p)
				continue;
			for_each_thread(p, t) {
				ret = fn(t, arg);
				if (ret)
					goto out;
			}
		}
		break;
	}
out:
	rcu_read_unlock();
	return ret;
}
