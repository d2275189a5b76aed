// SPDX-License-Identifier: GPL-2.0
/*
 * Crak job freezer: the /dev/crak misc device.
 *
 * One open file is one freeze session. Its release (explicit close, or the kernel closing the
 * files of a crashed controller) thaws whatever the session still holds, so a job is never left
 * frozen by a dead controller.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "crak.h"

static int crak_open(struct inode *inode, struct file *file)
{
	struct crak_session *s;

	/* The device is 0600 root; also refuse a root without CAP_SYS_ADMIN (e.g. in a userns). */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->parks);
	file->private_data = s;
	return 0;
}

static int crak_release_file(struct inode *inode, struct file *file)
{
	struct crak_session *s = file->private_data;

	mutex_lock(&s->lock);
	crak_release(s);
	mutex_unlock(&s->lock);
	mutex_destroy(&s->lock);
	kfree(s);
	return 0;
}

static long crak_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct crak_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case CRAK_IOC_FREEZE:
	case CRAK_IOC_THAW:
	case CRAK_IOC_STATUS:
		break;
	default:
		return -ENOTTY;
	}
	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	switch (cmd) {
	case CRAK_IOC_FREEZE:
		ret = crak_ioctl_freeze(s, uarg);
		break;
	case CRAK_IOC_THAW:
		ret = crak_ioctl_thaw(s, uarg);
		break;
	default:
		ret = crak_ioctl_status(s, uarg);
		break;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static const struct file_operations crak_fops = {
	.owner = THIS_MODULE,
	.open = crak_open,
	.release = crak_release_file,
	.unlocked_ioctl = crak_ioctl,
	/* fixed-width fields and __u64 pointers: one layout for 32- and 64-bit callers */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice crak_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CRAK_DEVICE_NAME,
	.fops = &crak_fops,
	.mode = 0600,
};

static int __init crak_init(void)
{
	return misc_register(&crak_misc);
}

static void __exit crak_exit(void)
{
	misc_deregister(&crak_misc);
}

module_init(crak_init);
module_exit(crak_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Crak: freeze every thread of a job atomically and invisibly for checkpointing");
MODULE_AUTHOR("Crak developers");
