package io.crak.core.image;

import java.util.List;

/**
 * The first entry of every image: what it holds and where it came from, checked before anything
 * is restored.
 *
 * @param pids every process, parents before children (the root first)
 * @param vdso sizes in bytes of [vvar], [vvar_vclock] and [vdso] on the dumping host; a restore
 *     host whose layout differs is refused
 * @param pidNamespace the root was pid 1 of a pid namespace holding the whole tree: the pids are
 *     that namespace's, and a restore makes a fresh pid namespace (with its own mount namespace and
 *     /proc) for them
 * @param netNamespace the tree had a network namespace of its own (loopback only), which a restore
 *     creates afresh; null when it shared crak's (and in images from before this field)
 */
public record Inventory(int formatVersion, String kernel, String host, int rootPid, List<Integer> pids,
        List<SpecialArea> vdso, long dumpedAtMillis, boolean pidNamespace, NetNamespaceImage netNamespace) {

    /** The job's own network namespace: only a loopback interface, up or down. */
    public record NetNamespaceImage(boolean loopbackUp) {
    }

    /** A kernel-provided mapping by name and size. */
    public record SpecialArea(String name, long size) {
    }
}
