package io.crak.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Pids as the images hold them and as crak sees them. A tree in crak's own pid namespace keeps its
 * host pids in the images (the map is the identity). A tree that is a pid namespace of its own is
 * stored with its namespace pids, so it can come back into a fresh namespace with the same pids
 * whatever the host pids are; crak still needs host pids for ptrace and /proc.
 *
 * <p>The rule every resource follows: what crak does itself (ptrace, /proc/PID, pidfd_open from
 * crak) takes host pids; what goes into an image, or into a system call run inside a process of
 * the tree (setpgid, pidfd_open, /proc paths opened there, which see the namespace's /proc), takes
 * image pids.
 */
public final class PidMap {
    private final boolean namespaced;
    private final Map<Integer, Integer> hostOfImage = new HashMap<>();
    private final Map<Integer, Integer> imageOfHost = new HashMap<>();

    private PidMap(boolean namespaced) {
        this.namespaced = namespaced;
    }

    /** Image pids are host pids. */
    public static PidMap identity() {
        return new PidMap(false);
    }

    /** Image pids are the pids of a namespace of the tree's own, learnt with {@link #put}. */
    public static PidMap namespaced() {
        return new PidMap(true);
    }

    public boolean isNamespaced() {
        return namespaced;
    }

    /** Records that the task crak sees as {@code host} is {@code image} in the images. */
    public void put(int image, int host) {
        if (!namespaced) {
            if (image != host) {
                throw new IllegalStateException("pid " + host + " cannot be " + image + " outside a pid namespace");
            }
            return;
        }
        hostOfImage.put(image, host);
        imageOfHost.put(host, image);
    }

    /** The host pid of an image pid; the image pid must have been put (or the map be the identity). */
    public int host(int image) {
        if (!namespaced) {
            return image;
        }
        Integer h = hostOfImage.get(image);
        if (h == null) {
            throw new IllegalStateException("pid " + image + " of the images has no host pid (not created yet)");
        }
        return h;
    }

    /** The image pid of a host pid, or 0 for a process outside the tree's namespace (as getppid says there). */
    public int image(int host) {
        if (!namespaced) {
            return host;
        }
        return imageOfHost.getOrDefault(host, 0);
    }
}
