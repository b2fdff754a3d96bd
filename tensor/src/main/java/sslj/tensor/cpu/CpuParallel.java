package sslj.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The CPU backend's one shared thread pool (no thread per op). Work is split into at most one
 * contiguous range per core; small work (under {@code grain} items) and work started from inside the
 * pool (nested parallelism) run on the calling thread.
 */
public final class CpuParallel {
    /** A half-open range [lo, hi) of work items. */
    @FunctionalInterface
    public interface Range { void run(int lo, int hi); }

    private static final int THREADS = Integer.getInteger("sslj.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("sslj-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    private CpuParallel() { }

    /** How many threads the pool has (the system property sslj.threads overrides the core count). */
    public static int threads() { return THREADS; }

    /** Runs body over [0, n) in up to {@link #threads()} chunks, each at least {@code grain} long. */
    public static void forRange(int n, int grain, Range body) {
        int chunks = (int) Math.min(THREADS, Math.max(1, n / (long) Math.max(1, grain)));
        if (chunks <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            if (n > 0) body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int lo = (int) ((long) n * c / chunks), hi = (int) ((long) n * (c + 1) / chunks);
            tasks[c - 1] = POOL.submit(() -> body.run(lo, hi));
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
