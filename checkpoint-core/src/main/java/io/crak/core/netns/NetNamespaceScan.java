package io.crak.core.netns;

import io.crak.core.CrakException;
import io.crak.core.proc.NetDevParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.ptrace.SeizedProcess;
import io.crak.core.ptrace.SeizedTree;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells how a seized tree sits in network namespaces. Two shapes can be restored: every process in
 * crak's own namespace, or every process in one namespace of the job's own — used by no process
 * outside the tree, with no interface but loopback — which a restore creates afresh for the root
 * (CLONE_NEWNET) with its loopback as it was. Anything else is refused, naming the process.
 */
public final class NetNamespaceScan {
    private static final String LOOPBACK = "lo";

    private NetNamespaceScan() {
    }

    /** Whether the tree has a network namespace of its own (else it shares crak's). */
    public static boolean ownNamespace(SeizedTree tree, ProcFiles proc) throws CrakException, IOException {
        SeizedProcess root = tree.processes.values().iterator().next();
        String rootNs = proc.readLink(root.pid, "ns/net");
        for (SeizedProcess p : tree.processes.values()) {
            String ns = p.zombie ? rootNs : proc.readLink(p.pid, "ns/net");
            if (!ns.equals(rootNs)) {
                throw new CrakException("pid " + p.pid + " (child of " + p.ppid + "): is in network namespace " + ns
                        + ", not in the dumped root's " + rootNs + "; a tree spread over network namespaces is not supported");
            }
        }
        String crakNs = proc.readLink((int) ProcessHandle.current().pid(), "ns/net");
        if (rootNs.equals(crakNs)) {
            return false;
        }
        int sharer = outsideUser(proc, tree, rootNs);
        if (sharer != 0) {
            throw new CrakException("pid " + root.pid + ": its network namespace " + rootNs + " is also used by pid "
                    + sharer + ", which is not part of the tree; only a namespace of the job's own can be dumped");
        }
        List<String> interfaces = NetDevParser.interfaces(proc.read(root.pid, "net/dev"));
        for (String i : interfaces) {
            if (!i.equals(LOOPBACK)) {
                throw new CrakException("pid " + root.pid + ": its network namespace " + rootNs + " has interface " + i
                        + " besides lo; only loopback-only network namespaces can be dumped");
            }
        }
        return true;
    }

    /** A process outside the tree in the namespace, or 0. */
    private static int outsideUser(ProcFiles proc, SeizedTree tree, String ns) throws IOException {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(proc.root(), "[0-9]*")) {
            for (Path p : all) {
                int pid = Integer.parseInt(p.getFileName().toString());
                if (tree.processes.containsKey(pid)) {
                    continue;
                }
                try {
                    if (proc.readLink(pid, "ns/net").equals(ns)) {
                        return pid;
                    }
                } catch (IOException e) {
                    // gone meanwhile, or a kernel thread without namespaces to show
                }
            }
        }
        return 0;
    }
}
