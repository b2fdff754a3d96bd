package sslj.ssl.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Turns a {@link Dataset} and a {@link MultiView} augmentation into mini-batches of tensors, built
 * ahead of the consumer by background worker threads (torch.utils.data.DataLoader with num_workers).
 *
 * <pre>
 *   try (DataLoader loader = DataLoader.builder(train).batchSize(256).views(Augmentations.simclr(28, 1))
 *           .shuffle(true).dropLast(true).seed(42).workers(2).build()) {
 *       for (int epoch = 0; epoch &lt; epochs; epoch++) {
 *           try (DataLoader.Epoch it = loader.epoch(epoch)) {
 *               while (it.hasNext()) { Batch b = it.next(); ... b.view(0), b.view(1) ... }
 *           }
 *       }
 *   }
 * </pre>
 *
 * <p>How it works. The epoch's order is a seeded shuffle: the same (seed, epoch) gives the same order.
 * Each batch is one task on a fixed pool of worker threads; the consumer keeps at most
 * {@code prefetch} tasks in flight in a FIFO of futures and takes them in order, so batches come out
 * in order however the workers interleave, and memory stays bounded. Sample i of epoch e is augmented
 * with its own generator, {@code new Generator(sampleSeed(seed, e, i))}, so its views do not depend on
 * which worker made them, on the batch size, or on the number of workers. With {@code workers(0)}
 * batches are made in the consumer's thread, on demand (handy when debugging).
 *
 * <p>A failure in a worker is rethrown by {@code next()} as a {@link DataLoaderException} naming the
 * sample. {@link #close()} stops the worker threads (they are daemon threads, so a forgotten loader
 * does not keep the JVM alive either).
 */
public final class DataLoader implements AutoCloseable {
    private static final AtomicInteger LOADERS = new AtomicInteger();
    /** Thread-name prefix of every worker thread ({@code "sslj-data-<loader>-<worker>"}). */
    public static final String THREAD_PREFIX = "sslj-data-";

    private final Dataset dataset;
    private final MultiView views;
    private final int batchSize, workers, prefetch;
    private final boolean shuffle, dropLast;
    private final long seed;
    private final ExecutorService pool;
    private final String threadPrefix;
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.views = b.views != null ? b.views : MultiView.of(Transform.identity(), 1);
        this.batchSize = b.batchSize;
        this.workers = b.workers;
        this.prefetch = b.prefetch > 0 ? b.prefetch : Math.max(2, 2 * b.workers);
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.threadPrefix = THREAD_PREFIX + LOADERS.incrementAndGet() + "-";
        if (workers > 0) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
                t.setDaemon(true);
                threads.add(t);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    public static Builder builder(Dataset dataset) { return new Builder(dataset); }

    public Dataset dataset() { return dataset; }

    public int batchSize() { return batchSize; }

    /** The name prefix of this loader's worker threads, "sslj-data-&lt;n&gt;-". */
    public String threadPrefix() { return threadPrefix; }

    /** Batches per epoch: ⌊n / B⌋ with drop-last, else ⌈n / B⌉. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset indices in the order epoch {@code epoch} visits them (identity without shuffling). */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            Generator g = new Generator(sampleSeed(seed, epoch, -1));   // index −1: the shuffle's own stream
            for (int i = n - 1; i > 0; i--) {                           // Fisher–Yates
                int j = g.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        return order;
    }

    /**
     * The seed of sample {@code index}'s generator in epoch {@code epoch}: SplitMix64's finaliser over
     * the three numbers, so nearby (epoch, index) pairs give unrelated streams.
     */
    public static long sampleSeed(long seed, int epoch, int index) {
        return mix64(seed ^ mix64(((long) epoch << 32) ^ (index & 0xFFFFFFFFL)));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Starts epoch {@code epoch}: workers begin on its first batches at once. */
    public Epoch epoch(int epoch) {
        if (pool != null && pool.isShutdown()) throw new IllegalStateException("DataLoader is closed");
        return new Epoch(epoch);
    }

    /** Stops the workers, interrupting batches in progress, and waits for the threads to end. */
    @Override
    public void close() {
        if (pool == null) return;
        // Batches never started are handed back by shutdownNow; cancel their futures so that a
        // consumer still waiting on one gets a CancellationException instead of waiting forever.
        for (Runnable r : pool.shutdownNow()) if (r instanceof Future<?> f) f.cancel(false);
        // The pool counts as terminated a moment before its threads have returned; join them, so
        // that after close() no thread of this loader is alive.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) throw new IllegalStateException("DataLoader: worker " + t.getName() + " did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds batch {@code number} of an epoch from the given dataset indices (runs on a worker). */
    private Batch makeBatch(int epoch, int number, int[] indices) {
        int b = indices.length, nv = views.views();
        float[][] data = new float[nv][];
        int[][] shapes = new int[nv][];
        float[] labels = new float[b];
        for (int k = 0; k < b; k++) {
            int index = indices[k];
            try {
                Sample s = dataset.get(index);
                labels[k] = s.label();
                List<Image> out = views.apply(s.image(), new Generator(sampleSeed(seed, epoch, index)));
                for (int v = 0; v < nv; v++) {
                    Image im = out.get(v);
                    int[] shape = {b, im.channels(), im.height(), im.width()};
                    if (data[v] == null) {
                        shapes[v] = shape;
                        data[v] = new float[b * im.data().length];
                    } else if (!Arrays.equals(shapes[v], shape)) {
                        throw new IllegalStateException("view " + v + " is " + im + " but the batch's first sample's is "
                                + shapes[v][1] + "x" + shapes[v][2] + "x" + shapes[v][3] + " (crop or resize to one size)");
                    }
                    System.arraycopy(im.data(), 0, data[v], k * im.data().length, im.data().length);
                }
            } catch (RuntimeException e) {
                throw new DataLoaderException("sample " + index + " (epoch " + epoch + ", batch " + number + "): " + e, index, e);
            }
        }
        List<Tensor> tensors = new ArrayList<>(nv);
        for (int v = 0; v < nv; v++) tensors.add(Tensor.of(data[v], shapes[v]));
        return new Batch(List.copyOf(tensors), Tensor.of(labels, b), indices, epoch, number);
    }

    /**
     * One pass over the data: an iterator of batches, closed to cancel what is still in flight.
     * Not thread-safe: one consumer.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch, total;
        private final int[] order;
        private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
        private int submitted, taken;
        private long waitNanos;
        private int readyOnArrival;
        private boolean failed;

        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.total = batchesPerEpoch();
            if (pool != null) while (submitted < Math.min(prefetch, total)) submitNext();
        }

        private int[] indicesOf(int number) {
            int from = number * batchSize, to = Math.min(from + batchSize, order.length);
            int[] idx = new int[to - from];
            System.arraycopy(order, from, idx, 0, idx.length);
            return idx;
        }

        private void submitNext() {
            int number = submitted++;
            int[] idx = indicesOf(number);
            inFlight.add(pool.submit(() -> makeBatch(epoch, number, idx)));
        }

        @Override
        public boolean hasNext() { return !failed && taken < total; }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has " + total + " batches");
            int number = taken++;
            if (pool == null) return makeBatch(epoch, number, indicesOf(number));
            if (pool.isShutdown()) {
                failed = true;
                throw new IllegalStateException("DataLoader is closed (batch " + number + " of epoch " + epoch + " was not made)");
            }
            Future<Batch> head = inFlight.poll();
            if (submitted < total) submitNext();                    // keep `prefetch` batches in flight
            if (head.isDone()) readyOnArrival++;
            long t0 = System.nanoTime();
            try {
                return head.get();
            } catch (ExecutionException e) {
                failed = true;
                close();
                Throwable c = e.getCause();
                int index = c instanceof DataLoaderException d ? d.sampleIndex() : -1;
                throw new DataLoaderException(c.getMessage(), index, c);
            } catch (InterruptedException e) {
                failed = true;
                close();
                Thread.currentThread().interrupt();
                throw new DataLoaderException("interrupted while waiting for batch " + number + " of epoch " + epoch, -1, e);
            } catch (CancellationException e) {
                failed = true;
                throw new DataLoaderException("batch " + number + " of epoch " + epoch + " was cancelled (loader closed?)", -1, e);
            } finally {
                waitNanos += System.nanoTime() - t0;
            }
        }

        /** How many batches {@link #next} found already made (the workers were ahead) so far. */
        public int readyOnArrival() { return readyOnArrival; }

        /** Total time {@link #next} spent waiting for workers so far, in nanoseconds. */
        public long waitNanos() { return waitNanos; }

        public int batches() { return total; }

        /** Cancels the batches still in flight (interrupting those being made). */
        @Override
        public void close() {
            for (Future<Batch> f : inFlight) f.cancel(true);
            inFlight.clear();
        }
    }

    /** Options; defaults: batch 256, no shuffle, keep the last partial batch, seed 0, 0 workers, prefetch 2·workers. */
    public static final class Builder {
        private final Dataset dataset;
        private MultiView views;
        private int batchSize = 256, workers, prefetch;
        private boolean shuffle, dropLast;
        private long seed;

        private Builder(Dataset dataset) {
            if (dataset == null || dataset.size() == 0) throw new IllegalArgumentException("DataLoader: empty dataset");
            this.dataset = dataset;
        }

        public Builder batchSize(int b) {
            if (b <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + b);
            batchSize = b;
            return this;
        }

        /** One view per sample through {@code t}. */
        public Builder transform(Transform t) { views = MultiView.of(t, 1); return this; }

        /** Several views per sample (e.g. {@link Augmentations#simclr}). */
        public Builder views(MultiView v) { views = v; return this; }

        public Builder shuffle(boolean s) { shuffle = s; return this; }

        public Builder dropLast(boolean d) { dropLast = d; return this; }

        public Builder seed(long s) { seed = s; return this; }

        /** Background threads; 0 makes batches in the consumer's thread. */
        public Builder workers(int w) {
            if (w < 0) throw new IllegalArgumentException("DataLoader: workers must be >= 0, got " + w);
            workers = w;
            return this;
        }

        /** Batches made ahead of the consumer (≥ 1; default 2 · workers, at least 2). */
        public Builder prefetch(int p) {
            if (p <= 0) throw new IllegalArgumentException("DataLoader: prefetch must be positive, got " + p);
            prefetch = p;
            return this;
        }

        public DataLoader build() {
            if (dropLast && dataset.size() < batchSize) {
                throw new IllegalArgumentException("DataLoader: drop-last with " + dataset.size() + " samples and batch size " + batchSize + " gives no batches");
            }
            return new DataLoader(this);
        }
    }
}
