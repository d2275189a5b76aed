package io.crak.core.tree;

/**
 * A process's place in the tree.
 *
 * @param zombie the process had exited and waited for its parent to reap it
 * @param exitStatus a zombie's wait status (exit code << 8 | signal)
 * @param stopSignal when the user had stopped the process (SIGSTOP, SIGTSTP...), that signal; else 0
 * @param nsLastPid for pid 1 of a pid namespace of the tree's own, the last pid that namespace
 *     handed out (its ns_last_pid), so the job's next fork gets the pid it would have had; else 0
 */
public record TreeImage(int pid, int ppid, int pgid, int sid, boolean zombie, int exitStatus, int stopSignal,
        int nsLastPid) {
}
