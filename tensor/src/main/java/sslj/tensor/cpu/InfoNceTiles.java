package sslj.tensor.cpu;

/**
 * The inner loops of the fused InfoNCE losses ({@link CpuInfoNce}), on one tile of keys at a time:
 * scores of up to 4 rows against a packed tile, the online log-sum-exp pieces, the softmax weights
 * and the weighted sum of key rows. {@link #INSTANCE} is the Vector API version where the JVM has
 * jdk.incubator.vector ({@link CpuFeatures}), else this scalar reference.
 *
 * <p>Layouts. Rows are contiguous D-float rows. A packed tile {@code bt} holds keys j0..j0+tw
 * transposed, bt[d·tp + j] = key_{j0+j}[d], with the width tp padded up to a multiple of
 * {@link #PAD} with zero columns, so that the score loop needs no tail.
 */
class InfoNceTiles {
    /** Tile widths are padded to a multiple of this (4 vectors of 16 lanes at most). */
    static final int PAD = 64;

    static final InfoNceTiles INSTANCE = CpuFeatures.VECTOR_API ? InfoNceVectorTiles.create() : new InfoNceTiles();

    /**
     * out[r·tp + j] = a_{rows[r]} · key_j for r &lt; nr (≤ 4), j &lt; tp. Row r of a starts at
     * a[aOff + r·d]; rows past nr are not read.
     */
    void scores(float[] a, int aOff, int nr, int d, float[] bt, int tp, float[] out) {
        for (int r = 0; r < nr; r++) {
            int ar = aOff + r * d, o = r * tp;
            java.util.Arrays.fill(out, o, o + tp, 0f);
            for (int p = 0; p < d; p++) {
                float av = a[ar + p];
                int bo = p * tp;
                for (int j = 0; j < tp; j++) out[o + j] = Math.fma(av, bt[bo + j], out[o + j]);
            }
        }
    }

    /** max_j x[xo + j], j &lt; n. */
    float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, x[xo + j]);
        return m;
    }

    /** Σ_j exp(s·x[xo + j] − shift), j &lt; n. */
    float expSum(float[] x, int xo, int n, float s, float shift) {
        float sum = 0f;
        for (int j = 0; j < n; j++) sum += (float) Math.exp(Math.fma(s, x[xo + j], -shift));
        return sum;
    }

    /**
     * y[yo + j] = wOwn·exp(s·x[xo + j] − shiftOwn) + wOther·exp(s·x[xo + j] − shiftOther[so + j]) for
     * j &lt; n (the first term only when wOwn ≠ 0, the second only when shiftOther is non-null).
     */
    void probs(float[] x, int xo, int n, float s, float shiftOwn, float wOwn, float[] shiftOther, int so, float wOther, float[] y, int yo) {
        for (int j = 0; j < n; j++) {
            float v = wOwn == 0f ? 0f : wOwn * (float) Math.exp(Math.fma(s, x[xo + j], -shiftOwn));
            if (shiftOther != null) v += wOther * (float) Math.exp(Math.fma(s, x[xo + j], -shiftOther[so + j]));
            y[yo + j] = v;
        }
    }

    /** Σ_j x[xo + j]·y[yo + j], j &lt; n. */
    float dot(float[] x, int xo, float[] y, int yo, int n) {
        float sum = 0f;
        for (int j = 0; j < n; j++) sum = Math.fma(x[xo + j], y[yo + j], sum);
        return sum;
    }

    /**
     * acc[accOff + r·d + p] += Σ_j w[r·wStride + j] · b[bOff + j·d + p] for r &lt; nr (≤ 4), j &lt; tw,
     * p &lt; d: the softmax-weighted sum of tw key rows into nr gradient rows.
     */
    void accumulate(float[] w, int wStride, int nr, float[] b, int bOff, int tw, int d, float[] acc, int accOff) {
        for (int r = 0; r < nr; r++) {
            int ao = accOff + r * d;
            for (int j = 0; j < tw; j++) {
                float wv = w[r * wStride + j];
                int bo = bOff + j * d;
                for (int p = 0; p < d; p++) acc[ao + p] = Math.fma(wv, b[bo + p], acc[ao + p]);
            }
        }
    }
}
