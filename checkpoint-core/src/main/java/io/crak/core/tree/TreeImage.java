package io.crak.core.tree;

/**
 * A process's place in the tree.
 *
 * @param zombie the process had exited and waited for its parent to reap it
 * @param exitStatus a zombie's wait status (exit code << 8 | signal)
 * @param stopSignal when the user had stopped the process (SIGSTOP, SIGTSTP...), that signal; else 0
 */
public record TreeImage(int pid, int ppid, int pgid, int sid, boolean zombie, int exitStatus, int stopSignal) {
}
