package sslj.tensor.cpu;

import sslj.tensor.Tensor;

/**
 * The fused InfoNCE losses on the CPU (DESIGN.md §4): the queue form of MoCo v1/v2 and the in-batch
 * form of MoCo v3 / CLIP. Both are built from two passes over "rows a against keys b", tiled like the
 * GPU kernels: keys stream through a packed tile of {@link #TILE} rows, each row keeps a running max
 * and sum (online log-sum-exp), and the N×K (or N×N) logits are never stored. The keys are split into
 * at most 8 chunks of whole tiles (fixed by K, see {@link Split}); threads take (chunk, row group)
 * tasks, each chunk keeps partial (max, sum) or partial gradient rows, and the partials are merged in
 * chunk order, so the results are the same bits for any thread count. Memory: O(N·D) (at most 8 partial
 * gradients) plus one packed tile per thread.
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

    /**
     * How the work of one pass is split: the keys into {@code chunks} contiguous runs of whole tiles
     * (at most {@link #MAX_CHUNKS}, fixed by K alone) and the rows into {@code groups} (enough to keep
     * every thread busy when there are few chunks). A task is one (chunk, row group); each chunk keeps its
     * own partial results, merged afterwards in chunk order, so the bits depend on K only, never on the
     * thread count. Every thread packs only the tiles of its own chunks.
     */
    private record Split(int tiles, int chunks, int groups) {
        static Split of(int n, int kk) {
            int tiles = (kk + TILE - 1) / TILE, chunks = Math.min(MAX_CHUNKS, tiles);
            int rowBlocks = (n + ROWS - 1) / ROWS;
            int groups = Math.max(1, Math.min(rowBlocks, (CpuParallel.threads() + chunks - 1) / chunks));
            return new Split(tiles, chunks, groups);
        }

        int tileLo(int c) { return (int) ((long) tiles * c / chunks); }
        int tileHi(int c) { return (int) ((long) tiles * (c + 1) / chunks); }

        /** Rows of group g: whole 4-row blocks. */
        int rowLo(int g, int n) { int blocks = (n + ROWS - 1) / ROWS; return Math.min(n, (int) ((long) blocks * g / groups) * ROWS); }
        int rowHi(int g, int n) { return rowLo(g + 1, n); }
    }

    private static final int MAX_CHUNKS = 8;

    /** LSE_i = log( [exp(seed_i)] + Σ_j exp(s·a_i·b_j) ) by an online max and sum per row. */
    static float[] rowLse(Mat a, Mat b, float s, float[] seed) {
        int n = a.rows, d = a.cols, kk = b.rows;
        Split sp = Split.of(n, kk);
        float[][] m = new float[sp.chunks][n], sum = new float[sp.chunks][n];
        InfoNceTiles t = InfoNceTiles.INSTANCE;
        CpuParallel.forRange(sp.chunks * sp.groups, 1, (lo, hi) -> {
            float[] bt = new float[d * padded(Math.min(TILE, kk))];
            float[] sc = new float[ROWS * TILE];
            for (int task = lo; task < hi; task++) {
                int c = task / sp.groups, g = task % sp.groups, r0 = sp.rowLo(g, n), r1 = sp.rowHi(g, n);
                float[] mc = m[c], sumc = sum[c];
                java.util.Arrays.fill(mc, r0, r1, Float.NEGATIVE_INFINITY);
                for (int tile = sp.tileLo(c); tile < sp.tileHi(c); tile++) {
                    int j0 = tile * TILE, tw = Math.min(TILE, kk - j0), tp = pack(b, j0, tw, bt);
                    for (int rb = r0; rb < r1; rb += ROWS) {
                        int nr = Math.min(ROWS, r1 - rb);
                        t.scores(a.data, a.off + rb * d, nr, d, bt, tp, sc);
                        for (int r = 0; r < nr; r++) {
                            int i = rb + r;
                            float tileMax = s * t.max(sc, r * tp, tw);   // s > 0: max of s·x is s·max x
                            float mNew = Math.max(mc[i], tileMax);
                            float rescale = mc[i] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(mc[i] - mNew);
                            sumc[i] = sumc[i] * rescale + t.expSum(sc, r * tp, tw, s, mNew);
                            mc[i] = mNew;
                        }
                    }
                }
            }
        });
        float[] lse = new float[n];
        for (int i = 0; i < n; i++) {   // merge the chunks in order, starting from the seed logit
            float mi = seed == null ? Float.NEGATIVE_INFINITY : seed[i], si = seed == null ? 0f : 1f;
            for (int c = 0; c < sp.chunks; c++) {
                float mNew = Math.max(mi, m[c][i]);
                si = (mi == Float.NEGATIVE_INFINITY ? 0f : si * (float) Math.exp(mi - mNew)) + sum[c][i] * (float) Math.exp(m[c][i] - mNew);
                mi = mNew;
            }
            lse[i] = mi + (float) Math.log(si);
        }
        return lse;
    }

    /**
     * out_i += Σ_j G_ij b_j and dsRow_i += Σ_j G_ij a_i·b_j (when dsRow is non-null), with
     * G_ij = wOwn·exp(s·a_i·b_j − lseOwn_i) [when lseOwn non-null] + wOther·exp(s·a_i·b_j − lseOther_j)
     * [when lseOther non-null] − wDiag·[i = j]. out is [a.rows · d].
     */
    static void gradPass(Mat a, Mat b, float s, float[] lseOwn, float wOwn, float[] lseOther, float wOther, float wDiag,
                         float[] out, double[] dsRow) {
        int n = a.rows, d = a.cols, kk = b.rows;
        Split sp = Split.of(n, kk);
        InfoNceTiles t = InfoNceTiles.INSTANCE;
        boolean diag = wDiag != 0f;
        float[][] part = new float[sp.chunks][];
        part[0] = out;
        for (int c = 1; c < sp.chunks; c++) part[c] = new float[n * d];
        double[][] ds = new double[sp.chunks][n];
        CpuParallel.forRange(sp.chunks * sp.groups, 1, (lo, hi) -> {
            float[] bt = new float[d * padded(Math.min(TILE, kk))];
            float[] sc = new float[ROWS * TILE], g = new float[ROWS * TILE];
            for (int task = lo; task < hi; task++) {
                int c = task / sp.groups, grp = task % sp.groups, r0 = sp.rowLo(grp, n), r1 = sp.rowHi(grp, n);
                float[] acc = part[c];
                double[] dsc = ds[c];
                for (int tile = sp.tileLo(c); tile < sp.tileHi(c); tile++) {
                    int j0 = tile * TILE, tw = Math.min(TILE, kk - j0), tp = pack(b, j0, tw, bt);
                    for (int rb = r0; rb < r1; rb += ROWS) {
                        int nr = Math.min(ROWS, r1 - rb);
                        t.scores(a.data, a.off + rb * d, nr, d, bt, tp, sc);
                        for (int r = 0; r < nr; r++) {
                            int i = rb + r;
                            t.probs(sc, r * tp, tw, s, lseOwn == null ? 0f : lseOwn[i], lseOwn == null ? 0f : wOwn, lseOther, j0, wOther, g, r * TILE);
                            if (diag && i >= j0 && i < j0 + tw) g[r * TILE + i - j0] -= wDiag;
                            if (dsRow != null) dsc[i] += t.dot(g, r * TILE, sc, r * tp, tw);
                        }
                        t.accumulate(g, TILE, nr, b.data, b.off + j0 * d, tw, d, acc, rb * d);
                    }
                }
            }
        });
        if (sp.chunks > 1) {   // out = Σ_c part[c], in chunk order
            CpuParallel.forRange(n * d, 1 << 14, (lo, hi) -> {
                for (int c = 1; c < sp.chunks; c++) {
                    float[] pc = part[c];
                    for (int e = lo; e < hi; e++) out[e] += pc[e];
                }
            });
        }
        if (dsRow != null) for (int c = 0; c < sp.chunks; c++) for (int i = 0; i < n; i++) dsRow[i] += ds[c][i];
    }

    private static int padded(int w) { return (w + InfoNceTiles.PAD - 1) / InfoNceTiles.PAD * InfoNceTiles.PAD; }

    /** Packs keys j0..j0+tw of b transposed into bt (width padded with zeros); returns the padded width. */
    private static int pack(Mat b, int j0, int tw, float[] bt) {
        int d = b.cols, tp = padded(tw);
        float[] src = b.data;
        for (int jb = 0; jb < tw; jb += 16) {   // 16 keys at a time: 16 source lines in flight, short contiguous writes
            int je = Math.min(tw, jb + 16);
            for (int p = 0; p < d; p++) {
                int o = p * tp, so = b.off + (j0 + jb) * d + p;
                for (int j = jb; j < je; j++, so += d) bt[o + j] = src[so];
            }
        }
        for (int p = 0; p < d; p++) java.util.Arrays.fill(bt, p * tp + tw, p * tp + tp, 0f);
        return tp;
    }
}
