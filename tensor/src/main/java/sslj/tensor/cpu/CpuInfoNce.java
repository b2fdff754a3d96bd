package sslj.tensor.cpu;

import sslj.tensor.Tensor;

/**
 * The fused InfoNCE losses on the CPU (DESIGN.md §4): the queue form of MoCo v1/v2 and the in-batch
 * form of MoCo v3 / CLIP. Both are built from two passes over "rows a against keys b", tiled like the
 * GPU kernels: keys stream through a packed tile of {@link #TILE} rows, each row keeps a running max
 * and sum (online log-sum-exp), and the N×K (or N×N) logits are never stored; memory is O(N·D) plus
 * one tile per thread. Threads split the rows; each row's arithmetic does not depend on the split, so
 * results are the same bits for any thread count.
 *
 * <ul>
 *   <li>{@link #rowLse}: LSE_i = log( [exp(seed_i)] + Σ_j exp(s·a_i·b_j) ).</li>
 *   <li>{@link #gradPass}: out_i = Σ_j G_ij b_j and Σ_j G_ij a_i·b_j, with
 *       G_ij = wOwn·exp(s·a_i·b_j − lseOwn_i) + wOther·exp(s·a_i·b_j − lseOther_j) − wDiag·[i = j].</li>
 * </ul>
 * Queue form: a = q, b = queue, the positive q_i·k_i enters as the seed (forward) and as an extra term
 * (backward). In-batch form: rows of q against k for the row LSEs and dq, rows of k against q for the
 * column LSEs and dk (the column pass, as Inf-CL does), so no pass ever needs atomics.
 */
final class CpuInfoNce {
    /** Keys per tile: 256 × D floats (128 KiB at D = 128) stay in L2 while every row visits them. */
    static final int TILE = 256;
    private static final int ROWS = 4;

    private CpuInfoNce() { }

    /** A contiguous row-major matrix view: rows·cols floats from off. */
    private record Mat(float[] data, int off, int rows, int cols) {
        static Mat of(Tensor t) {
            Tensor c = t.isContiguous() ? t : t.contiguous();
            return new Mat(Strided.data(c), c.offset(), c.size(0), c.size(1));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Queue form (MoCo v1/v2)
    // ---------------------------------------------------------------------------------------------

    /** {loss [], lse [N]}: loss = (1/N) Σ_i [LSE_i − q_i·k_i/τ], logits [q_i·k_i, q_i·queue_j]/τ. */
    static Tensor[] queueForward(Tensor q, Tensor k, Tensor queue, float tau) {
        Mat mq = Mat.of(q), mk = Mat.of(k), mb = Mat.of(queue);
        float s = 1f / tau;
        float[] pos = positives(mq, mk);
        float[] seed = new float[pos.length];
        for (int i = 0; i < seed.length; i++) seed[i] = s * pos[i];
        float[] lse = rowLse(mq, mb, s, seed);
        double sum = 0;
        for (int i = 0; i < lse.length; i++) sum += (double) lse[i] - seed[i];
        return new Tensor[] {Tensor.scalar((float) (sum / lse.length)), Tensor.of(lse, lse.length)};
    }

    /** dq = gradScale/(N τ) · [ (P_i0 − 1) k_i + Σ_j P_ij queue_j ], P recomputed from the saved LSE. */
    static Tensor queueBackward(Tensor q, Tensor k, Tensor queue, Tensor lse, float tau, float gradScale) {
        Mat mq = Mat.of(q), mk = Mat.of(k), mb = Mat.of(queue);
        int n = mq.rows, d = mq.cols;
        float s = 1f / tau, w = 1f / n;
        float[] l = lse.toFloatArray(), pos = positives(mq, mk), out = new float[n * d];
        gradPass(mq, mb, s, l, w, null, 0f, 0f, out, null);
        float[] kd = mk.data;
        CpuParallel.forRange(n, 16, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float c = w * ((float) Math.exp(s * pos[i] - l[i]) - 1f), f = s * gradScale;
                for (int p = 0; p < d; p++) out[i * d + p] = f * Math.fma(c, kd[mk.off + i * d + p], out[i * d + p]);
            }
        });
        return Tensor.of(out, n, d);
    }

    private static float[] positives(Mat q, Mat k) {
        float[] pos = new float[q.rows];
        for (int i = 0; i < q.rows; i++) pos[i] = InfoNceTiles.INSTANCE.dot(q.data, q.off + i * q.cols, k.data, k.off + i * q.cols, q.cols);
        return pos;
    }

    // ---------------------------------------------------------------------------------------------
    // In-batch form (MoCo v3, CLIP): z_ij = s·q_i·k_j, labels on the diagonal
    // ---------------------------------------------------------------------------------------------

    /**
     * {loss [], lseRow [N], lseCol [N] (or [0] when one-sided)}:
     * symmetric loss = ½(1/N) Σ_i [LSE_row_i − z_ii] + ½(1/N) Σ_j [LSE_col_j − z_jj]; one-sided the first sum with weight 1.
     */
    static Tensor[] inBatchForward(Tensor q, Tensor k, float scale, boolean symmetric) {
        Mat mq = Mat.of(q), mk = Mat.of(k);
        int n = mq.rows;
        float[] diag = positives(mq, mk);
        float[] lseRow = rowLse(mq, mk, scale, null);
        float[] lseCol = symmetric ? rowLse(mk, mq, scale, null) : new float[0];
        double rows = 0, cols = 0;
        for (int i = 0; i < n; i++) {
            rows += (double) lseRow[i] - scale * diag[i];
            if (symmetric) cols += (double) lseCol[i] - scale * diag[i];
        }
        double loss = symmetric ? 0.5 * (rows + cols) / n : rows / n;
        return new Tensor[] {Tensor.scalar((float) loss), Tensor.of(lseRow, n), Tensor.of(lseCol, lseCol.length)};
    }

    /** {dq [N, D], dk [N, D], dScale []}, each times gradScale; see the class comment for G. */
    static Tensor[] inBatchBackward(Tensor q, Tensor k, Tensor lseRow, Tensor lseCol, float scale, boolean symmetric, float gradScale) {
        Mat mq = Mat.of(q), mk = Mat.of(k);
        int n = mq.rows, d = mq.cols;
        float wr = symmetric ? 0.5f / n : 1f / n, wc = symmetric ? 0.5f / n : 0f;
        float[] lr = lseRow.toFloatArray(), lc = symmetric ? lseCol.toFloatArray() : null;
        float[] dq = new float[n * d], dk = new float[n * d];
        double[] dsRow = new double[n];
        gradPass(mq, mk, scale, lr, wr, lc, wc, wr + wc, dq, dsRow);   // row pass: dq and the scale gradient
        // Column pass, rows of k against keys q: G_ji = wc (P^col − δ) [own, keyed by j] + wr (P^row − δ) [keyed by the key i].
        gradPass(mk, mq, scale, lc, wc, lr, wr, wr + wc, dk, null);
        double ds = 0;
        for (double v : dsRow) ds += v;
        float f = scale * gradScale;
        for (int i = 0; i < dq.length; i++) { dq[i] *= f; dk[i] *= f; }
        return new Tensor[] {Tensor.of(dq, n, d), Tensor.of(dk, n, d), Tensor.scalar((float) (ds * gradScale))};
    }

    // ---------------------------------------------------------------------------------------------
    // The two passes
    // ---------------------------------------------------------------------------------------------

    /** LSE_i = log( [exp(seed_i)] + Σ_j exp(s·a_i·b_j) ) by an online max and sum per row. */
    static float[] rowLse(Mat a, Mat b, float s, float[] seed) {
        int n = a.rows, d = a.cols, kk = b.rows;
        float[] lse = new float[n];
        InfoNceTiles t = InfoNceTiles.INSTANCE;
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] bt = new float[d * padded(Math.min(TILE, kk))];
            float[] sc = new float[ROWS * TILE];
            int rows = hi - lo;
            float[] m = new float[rows], sum = new float[rows];
            for (int r = 0; r < rows; r++) {
                m[r] = seed == null ? Float.NEGATIVE_INFINITY : seed[lo + r];
                sum[r] = seed == null ? 0f : 1f;
            }
            for (int j0 = 0; j0 < kk; j0 += TILE) {
                int tw = Math.min(TILE, kk - j0), tp = pack(b, j0, tw, bt);
                for (int r0 = lo; r0 < hi; r0 += ROWS) {
                    int nr = Math.min(ROWS, hi - r0);
                    t.scores(a.data, a.off + r0 * d, nr, d, bt, tp, sc);
                    for (int r = 0; r < nr; r++) {
                        int ri = r0 - lo + r;
                        float tileMax = s * t.max(sc, r * tp, tw);   // s > 0: max of s·x is s·max x
                        float mNew = Math.max(m[ri], tileMax);
                        float rescale = m[ri] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[ri] - mNew);
                        sum[ri] = sum[ri] * rescale + t.expSum(sc, r * tp, tw, s, mNew);
                        m[ri] = mNew;
                    }
                }
            }
            for (int r = 0; r < rows; r++) lse[lo + r] = m[r] + (float) Math.log(sum[r]);
        });
        return lse;
    }

    /**
     * out_i += Σ_j G_ij b_j and dsRow_i = Σ_j G_ij a_i·b_j (when dsRow is non-null), with
     * G_ij = wOwn·exp(s·a_i·b_j − lseOwn_i) [when lseOwn non-null] + wOther·exp(s·a_i·b_j − lseOther_j)
     * [when lseOther non-null] − wDiag·[i = j]. out is [a.rows · d], zero or partly summed.
     */
    static void gradPass(Mat a, Mat b, float s, float[] lseOwn, float wOwn, float[] lseOther, float wOther, float wDiag,
                         float[] out, double[] dsRow) {
        int n = a.rows, d = a.cols, kk = b.rows;
        InfoNceTiles t = InfoNceTiles.INSTANCE;
        boolean diag = wDiag != 0f;
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] bt = new float[d * padded(Math.min(TILE, kk))];
            float[] sc = new float[ROWS * TILE], g = new float[ROWS * TILE];
            for (int j0 = 0; j0 < kk; j0 += TILE) {
                int tw = Math.min(TILE, kk - j0), tp = pack(b, j0, tw, bt);
                for (int r0 = lo; r0 < hi; r0 += ROWS) {
                    int nr = Math.min(ROWS, hi - r0);
                    t.scores(a.data, a.off + r0 * d, nr, d, bt, tp, sc);
                    for (int r = 0; r < nr; r++) {
                        int i = r0 + r;
                        t.probs(sc, r * tp, tw, s, lseOwn == null ? 0f : lseOwn[i], lseOwn == null ? 0f : wOwn, lseOther, j0, wOther, g, r * TILE);
                        if (diag && i >= j0 && i < j0 + tw) g[r * TILE + i - j0] -= wDiag;
                        if (dsRow != null) dsRow[i] += t.dot(g, r * TILE, sc, r * tp, tw);
                    }
                    t.accumulate(g, TILE, nr, b.data, b.off + j0 * d, tw, d, out, r0 * d);
                }
            }
        });
    }

    private static int padded(int w) { return (w + InfoNceTiles.PAD - 1) / InfoNceTiles.PAD * InfoNceTiles.PAD; }

    /** Packs keys j0..j0+tw of b transposed into bt (width padded with zeros); returns the padded width. */
    private static int pack(Mat b, int j0, int tw, float[] bt) {
        int d = b.cols, tp = padded(tw);
        float[] src = b.data;
        for (int j = 0; j < tw; j++) {
            int so = b.off + (j0 + j) * d;
            for (int p = 0; p < d; p++) bt[p * tp + j] = src[so + p];
        }
        for (int p = 0; p < d; p++) java.util.Arrays.fill(bt, p * tp + tw, p * tp + tp, 0f);
        return tp;
    }
}
