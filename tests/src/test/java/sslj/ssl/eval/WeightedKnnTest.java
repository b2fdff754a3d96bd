package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/** Streaming weighted kNN against a brute-force double-precision computation. */
class WeightedKnnTest {

    private static Features random(Random r, int n, int d, int classes) {
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (r.nextGaussian() + (j % classes == y[i] ? 1.0 : 0.0));
        }
        return new Features(Tensor.of(x, n, d), y, classes);
    }

    /** Full similarity matrix, sort, exp(s/t) votes: the definition, in doubles. */
    private static int[] bruteForce(Features train, Features test, int k, double t) {
        int n = train.size(), m = test.size(), d = train.dim();
        float[] a = train.x().toFloatArray(), q = test.x().toFloatArray();
        int[] pred = new int[m];
        for (int i = 0; i < m; i++) {
            double qn = 0;
            for (int j = 0; j < d; j++) qn += (double) q[i * d + j] * q[i * d + j];
            Integer[] order = new Integer[n];
            double[] s = new double[n];
            for (int p = 0; p < n; p++) {
                double dot = 0, an = 0;
                for (int j = 0; j < d; j++) {
                    dot += (double) q[i * d + j] * a[p * d + j];
                    an += (double) a[p * d + j] * a[p * d + j];
                }
                s[p] = dot / Math.sqrt(qn * an);
                order[p] = p;
            }
            java.util.Arrays.sort(order, (u, v) -> Double.compare(s[v], s[u]));
            double[] votes = new double[train.numClasses()];
            for (int j = 0; j < Math.min(k, n); j++) votes[train.labels()[order[j]]] += Math.exp(s[order[j]] / t);
            int best = 0;
            for (int c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
            pred[i] = best;
        }
        return pred;
    }

    @Test
    void matchesBruteForceInOneChunkAndInMany() {
        Random r = new Random(5);
        Features train = random(r, 300, 8, 4), test = random(r, 53, 8, 4);
        int[] ref = bruteForce(train, test, 20, 0.1);
        assertArrayEquals(ref, WeightedKnn.predict(train, test.x(), 20, 0.1, Device.CPU));
        assertArrayEquals(ref, WeightedKnn.predict(train, test.x(), 20, 0.1, Device.CPU, 7 * 300));   // 8 chunks, the last of 4 rows
        assertArrayEquals(ref, WeightedKnn.predict(train, test.x(), 20, 0.1, Device.CPU, 1));         // one row at a time
        long correct = 0;
        for (int i = 0; i < ref.length; i++) if (ref[i] == test.labels()[i]) correct++;
        assertEquals((double) correct / ref.length, WeightedKnn.accuracy(train, test, 20, 0.1, Device.CPU), 1e-12);
    }

    @Test
    void kLargerThanTheTrainingSetUsesAll() {
        Random r = new Random(8);
        Features train = random(r, 30, 5, 3), test = random(r, 10, 5, 3);
        assertArrayEquals(bruteForce(train, test, 30, 0.5), WeightedKnn.predict(train, test.x(), 200, 0.5, Device.CPU));
    }

    /** The quickselect behind the top-k, on arrays with many ties, against a sort. */
    @Test
    void selectFindsEveryOrderStatistic() {
        Random r = new Random(2);
        for (int trial = 0; trial < 50; trial++) {
            float[] a = new float[1 + r.nextInt(40)];
            for (int i = 0; i < a.length; i++) a[i] = r.nextInt(6);
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            for (int want = 0; want < a.length; want++) assertEquals(sorted[want], WeightedKnn.select(a.clone(), want), 0f);
        }
    }

    @Test
    void badArgumentsAreRefused() {
        Random r = new Random(1);
        Features train = random(r, 10, 4, 2), other = random(r, 3, 5, 2);
        assertThrows(IllegalArgumentException.class, () -> WeightedKnn.predict(train, train.x(), 0, 0.1, Device.CPU));
        assertThrows(IllegalArgumentException.class, () -> WeightedKnn.predict(train, other.x(), 5, 0.1, Device.CPU));
    }
}
