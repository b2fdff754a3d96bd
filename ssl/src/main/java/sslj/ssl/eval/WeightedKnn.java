package sslj.ssl.eval;

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
                float[] sim, idx;
                try (TensorScope scope = TensorScope.open()) {
                    Tensor q = queries.narrow(0, start, rows).to(device).l2Normalize(1);
                    Tensor.TopK top = q.matmul(bankT).topk(kk, 1, true);             // [rows, k], most similar first
                    sim = top.values().toFloatArray();
                    idx = top.indices().toFloatArray();
                }
                for (int r = 0; r < rows; r++) pred[start + r] = vote(sim, idx, r * kk, kk, labels, classes, temperature);
            }
        }
        return pred;
    }

    /** The class with the largest Σ exp(s_i / τ) over the k neighbours at {@code off .. off + k}. */
    static int vote(float[] sim, float[] idx, int off, int k, int[] labels, int classes, double temperature) {
        double[] votes = new double[classes];
        for (int j = 0; j < k; j++) votes[labels[(int) idx[off + j]]] += Math.exp(sim[off + j] / temperature);
        int best = 0;
        for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
        return best;
    }
}
