package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static final ArrayDataset DATA = TestImages.dataset(50, 3, 12, 12, 5);

    private static DataLoader.Builder simclr(int workers) {
        return DataLoader.builder(DATA).batchSize(8).views(Augmentations.simclr(10, 3)).shuffle(true).seed(42).workers(workers);
    }

    /** Every batch of an epoch: per batch, the views' values followed by the labels and indices. */
    private static List<float[]> collect(DataLoader loader, int epoch) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader.Epoch it = loader.epoch(epoch)) {
            while (it.hasNext()) {
                Batch b = it.next();
                for (var v : b.views()) out.add(v.toFloatArray());
                out.add(b.labels().toFloatArray());
                float[] idx = new float[b.size()];
                for (int k = 0; k < idx.length; k++) idx[k] = b.indices()[k];
                out.add(idx);
            }
        }
        return out;
    }

    @Test
    void shuffleOrderDependsOnlyOnSeedAndEpoch() {
        try (DataLoader a = simclr(0).build(); DataLoader b = simclr(0).build()) {
            assertArrayEquals(a.order(3), b.order(3));
            assertFalse(Arrays.equals(a.order(3), a.order(4)), "epochs are shuffled differently");
            int[] sorted = a.order(3).clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "a permutation");
        }
        try (DataLoader plain = DataLoader.builder(DATA).batchSize(8).build()) {
            assertEquals(7, plain.order(5)[7], "no shuffle: file order");
        }
    }

    @Test
    void batchesAreTheSameWithZeroOneAndThreeWorkers() {
        List<float[]> reference;
        try (DataLoader l = simclr(0).build()) { reference = collect(l, 1); }
        for (int workers : new int[] {1, 3}) {
            try (DataLoader l = simclr(workers).prefetch(3).build()) {
                List<float[]> got = collect(l, 1);
                assertEquals(reference.size(), got.size());
                for (int i = 0; i < got.size(); i++) assertArrayEquals(reference.get(i), got.get(i), workers + " workers, array " + i);
            }
        }
    }

    @Test
    void batchesHoldViewsLabelsAndIndices() {
        try (DataLoader l = simclr(2).build(); DataLoader.Epoch it = l.epoch(0)) {
            Batch b = it.next();
            assertEquals(2, b.views().size());
            assertArrayEquals(new int[] {8, 3, 10, 10}, b.view(0).shape());
            assertArrayEquals(new int[] {8}, b.labels().shape());
            assertArrayEquals(Arrays.copyOf(l.order(0), 8), b.indices());
            for (int k = 0; k < 8; k++) assertEquals(DATA.label(b.indices()[k]), b.labels().get(k));
            assertThrows(IllegalStateException.class, b::images);
        }
        // Without a transform: the images themselves, in file order.
        try (DataLoader l = DataLoader.builder(DATA).batchSize(4).build(); DataLoader.Epoch it = l.epoch(0)) {
            Batch b = it.next();
            float[] first = Arrays.copyOf(b.images().toFloatArray(), 3 * 12 * 12);
            assertArrayEquals(DATA.get(0).image().data(), first);
        }
    }

    @Test
    void dropLastDecidesTheLastPartialBatch() {
        ArrayDataset ten = TestImages.dataset(10, 1, 2, 2, 2);
        for (boolean drop : new boolean[] {false, true}) {
            try (DataLoader l = DataLoader.builder(ten).batchSize(4).dropLast(drop).workers(2).build(); DataLoader.Epoch it = l.epoch(0)) {
                List<Integer> sizes = new ArrayList<>();
                while (it.hasNext()) sizes.add(it.next().size());
                assertEquals(drop ? List.of(4, 4) : List.of(4, 4, 2), sizes);
                assertEquals(sizes.size(), l.batchesPerEpoch());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ten).batchSize(11).dropLast(true).build());
    }

    @Test
    void aWorkerFailureReachesTheConsumerWithTheSampleIndex() {
        Dataset faulty = new Dataset() {
            public int size() { return 40; }
            public int numClasses() { return 5; }
            public Sample get(int i) {
                if (i == 17) throw new IllegalStateException("cannot decode");
                return DATA.get(i);
            }
        };
        try (DataLoader l = DataLoader.builder(faulty).batchSize(4).workers(2).build(); DataLoader.Epoch it = l.epoch(0)) {
            for (int k = 0; k < 4; k++) it.next();               // samples 0..15 are fine
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(17, e.sampleIndex());
            assertTrue(e.getMessage().contains("sample 17") && e.getMessage().contains("cannot decode"), e.getMessage());
            assertInstanceOf(IllegalStateException.class, rootCause(e));
            assertFalse(it.hasNext(), "the epoch ends after a failure");
        }
    }

    @Test
    void unequalImageSizesInABatchAreReported() {
        // A transform whose output width varies from sample to sample: 4, 5 or 6.
        Transform odd = (im, g) -> Resize.bilinear(im, 0, 0, im.height(), im.width(), 4, 4 + g.nextInt(3));
        try (DataLoader l = DataLoader.builder(DATA).batchSize(10).transform(odd).build(); DataLoader.Epoch it = l.epoch(0)) {
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertTrue(e.getMessage().contains("crop or resize to one size"), e.getMessage());
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t;
    }

    @Test
    void closeStopsTheWorkerThreads() {
        DataLoader l = simclr(3).build();
        DataLoader.Epoch it = l.epoch(0);
        it.next();                                               // leave batches in flight
        assertEquals(3, workerThreads(l.threadPrefix()));
        l.close();
        assertEquals(0, workerThreads(l.threadPrefix()), "no loader threads survive close()");
        assertThrows(IllegalStateException.class, () -> l.epoch(1));
        assertThrows(IllegalStateException.class, it::next, "an epoch of a closed loader does not hang");
    }

    private static long workerThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /**
     * Prefetching hides the data cost. Each sample takes ~2 ms to "decode" (a sleep, so the test
     * does not depend on free CPU), a batch of 4 takes ~8 ms per worker, ~4 ms with two workers;
     * the consumer spends ~12 ms per step. After warm-up the next batch should almost always be
     * ready when asked for. Threefold slack, and a loose bound, keep this stable on a loaded machine.
     */
    @Test
    void twoWorkersKeepASlowerConsumerFed() throws InterruptedException {
        Dataset slow = new Dataset() {
            public int size() { return 64; }
            public int numClasses() { return 5; }
            public Sample get(int i) {
                try { Thread.sleep(2); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                return DATA.get(i % DATA.size());
            }
        };
        try (DataLoader l = DataLoader.builder(slow).batchSize(4).workers(2).prefetch(4).build(); DataLoader.Epoch it = l.epoch(0)) {
            for (int k = 0; k < 2; k++) it.next();              // warm-up
            int warm = it.readyOnArrival();
            int steps = 0;
            while (it.hasNext()) {
                Thread.sleep(12);                                // the "training step"
                it.next();
                steps++;
            }
            int ready = it.readyOnArrival() - warm;
            assertTrue(ready >= steps * 0.6, ready + " of " + steps + " batches were ready when asked for");
        }
    }
}
