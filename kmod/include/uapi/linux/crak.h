/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Crak job freezer: userspace ABI of /dev/crak.
 *
 * One open file of /dev/crak is one freeze session. FREEZE stops every thread of every process in
 * a scope before it runs another user instruction and returns a generation number; THAW resumes
 * exactly the threads of that generation; closing the file thaws whatever it still holds.
 *
 * Every structure uses fixed-width, naturally aligned fields; user pointers are __u64; fields
 * named __pad* must be zero (else -EINVAL). The structure size is part of the command number, so a
 * caller compiled against another layout gets -ENOTTY. See Documentation/crak.rst.
 */
#ifndef _UAPI_LINUX_CRAK_H
#define _UAPI_LINUX_CRAK_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define CRAK_DEVICE_NAME "crak"

/* Values of crak_freeze.scope */
#define CRAK_SCOPE_PGRP    1 /* every process of process group .pid */
#define CRAK_SCOPE_SESSION 2 /* every process of session .pid */
#define CRAK_SCOPE_PIDS    3 /* the .nr_pids processes whose ids are at .pids_ptr */
#define CRAK_SCOPE_TREE    4 /* process .pid and all its descendants */

/* Bits of crak_freeze.out_flags */
#define CRAK_OUT_PIDS_TRUNCATED (1U << 0) /* more processes than out_pids_cap; list cut */

/* Limits (inclusive) */
#define CRAK_TIMEOUT_MIN_NS 1000000ULL        /* 1 ms */
#define CRAK_TIMEOUT_MAX_NS 600000000000ULL   /* 600 s */
#define CRAK_MAX_PIDS       65536U            /* nr_pids and out_pids_cap */

struct crak_freeze {
	/* in */
	__u32 scope;        /* CRAK_SCOPE_* */
	__u32 flags;        /* none defined: must be 0 */
	__s32 pid;          /* pgid, sid or root pid in the caller's pid namespace; 0 for PIDS */
	__u32 nr_pids;      /* PIDS: number of __s32 at pids_ptr; 0 otherwise */
	__u64 pids_ptr;     /* PIDS: user address of __s32[nr_pids]; 0 otherwise */
	__u64 timeout_ns;   /* give up (ETIMEDOUT) if not all quiescent by then */
	__u64 out_pids_ptr; /* user address of __s32[out_pids_cap] receiving frozen process ids */
	__u32 out_pids_cap;
	__u32 __pad0;
	/* out */
	__u64 generation;   /* pass to THAW/STATUS */
	__u64 elapsed_ns;   /* time the freeze took */
	__u32 nr_processes; /* processes held */
	__u32 nr_threads;   /* threads held (not counting exited ones) */
	__u32 nr_stopped;   /* threads already in a job-control or ptrace stop */
	__u32 nr_blocked;   /* threads waiting for a frozen vfork child */
	__u32 nr_exited;    /* threads that exited while being frozen */
	__u32 out_flags;    /* CRAK_OUT_* */
	__s32 err_pid;      /* on ETIMEDOUT/EOPNOTSUPP/ESRCH/EDEADLK/EPERM: the thread or pid at fault */
	__u32 __pad1;
};

struct crak_thaw {
	__u64 generation;   /* in: from FREEZE */
	__u32 nr_threads;   /* out: threads released */
	__u32 __pad0;
	__u64 elapsed_ns;   /* out */
};

struct crak_status {
	__u64 generation;   /* in: from FREEZE */
	__u32 nr_processes; /* out: processes held */
	__u32 nr_threads;   /* out: threads held, exited ones included */
	__u32 nr_quiescent; /* out: parked, stopped or blocked on a frozen vfork child */
	__u32 nr_running;   /* out: held but running, plus threads in scope not held (escaped) */
	__u32 nr_exited;    /* out */
	__u32 __pad0;
};

#define CRAK_IOC_MAGIC  0xCB
#define CRAK_IOC_FREEZE _IOWR(CRAK_IOC_MAGIC, 1, struct crak_freeze)
#define CRAK_IOC_THAW   _IOWR(CRAK_IOC_MAGIC, 2, struct crak_thaw)
#define CRAK_IOC_STATUS _IOWR(CRAK_IOC_MAGIC, 3, struct crak_status)

#endif /* _UAPI_LINUX_CRAK_H */
