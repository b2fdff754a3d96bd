package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Weighted kNN against a brute-force double reference; the streaming path against the one-shot path. */
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
        assertEquals(Knn.accuracy(bank, labels, q, qLabels, 200, 0.1, classes, n), Knn.accuracy(bank, labels, q, qLabels, 200, 0.1, classes));
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

    @Test
    void badInput() {
        Tensor b = Tensor.ones(4, 2);
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[3], b, 1, 0.1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[] {0, 1, 2, 1}, b, 1, 0.1, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[4], Tensor.ones(4, 3), 1, 0.1, 2, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Knn.predict(b, new int[4], b, 0, 0.1, 2, 10));
        assertTrue(e.getMessage().contains("k"), e.getMessage());
    }
}
