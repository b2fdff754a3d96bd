package sslj.ssl.train;

import sslj.testing.RefMath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Weighted kNN against brute-force double references (sorted by similarity, ties to the earlier
 * bank row); the streaming path against the one-shot path; the quickselect behind the top-k.
 */
class KnnTest {

    /** Brute force: all similarities in double, neighbours by (similarity desc, bank index asc), exp(s/τ) votes. */
    static int[] reference(float[] bank, int[] labels, float[] q, int n, int nq, int d, int k, double tau, int classes) {
        double[][] b = RefMath.unit(bank, n, d), x = RefMath.unit(q, nq, d);
        int[] pred = new int[nq];
        for (int i = 0; i < nq; i++) {
            double[] s = new double[n];
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                s[j] = RefMath.dot(x[i], b[j]);
                order[j] = j;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -s[j]).thenComparingInt(j -> j));
            double[] score = new double[classes];
            for (int r = 0; r < Math.min(k, n); r++) score[labels[order[r]]] += Math.exp(s[order[r]] / tau);
            int best = 0;
            for (int c = 1; c < classes; c++) if (score[c] > score[best]) best = c;
            pred[i] = best;
        }
        return pred;
    }

    static int[] randomLabels(int n, int classes, long seed) {
        Generator g = new Generator(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = g.nextInt(classes);
        return l;
    }

    @Test
    void matchesBruteForceOnRandomFeatures() {
        int n = 53, nq = 37, d = 6, classes = 4;
        Tensor bank = Tensor.randn(new Generator(1), n, d), q = Tensor.randn(new Generator(2), nq, d);
        int[] labels = randomLabels(n, classes, 3);
        for (int k : new int[] {1, 5, 20, 200}) {          // 200 > bank size: every bank row votes
            int[] ref = reference(bank.toFloatArray(), labels, q.toFloatArray(), n, nq, d, k, 0.1, classes);
            for (int chunk : new int[] {7, 53, 4096}) {
                int[] got = Knn.predict(bank, labels, q, k, 0.1, classes, chunk);
                assertArrayEquals(ref, got, "k=" + k + " chunk=" + chunk);
            }
        }
    }

    @Test
    void tiesGoToTheEarlierBankRowInEveryPath() {
        // one-hot features: similarities are exactly 0 or 1, so many neighbours tie; rows with equal
        // features carry different labels, so which tied rows are taken changes the vote
        int n = 24, d = 4, classes = 3;
        float[] bank = new float[n * d];
        int[] labels = new int[n];
        for (int j = 0; j < n; j++) {
            bank[j * d + (j % d)] = 1f;
            labels[j] = (j / d) % classes;
        }
        float[] q = new float[d * d];
        for (int i = 0; i < d; i++) q[i * d + i] = 2f;
        Tensor tb = Tensor.of(bank, n, d), tq = Tensor.of(q, d, d);
        for (int k : new int[] {1, 2, 3, 4, 7, 100}) {
            int[] ref = reference(bank, labels, q, n, d, d, k, 0.1, classes);
            int[] oneShot = Knn.predict(tb, labels, tq, k, 0.1, classes, n);
            assertArrayEquals(ref, oneShot, "one-shot, k=" + k);
            for (int chunk : new int[] {1, 3, 5}) assertArrayEquals(oneShot, Knn.predict(tb, labels, tq, k, 0.1, classes, chunk), "k=" + k + " chunk=" + chunk);
        }
        // k = 1: the query of dimension i ties with rows i, i+4, ...; row i (label 0) wins
        assertArrayEquals(new int[] {0, 0, 0, 0}, Knn.predict(tb, labels, tq, 1, 0.1, classes, 5));
    }

    @Test
    void streamingEqualsOneShotOnALargerBank() {
        int n = 1500, nq = 600, d = 16, classes = 10;   // 600 queries: two query blocks
        Tensor bank = Tensor.randn(new Generator(5), n, d), q = Tensor.randn(new Generator(6), nq, d);
        int[] labels = randomLabels(n, classes, 7), qLabels = randomLabels(nq, classes, 8);
        int[] oneShot = Knn.predict(bank, labels, q, 200, 0.1, classes, n);
        assertArrayEquals(oneShot, Knn.predict(bank, labels, q, 200, 0.1, classes, 128));
        assertEquals(Knn.accuracy(bank, labels, q, qLabels, 200, 0.1, classes, n, Device.CPU), Knn.accuracy(bank, labels, q, qLabels, 200, 0.1, classes));
    }

    @Test
    void separableClustersAreClassifiedPerfectly() {
        // class c lives around the c-th axis: kNN must get every query right
        int n = 60, d = 3, classes = 3;
        Generator g = new Generator(9);
        float[] bank = new float[n * d], q = new float[30 * d];
        int[] labels = new int[n], qLabels = new int[30];
        for (int j = 0; j < n; j++) {
            labels[j] = j % classes;
            for (int k = 0; k < d; k++) bank[j * d + k] = (k == labels[j] ? 5f : 0f) + g.nextFloat() - 0.5f;
        }
        for (int i = 0; i < 30; i++) {
            qLabels[i] = (i * 7) % classes;
            for (int k = 0; k < d; k++) q[i * d + k] = (k == qLabels[i] ? 5f : 0f) + g.nextFloat() - 0.5f;
        }
        assertEquals(1.0, Knn.accuracy(Tensor.of(bank, n, d), labels, Tensor.of(q, 30, d), qLabels, 10, 0.1, classes));
    }

    /** Gaussian features shifted towards their class's dimensions: {x [n*d], labels}. */
    private static Object[] clustered(Random r, int n, int d, int classes) {
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (r.nextGaussian() + (j % classes == y[i] ? 1.0 : 0.0));
        }
        return new Object[] {x, y};
    }

    @Test
    void matchesBruteForceInOneQueryBlockAndInMany() {
        Random r = new Random(5);
        int n = 300, m = 53, d = 8, classes = 4;
        Object[] tr = clustered(r, n, d, classes), te = clustered(r, m, d, classes);
        float[] bank = (float[]) tr[0], q = (float[]) te[0];
        int[] labels = (int[]) tr[1], qLabels = (int[]) te[1];
        Tensor tb = Tensor.of(bank, n, d), tq = Tensor.of(q, m, d);
        int[] ref = reference(bank, labels, q, n, m, d, 20, 0.1, classes);
        for (int chunk : new int[] {1, 7, 300, Knn.DEFAULT_CHUNK}) {
            assertArrayEquals(ref, Knn.predict(tb, labels, tq, 20, 0.1, classes, chunk, Device.CPU), "chunk=" + chunk);
        }
        long correct = 0;
        for (int i = 0; i < ref.length; i++) if (ref[i] == qLabels[i]) correct++;
        assertEquals((double) correct / ref.length, Knn.accuracy(tb, labels, tq, qLabels, 20, 0.1, classes), 1e-12);
    }

    @Test
    void kLargerThanTheBankUsesAll() {
        Random r = new Random(8);
        int n = 30, m = 10, d = 5, classes = 3;
        Object[] tr = clustered(r, n, d, classes), te = clustered(r, m, d, classes);
        int[] ref = reference((float[]) tr[0], (int[]) tr[1], (float[]) te[0], n, m, d, 30, 0.5, classes);
        assertArrayEquals(ref, Knn.predict(Tensor.of((float[]) tr[0], n, d), (int[]) tr[1], Tensor.of((float[]) te[0], m, d), 200, 0.5, classes, 7));
    }

    /** The quickselect behind the top-k, on arrays with many ties, against a sort. */
    @Test
    void selectFindsEveryOrderStatistic() {
        Random r = new Random(2);
        for (int trial = 0; trial < 50; trial++) {
            float[] a = new float[1 + r.nextInt(40)];
            for (int i = 0; i < a.length; i++) a[i] = r.nextInt(6);
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            for (int want = 0; want < a.length; want++) assertEquals(sorted[want], Knn.select(a.clone(), want), 0f);
        }
    }

    @Test
    void badInput() {
        Tensor b = Tensor.ones(4, 2);
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[3], b, 1, 0.1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[] {0, 1, 2, 1}, b, 1, 0.1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[4], Tensor.ones(4, 3), 1, 0.1, 2, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[4], b, 0, 0.1, 2, 10));
        assertTrue(e.getMessage().contains("k"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[4], b, 1, 0.0, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Knn.accuracy(b, new int[4], b, new int[3], 1, 0.1, 2));
    }
}
