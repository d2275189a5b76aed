package io.crak.core.proc;

/**
 * One "tfd:" line of an epoll fd's fdinfo: a file descriptor registered in the epoll set.
 *
 * @param events the EPOLL* event mask registered
 * @param data the user's epoll_data as 64 bits
 * @param pos file position of the target at registration time
 * @param ino inode of the target file
 * @param sdev device of the target's superblock (kernel-internal dev_t encoding)
 */
public record EpollTarget(int tfd, int events, long data, long pos, long ino, long sdev) {}
