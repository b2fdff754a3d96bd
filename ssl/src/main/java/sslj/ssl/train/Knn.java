package sslj.ssl.train;

import java.util.Arrays;
import java.util.stream.IntStream;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * Weighted k-nearest-neighbour classification of frozen features: the protocol of instance
 * discrimination (Wu, Xiong, Yu and Lin 2018, "Unsupervised Feature Learning via Non-Parametric
 * Instance Discrimination", §3.4), which lightly's and solo-learn's kNN callbacks use with k = 200
 * and τ = 0.1 (DESIGN.md section 6). The one implementation behind the per-epoch
 * {@link KnnMonitor} and the frozen evaluation ({@code sslj.ssl.eval.FrozenEvaluation}):
 * <pre>
 *   s_ij = q_i·b_j               cosine similarity: query and bank rows L2-normalised
 *   N_i = the k largest s_ij     (k = 200; all of the bank when it has fewer rows)
 *   score_i(c) = Σ_{j ∈ N_i, label_j = c} exp(s_ij / τ)     τ = 0.1
 *   prediction_i = argmax_c score_i(c)                      (ties: the smaller class index)
 * </pre>
 *
 * <p><b>Streaming.</b> Queries are taken {@link #QUERY_BLOCK} rows at a time and the bank
 * {@code chunk} rows at a time: the similarity block [block, chunk] is a tensor matmul on the chosen
 * device, copied to the host, and merged into each query's running top-k. Memory is
 * O(block·(k + chunk)), never queries × bank.
 *
 * <p><b>Selection.</b> The running top-k is kept on the host per query row (rows in parallel): a
 * chunk's similarities that beat the current k-th largest are appended to the row's candidates and
 * {@link #select quickselect} finds the new k-th largest in O(k + chunk), no sort. (This replaced a
 * {@code Tensor.topk} per chunk plus a top-k merge; the quickselect is about 13× faster on CPU.)
 *
 * <p><b>Ties.</b> Among equal similarities the earlier bank row wins: candidates are kept in bank
 * order, and of the values equal to the k-th largest the first ones are kept. The result is therefore
 * the same for every chunk size, and equals sorting by (similarity descending, bank row ascending).
 */
public final class Knn {
    public static final int DEFAULT_K = 200;
    public static final double DEFAULT_TAU = 0.1;
    /** Bank rows per chunk and query rows per block. */
    public static final int DEFAULT_CHUNK = 4096, QUERY_BLOCK = 512;

    private Knn() { }

    /** Top-1 accuracy of the weighted kNN prediction of {@code queries} against the bank, computed on the bank's device. */
    public static double accuracy(Tensor bank, int[] bankLabels, Tensor queries, int[] queryLabels, int k, double tau, int classes) {
        return accuracy(bank, bankLabels, queries, queryLabels, k, tau, classes, DEFAULT_CHUNK, bank.device());
    }

    /** {@link #accuracy(Tensor, int[], Tensor, int[], int, double, int)} with bank chunks of {@code chunk} rows, similarities on {@code device}. */
    public static double accuracy(Tensor bank, int[] bankLabels, Tensor queries, int[] queryLabels, int k, double tau, int classes, int chunk, Device device) {
        if (queryLabels.length != queries.size(0)) throw new IllegalArgumentException("Knn: " + queries.size(0) + " query features but " + queryLabels.length + " labels");
        int[] pred = predict(bank, bankLabels, queries, k, tau, classes, chunk, device);
        long correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == queryLabels[i]) correct++;
        return (double) correct / pred.length;
    }

    /** {@link #predict(Tensor, int[], Tensor, int, double, int, int, Device)} on the bank's device. */
    public static int[] predict(Tensor bank, int[] bankLabels, Tensor queries, int k, double tau, int classes, int chunk) {
        return predict(bank, bankLabels, queries, k, tau, classes, chunk, bank.device());
    }

    /**
     * The predicted class of every query row. Features need not be normalised (this normalises them);
     * they may live on any device and are copied to {@code device} a block at a time, and every tensor
     * made here is released before returning.
     */
    @SuppressWarnings("try")
    public static int[] predict(Tensor bank, int[] bankLabels, Tensor queries, int k, double tau, int classes, int chunk, Device device) {
        check(bank, bankLabels, queries, k, tau, classes, chunk);
        int n = bank.size(0), q = queries.size(0), kk = Math.min(k, n);
        int[] pred = new int[q];
        try (TensorScope whole = TensorScope.open()) {                          // frees the normalised bank at the end
            Tensor b = bank.to(device).l2Normalize(1);                           // [N, F], normalised once
            for (int start = 0; start < q; start += QUERY_BLOCK) {
                int rows = Math.min(QUERY_BLOCK, q - start);
                TopK[] top = new TopK[rows];
                for (int r = 0; r < rows; r++) top[r] = new TopK(kk, Math.min(chunk, n));
                try (TensorScope block = TensorScope.open()) {
                    Tensor query = queries.narrow(0, start, rows).to(device).l2Normalize(1);
                    for (int s = 0; s < n; s += chunk) {
                        int c = Math.min(chunk, n - s), from = s;
                        float[] sim;
                        try (TensorScope step = TensorScope.open()) {
                            sim = query.matmul(b.narrow(0, s, c).t()).toFloatArray();   // [rows, c]
                        }
                        IntStream.range(0, rows).parallel().forEach(r -> top[r].offer(sim, r * c, c, from));
                    }
                }
                int base = start;
                IntStream.range(0, rows).parallel().forEach(r -> pred[base + r] = top[r].vote(bankLabels, tau, classes));
            }
        }
        return pred;
    }

    /**
     * The running k largest similarities of one query row and their bank rows, kept in bank order.
     * {@link #offer} appends a chunk's similarities that beat the current k-th largest and, once more
     * than k are held, cuts back to k with {@link Knn#select}.
     */
    private static final class TopK {
        private final int k;
        private final float[] val, scratch;
        private final int[] row;
        private int size;

        TopK(int k, int chunk) {
            this.k = k;
            val = new float[k + chunk];
            scratch = new float[k + chunk];
            row = new int[k + chunk];
        }

        /** Merges {@code sim[off .. off + c)}, the similarities to bank rows {@code from .. from + c). */
        void offer(float[] sim, int off, int c, int from) {
            // when k are held, a later row must beat the k-th largest: an equal one loses to the earlier row
            float floor = size == k ? kth() : Float.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                float s = sim[off + i];
                if (size < k || s > floor) {
                    val[size] = s;
                    row[size++] = from + i;
                }
            }
            if (size > k) cut();
        }

        /** Keeps the k largest, in bank order: all above the k-th largest, then the earliest equal to it. */
        private void cut() {
            System.arraycopy(val, 0, scratch, 0, size);
            float kth = select(scratch, size, size - k);                   // ascending order statistic size − k
            int above = 0;
            for (int i = 0; i < size; i++) if (val[i] > kth) above++;
            int equal = k - above, kept = 0;
            for (int i = 0; i < size; i++) {
                if (val[i] > kth || (val[i] == kth && equal-- > 0)) {
                    val[kept] = val[i];
                    row[kept++] = row[i];
                }
            }
            size = kept;
        }

        private float kth() {
            float m = Float.POSITIVE_INFINITY;
            for (int i = 0; i < size; i++) m = Math.min(m, val[i]);
            return m;
        }

        /** Sums exp(s/τ) per class over the neighbours (double precision) and takes the best class. */
        int vote(int[] labels, double tau, int classes) {
            double[] score = new double[classes];
            for (int i = 0; i < size; i++) score[labels[row[i]]] += Math.exp(val[i] / tau);
            int best = 0;
            for (int c = 1; c < classes; c++) if (score[c] > score[best]) best = c;
            return best;
        }
    }

    /** The value that would sit at index {@code want} of {@code a} sorted ascending (Hoare's quickselect; reorders a). */
    static float select(float[] a, int want) {
        return select(a, a.length, want);
    }

    /** {@link #select(float[], int)} on the first {@code length} elements of {@code a}. */
    static float select(float[] a, int length, int want) {
        int lo = 0, hi = length - 1;
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

    private static void check(Tensor bank, int[] bankLabels, Tensor queries, int k, double tau, int classes, int chunk) {
        if (bank.dim() != 2 || queries.dim() != 2 || bank.size(1) != queries.size(1)) {
            throw new IllegalArgumentException("Knn: bank and queries must be [N, F] and [Q, F], got " + Arrays.toString(bank.shape()) + " and " + Arrays.toString(queries.shape()));
        }
        if (bank.size(0) == 0) throw new IllegalArgumentException("Knn: the feature bank is empty");
        if (bankLabels.length != bank.size(0)) throw new IllegalArgumentException("Knn: " + bank.size(0) + " bank features but " + bankLabels.length + " labels");
        if (k < 1 || chunk < 1 || classes < 1) throw new IllegalArgumentException("Knn: k, chunk and classes must be >= 1, got " + k + ", " + chunk + ", " + classes);
        if (!(tau > 0)) throw new IllegalArgumentException("Knn: tau must be > 0, got " + tau);
        for (int l : bankLabels) if (l < 0 || l >= classes) throw new IllegalArgumentException("Knn: bank label " + l + " outside [0, " + classes + ")");
    }
}
