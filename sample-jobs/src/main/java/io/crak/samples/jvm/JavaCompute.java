package io.crak.samples.jvm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * java-compute: the JVM sample job (run through {@code target/bin/java-compute}). What a
 * checkpointer must carry for a Java job is the JVM itself: its threads (workers, GC, JIT
 * compilers), the heap as the collector left it, code the JIT compiled while the job ran, its
 * signal handlers and safepoint machinery. T worker threads own equal chunks of a ring of cells;
 * every step each rewrites its chunk from the previous generation (double buffered), all meet at
 * a barrier, and the last one to arrive folds the chunks' hashes in thread order. Each step also
 * builds short-lived boxed objects (collector work) and a map kept across steps, whose contents
 * enter the result, so a heap the restore got wrong changes it.
 *
 * <p>Prints {@code step i/N reduction <hex>} lines and, last, {@code checksum <16 hex digits>};
 * exit codes 0 success, 2 usage error, 3 internal inconsistency.
 */
public final class JavaCompute {
    private static final String USAGE = """
            usage: java-compute [OPTION...]
            Multi-threaded stencil on a ring of cells in the JVM: a barrier per step, garbage every
            step and a map kept across steps that enter the result.

            options:
              --threads T              worker threads (default 4, range 1..64)
              --steps N                synchronized compute steps (default 6000, range 1..100000000)
              --cells C                64-bit cells per thread (default 65536, range 16..16777216)
              --seed S                 seed of the initial cells (default 1)
              --help                   print this help and exit

            The last line of output is "checksum <16 hex digits>"; exit codes: 0 success,
            2 usage error, 3 internal inconsistency.""";
    private static final long MIX = 0x9e3779b97f4a7c15L;
    /** Every this many steps the map kept across steps gets an entry. */
    private static final int MAP_EVERY_STEPS = 7;

    private final int threads;
    private final long steps;
    private final int cellsPerThread;
    private final long[][] generation;
    private final long[] reports;
    private final Map<Long, Long> kept = new HashMap<>();
    private long reduction;
    private long step;

    private JavaCompute(int threads, long steps, int cellsPerThread, long seed) {
        this.threads = threads;
        this.steps = steps;
        this.cellsPerThread = cellsPerThread;
        int cells = threads * cellsPerThread;
        generation = new long[][] {new long[cells], new long[cells]};
        long x = seed * MIX + 1;
        for (int i = 0; i < cells; i++) {
            x = splitmix(x);
            generation[0][i] = x;
        }
        reports = new long[threads];
        reduction = seed;
    }

    private static long splitmix(long x) {
        long z = x + MIX;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static void main(String[] args) {
        int threads = 4;
        long steps = 6000;
        int cells = 65536;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
            if (!List.of("--threads", "--steps", "--cells", "--seed").contains(a)) {
                usage("unknown option '" + a + "'");
            }
            if (i + 1 >= args.length) {
                usage("option '" + a + "' needs a value");
            }
            long v = number(a, args[++i]);
            switch (a) {
                case "--threads" -> threads = (int) range(a, v, 1, 64);
                case "--steps" -> steps = range(a, v, 1, 100_000_000);
                case "--cells" -> cells = (int) range(a, v, 16, 1 << 24);
                default -> seed = v;
            }
        }
        JavaCompute job = new JavaCompute(threads, steps, cells, seed);
        System.out.println("checksum " + String.format("%016x", job.run()));
    }

    private static long number(String option, String value) {
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            usage("option " + option + ": '" + value + "' is not a number");
            return 0;
        }
    }

    private static long range(String option, long v, long min, long max) {
        if (v < min || v > max) {
            usage("option " + option + ": " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private static void usage(String why) {
        System.err.println("java-compute: " + why + " (see --help)");
        System.exit(2);
    }

    private long run() {
        CyclicBarrier computed = new CyclicBarrier(threads, this::fold);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread w = new Thread(() -> work(index, computed), "java-compute-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                inconsistent("interrupted while waiting for worker " + w.getName());
            }
        }
        long h = reduction;
        for (Map.Entry<Long, Long> e : new java.util.TreeMap<>(kept).entrySet()) {
            h = splitmix(h ^ e.getKey() ^ Long.rotateLeft(e.getValue(), 17));
        }
        return h;
    }

    /** One worker: rewrites its chunk each step, then meets the others at the barrier. */
    private void work(int index, CyclicBarrier computed) {
        int cells = threads * cellsPerThread;
        int from = index * cellsPerThread;
        for (long s = 0; s < steps; s++) {
            long[] cur = generation[(int) (s & 1)];
            long[] next = generation[(int) ((s + 1) & 1)];
            long salt = splitmix(s * threads + index);
            List<Long> garbage = new ArrayList<>();
            for (int i = from; i < from + cellsPerThread; i++) {
                long left = cur[(i + cells - 1) % cells];
                long right = cur[(i + 1) % cells];
                next[i] = Long.rotateLeft(left ^ salt, 13) + cur[i] * 5 + (right >>> 7);
                if ((i & 255) == 0) {
                    garbage.add(next[i]); // boxed, dropped at the end of the step: collector work
                }
            }
            long hash = salt;
            for (long g : garbage) {
                hash = splitmix(hash ^ g);
            }
            reports[index] = hash;
            try {
                computed.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                inconsistent("worker " + index + " at step " + s + ": " + e);
            }
        }
    }

    /** Runs in the last thread to reach the barrier, while the others wait: one step's result. */
    private void fold() {
        for (long r : reports) {
            reduction = splitmix(reduction ^ r);
        }
        step++;
        if (step % MAP_EVERY_STEPS == 0) {
            kept.merge(reduction & 0xfff, reduction, (a, b) -> a ^ b);
        }
        if (step % Math.max(1, steps / 10) == 0 || step == steps) {
            System.out.println("step " + step + "/" + steps + " reduction " + String.format("%016x", reduction));
        }
    }

    private static void inconsistent(String what) {
        System.err.println("java-compute: " + what);
        System.exit(3);
    }
}
