package sslj.ssl.train;

import java.util.Arrays;
import sslj.tensor.Tensor;

/**
 * Weighted k-nearest-neighbour classification of features, the monitor of instance discrimination
 * (Wu, Xiong, Yu and Lin 2018, "Unsupervised Feature Learning via Non-Parametric Instance
 * Discrimination", §3.4; the same protocol as lightly's and solo-learn's kNN callbacks):
 * <pre>
 *   s_ij = q_i·b_j               cosine similarity: query and bank rows L2-normalised
 *   N_i = the k largest s_ij     (k = 200; all of the bank when it has fewer rows)
 *   score_i(c) = Σ_{j ∈ N_i, label_j = c} exp(s_ij / τ)     τ = 0.1
 *   prediction_i = argmax_c score_i(c)                      (ties: the smaller class index)
 * </pre>
 * The bank is streamed in chunks: per block of query rows a running top-k (values and labels) is
 * merged with each chunk's top-k, so memory is O(queries·k + block·chunk), never queries × bank.
 * Among equal similarities the earlier bank row wins (the sort is stable and the running list comes
 * before the chunk in each merge), so the streaming result equals the one-shot one exactly.
 */
public final class Knn {
    public static final int DEFAULT_K = 200;
    public static final double DEFAULT_TAU = 0.1;
    /** Bank rows per chunk and query rows per block. */
    public static final int DEFAULT_CHUNK = 4096, QUERY_BLOCK = 512;

    private Knn() { }

    /** Top-1 accuracy of the weighted kNN prediction of {@code testFeats} against the bank {@code trainFeats}. */
    public static double accuracy(Tensor trainFeats, int[] trainLabels, Tensor testFeats, int[] testLabels, int k, double tau, int classes) {
        return accuracy(trainFeats, trainLabels, testFeats, testLabels, k, tau, classes, DEFAULT_CHUNK);
    }

    /** {@link #accuracy(Tensor, int[], Tensor, int[], int, double, int)} with bank chunks of {@code chunk} rows. */
    public static double accuracy(Tensor trainFeats, int[] trainLabels, Tensor testFeats, int[] testLabels, int k, double tau, int classes, int chunk) {
        if (testLabels.length != testFeats.size(0)) throw new IllegalArgumentException("Knn: " + testFeats.size(0) + " test features but " + testLabels.length + " labels");
        int[] pred = predict(trainFeats, trainLabels, testFeats, k, tau, classes, chunk);
        int correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == testLabels[i]) correct++;
        return (double) correct / pred.length;
    }

    /** The predicted class of every query row. Features need not be normalised (this normalises them). */
    public static int[] predict(Tensor bank, int[] bankLabels, Tensor queries, int k, double tau, int classes, int chunk) {
        check(bank, bankLabels, queries, k, tau, classes, chunk);
        int n = bank.size(0), q = queries.size(0), kk = Math.min(k, n);
        Tensor b = bank.l2Normalize(1), labels = labelTensor(bankLabels).to(bank.device());
        int[] pred = new int[q];
        for (int start = 0; start < q; start += QUERY_BLOCK) {
            int rows = Math.min(QUERY_BLOCK, q - start);
            Tensor query = queries.narrow(0, start, rows).l2Normalize(1);
            Tensor[] top = topK(query, b, labels, kk, chunk);
            vote(top[0].toFloatArray(), top[1].toFloatArray(), rows, kk, tau, classes, pred, start);
        }
        return pred;
    }

    /** The running top-k over the bank of one query block: {values [rows, kk], labels [rows, kk]}. */
    private static Tensor[] topK(Tensor query, Tensor bank, Tensor labels, int kk, int chunk) {
        int n = bank.size(0), rows = query.size(0);
        Tensor vals = null, labs = null;
        for (int s = 0; s < n; s += chunk) {
            int c = Math.min(chunk, n - s);
            Tensor sim = query.matmul(bank.narrow(0, s, c).t());                 // [rows, c]
            Tensor.TopK t = sim.topk(Math.min(kk, c), 1, true);
            Tensor chunkLabels = labels.narrow(0, s, c).reshape(1, c).expand(rows, c).contiguous().gather(1, t.indices());
            if (vals == null) {
                vals = t.values();
                labs = chunkLabels;
                continue;
            }
            // merge: the running list first, so that among equal values the earlier bank row stays ahead
            Tensor catVals = Tensor.cat(1, vals, t.values()), catLabs = Tensor.cat(1, labs, chunkLabels);
            Tensor.TopK m = catVals.topk(Math.min(kk, catVals.size(1)), 1, true);
            vals = m.values();
            labs = catLabs.gather(1, m.indices());
        }
        return new Tensor[] {vals, labs};
    }

    /** Sums exp(s/τ) per class over each row's neighbours and takes the best class (double precision). */
    private static void vote(float[] vals, float[] labs, int rows, int kk, double tau, int classes, int[] pred, int offset) {
        double[] score = new double[classes];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(score, 0);
            for (int j = 0; j < kk; j++) score[(int) labs[r * kk + j]] += Math.exp(vals[r * kk + j] / tau);
            int best = 0;
            for (int c = 1; c < classes; c++) if (score[c] > score[best]) best = c;
            pred[offset + r] = best;
        }
    }

    private static Tensor labelTensor(int[] labels) {
        float[] f = new float[labels.length];
        for (int i = 0; i < labels.length; i++) f[i] = labels[i];
        return Tensor.of(f, labels.length);
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
