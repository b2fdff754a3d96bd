package sslj.ssl.eval;

import java.util.stream.IntStream;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * Weighted k-nearest-neighbour classification on cosine similarity, the protocol of InstDisc (Wu et
 * al. 2018, section 3.4) that lightly and solo-learn use as their kNN monitor (DESIGN.md section 6:
 * k = 200, τ = 0.1): train and test features are L2-normalised; each test feature's k most similar
 * training features vote for their class with weight exp(s_i / τ); the class with the largest total
 * wins.
 *
 * <p>Streaming: test features are taken a chunk at a time, so memory holds one chunk × N_train
 * similarity block ({@link #CHUNK_ELEMENTS} numbers at most), never N_test × N_train.
 *
 * <p>(sslj.ssl.train.Knn, being written for the kNN monitor, computes the same thing; one of the two
 * should go once both are merged.)
 */
public final class WeightedKnn {
    /** Largest similarity block held at once: 16M floats = 64 MB. */
    public static final long CHUNK_ELEMENTS = 1L << 24;

    private WeightedKnn() { }

    /** Top-1 accuracy of weighted kNN of {@code test} against {@code train}. */
    public static double accuracy(Features train, Features test, int k, double temperature, Device device) {
        int[] pred = predict(train, test.x(), k, temperature, device);
        long correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == test.labels()[i]) correct++;
        return (double) correct / pred.length;
    }

    /** The predicted class of each row of {@code queries} [M, D]. */
    public static int[] predict(Features train, Tensor queries, int k, double temperature, Device device) {
        return predict(train, queries, k, temperature, device, CHUNK_ELEMENTS);
    }

    /** {@link #predict}, holding at most {@code chunkElements} similarities at once (at least one query row). */
    @SuppressWarnings("try")
    public static int[] predict(Features train, Tensor queries, int k, double temperature, Device device, long chunkElements) {
        if (k < 1) throw new IllegalArgumentException("kNN: k must be >= 1, got " + k);
        if (!(temperature > 0)) throw new IllegalArgumentException("kNN: temperature must be > 0, got " + temperature);
        if (queries.size(1) != train.dim()) {
            throw new IllegalArgumentException("kNN: query features have " + queries.size(1) + " dimensions, training features " + train.dim());
        }
        int n = train.size(), m = queries.size(0), kk = Math.min(k, n), classes = train.numClasses();
        int chunk = (int) Math.max(1, Math.min(m, chunkElements / n));
        int[] labels = train.labels(), pred = new int[m];
        try (TensorScope whole = TensorScope.open()) {                      // frees the normalised bank at the end
            Tensor bankT = train.x().to(device).l2Normalize(1).t().contiguous();   // [D, N], normalised once
            for (int start = 0; start < m; start += chunk) {
                int rows = Math.min(chunk, m - start);
                float[] sim;
                try (TensorScope scope = TensorScope.open()) {
                    sim = queries.narrow(0, start, rows).to(device).l2Normalize(1).matmul(bankT).toFloatArray();   // [rows, N]
                }
                int base = start;
                IntStream.range(0, rows).parallel().forEach(r -> pred[base + r] = voteRow(sim, r * n, n, kk, labels, classes, temperature));
            }
        }
        return pred;
    }

    /**
     * The class with the largest Σ exp(s_i / τ) over the k most similar of the n similarities at
     * {@code sim[off .. off + n)}: the k-th largest by quickselect (O(n), no full sort), then every
     * similarity above it and as many equal to it as fill k.
     */
    static int voteRow(float[] sim, int off, int n, int k, int[] labels, int classes, double temperature) {
        float[] row = java.util.Arrays.copyOfRange(sim, off, off + n);
        float kth = select(row, n - k);                          // ascending order statistic n − k = k-th largest
        double[] votes = new double[classes];
        int above = 0;
        for (int i = 0; i < n; i++) {
            float s = sim[off + i];
            if (s > kth) {
                votes[labels[i]] += Math.exp(s / temperature);
                above++;
            }
        }
        for (int i = 0; i < n && above < k; i++) {
            if (sim[off + i] == kth) {
                votes[labels[i]] += Math.exp(kth / temperature);
                above++;
            }
        }
        int best = 0;
        for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
        return best;
    }

    /** The value that would sit at index {@code want} of {@code a} sorted ascending (Hoare's quickselect; reorders a). */
    static float select(float[] a, int want) {
        int lo = 0, hi = a.length - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (want <= j) hi = j;
            else if (want >= i) lo = i;
            else return a[want];
        }
        return a[want];
    }
}
