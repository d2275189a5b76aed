package io.crak.core.netns;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.crak.core.CrakException;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.LibC;
import io.crak.core.jna.NativeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The job's own network namespace, seen from crak. A socket belongs to the namespace of the thread
 * that creates it, so crak creates the job's sockets (and the netlink socket that lists them) on
 * one thread of its own that has entered the namespace with setns(2) and runs nothing else; that
 * thread ends with this object, it is never handed back to a pool. Everything else done on those
 * sockets (bind, connect, TCP repair) works from any thread.
 */
public final class NetNamespace implements AutoCloseable {
    private static final long SYS_IOCTL = 16;
    private static final long SYS_SETNS = 308;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    /** struct ifreq of net/if.h: char ifr_name[IFNAMSIZ = 16], then a 24-byte union (ifr_flags first). */
    private static final int IFREQ_BYTES = 40;
    private static final int IFNAMSIZ = 16;
    private static final short IFF_UP = 1;
    private static final String LOOPBACK = "lo";

    /** A system call made on the namespace's thread. */
    public interface Call<T> {
        T call() throws NativeException;
    }

    private final String name;
    private final ExecutorService thread;

    private NetNamespace(String name, ExecutorService thread) {
        this.name = name;
        this.thread = thread;
    }

    /** Enters the network namespace of process hostPid (on a thread of crak's made for it). */
    public static NetNamespace of(int hostPid) throws CrakException {
        String path = "/proc/" + hostPid + "/ns/net";
        ExecutorService t = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "crak-netns-" + hostPid);
            th.setDaemon(true);
            return th;
        });
        NetNamespace ns = new NetNamespace("the network namespace of pid " + hostPid, t);
        try {
            ns.call(() -> {
                int fd = FdCalls.open(path, FdCalls.O_RDONLY);
                try {
                    return LibC.checkedSyscall("setns(" + path + ", CLONE_NEWNET)", SYS_SETNS, fd, CLONE_NEWNET);
                } finally {
                    FdCalls.close(fd);
                }
            });
        } catch (CrakException e) {
            t.shutdownNow();
            throw e;
        }
        return ns;
    }

    /** Runs c on the thread inside the namespace; its failure comes back as a CrakException. */
    public <T> T call(Call<T> c) throws CrakException {
        Future<T> f = thread.submit(c::call);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrakException("interrupted while working in " + name);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new CrakException("in " + name + ": " + cause.getMessage(), cause);
        }
    }

    /** socket(domain, type | SOCK_CLOEXEC, 0) in the namespace: a descriptor of crak's. */
    public int socket(int domain, int type) throws CrakException {
        return call(() -> InetSocketCalls.socket(domain, type));
    }

    /** Whether the namespace's loopback interface is up (a fresh namespace has it down). */
    public boolean loopbackUp() throws CrakException {
        return (loopbackFlags(false) & IFF_UP) != 0;
    }

    /** Sets the loopback interface up (SIOCSIFFLAGS), as `ip link set lo up` does. */
    public void bringLoopbackUp() throws CrakException {
        loopbackFlags(true);
    }

    private short loopbackFlags(boolean setUp) throws CrakException {
        return call(() -> {
            int sock = InetSocketCalls.socket(AF_INET, SOCK_DGRAM);
            try (Memory ifr = new Memory(IFREQ_BYTES)) {
                ifr.clear();
                byte[] lo = LOOPBACK.getBytes(StandardCharsets.US_ASCII);
                ifr.write(0, lo, 0, lo.length);
                LibC.checkedSyscall("ioctl(SIOCGIFFLAGS) of lo", SYS_IOCTL, sock, SIOCGIFFLAGS, Pointer.nativeValue(ifr));
                short flags = ifr.getShort(IFNAMSIZ);
                if (setUp && (flags & IFF_UP) == 0) {
                    ifr.setShort(IFNAMSIZ, (short) (flags | IFF_UP));
                    LibC.checkedSyscall("ioctl(SIOCSIFFLAGS) of lo", SYS_IOCTL, sock, SIOCSIFFLAGS, Pointer.nativeValue(ifr));
                }
                return flags;
            } finally {
                FdCalls.close(sock);
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    @Override
    public String toString() {
        return name;
    }
}
