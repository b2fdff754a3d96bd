package sslj.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link InfoNceTiles} with the Vector API: a 4-row × 4-vector register block for the scores (16
 * accumulators, one broadcast and four loads per step of the dot product), the same block shape for the
 * weighted key sum, and a vector exp (Cody–Waite range reduction, degree-7 polynomial, exponent bits
 * built by integer adds) accurate to about 2 ulp. Loaded only when jdk.incubator.vector is present.
 */
final class InfoNceVectorTiles extends InfoNceTiles {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f;  // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    private InfoNceVectorTiles() { }

    static InfoNceTiles create() {
        return PAD % (4 * L) == 0 ? new InfoNceVectorTiles() : new InfoNceTiles();
    }

    // exp's constants as vectors, built once (C2 folds static final vectors)
    private static final FloatVector V_LN2_HI = FloatVector.broadcast(F, -LN2_HI), V_LN2_LO = FloatVector.broadcast(F, -LN2_LO);
    private static final FloatVector P7 = FloatVector.broadcast(F, 1f / 5040f), P6 = FloatVector.broadcast(F, 1f / 720f),
            P5 = FloatVector.broadcast(F, 1f / 120f), P4 = FloatVector.broadcast(F, 1f / 24f), P3 = FloatVector.broadcast(F, 1f / 6f),
            P2 = FloatVector.broadcast(F, 0.5f), P1 = FloatVector.broadcast(F, 1f);

    /**
     * exp(x) lane by lane for x in [−87, 88] (clamped there; exp(−87) ≈ 1.6e−38 stands in for 0).
     * Kept small and called only from small loops, so that C2 always inlines it: a vector that crosses a
     * call C2 does not inline (or a merge of control paths) is boxed, an allocation per step.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector r = x.fma(LOG2E, MAGIC);              // n + MAGIC, n = round(x·log2 e)
        FloatVector n = r.sub(MAGIC);
        FloatVector f = n.fma(V_LN2_HI, x).add(n.mul(V_LN2_LO));   // x − n·ln2 in two parts
        FloatVector p = P7.fma(f, P6).fma(f, P5).fma(f, P4).fma(f, P3).fma(f, P2).fma(f, P1).fma(f, P1);
        return p.mul(r.reinterpretAsInts().sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    private static FloatVector bc(float v) { return FloatVector.broadcast(F, v); }

    @Override
    void scores(float[] a, int aOff, int nr, int d, float[] bt, int tp, float[] out) {
        int a0 = aOff, a1 = aOff + Math.min(1, nr - 1) * d, a2 = aOff + Math.min(2, nr - 1) * d, a3 = aOff + Math.min(3, nr - 1) * d;
        for (int c = 0; c < tp; c += 4 * L) {
            FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
            FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
            FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
            FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
            for (int p = 0; p < d; p++) {
                int bo = p * tp + c;
                FloatVector b0 = FloatVector.fromArray(F, bt, bo), b1 = FloatVector.fromArray(F, bt, bo + L);
                FloatVector b2 = FloatVector.fromArray(F, bt, bo + 2 * L), b3 = FloatVector.fromArray(F, bt, bo + 3 * L);
                FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
                c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(F, a[a1 + p]);
                c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(F, a[a2 + p]);
                c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(F, a[a3 + p]);
                c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
            }
            store(out, c, c00, c01, c02, c03);
            if (nr > 1) store(out, tp + c, c10, c11, c12, c13);
            if (nr > 2) store(out, 2 * tp + c, c20, c21, c22, c23);
            if (nr > 3) store(out, 3 * tp + c, c30, c31, c32, c33);
        }
    }

    private static void store(float[] out, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(out, o); v1.intoArray(out, o + L); v2.intoArray(out, o + 2 * L); v3.intoArray(out, o + 3 * L);
    }

    @Override
    float max(float[] x, int xo, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + L <= n; j += L) m = m.max(FloatVector.fromArray(F, x, xo + j));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) r = Math.max(r, x[xo + j]);
        return r;
    }

    @Override
    float expSum(float[] x, int xo, int n, float s, float shift) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j + L <= n; j += L) sum = sum.add(exp(FloatVector.fromArray(F, x, xo + j).fma(s, -shift)));
        float r = sum.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) r += (float) Math.exp(Math.fma(s, x[xo + j], -shift));
        return r;
    }

    /**
     * Two small straight-line loops, each with one inlined exp: C2 (JDK 17) boxes a vector that flows
     * through a merge of control paths or into a call it does not inline, which costs an allocation per step.
     */
    @Override
    void probs(float[] x, int xo, int n, float s, float shiftOwn, float wOwn, float[] shiftOther, int so, float wOther, float[] y, int yo) {
        int full = n - n % L;
        if (wOwn != 0f) probsOwn(x, xo, full, s, shiftOwn, wOwn, y, yo);
        else java.util.Arrays.fill(y, yo, yo + full, 0f);
        if (shiftOther != null) probsOtherAdd(x, xo, full, s, shiftOther, so, wOther, y, yo);
        if (full < n) super.probs(x, xo + full, n - full, s, shiftOwn, wOwn, shiftOther, so + full, wOther, y, yo + full);
    }

    /** y = w·exp(s·x − shift), n a multiple of L. */
    private static void probsOwn(float[] x, int xo, int n, float s, float shift, float w, float[] y, int yo) {
        for (int j = 0; j < n; j += L) {
            exp(FloatVector.fromArray(F, x, xo + j).mul(s).sub(shift)).mul(w).intoArray(y, yo + j);
        }
    }

    /** y += w·exp(s·x − shift_j), n a multiple of L. */
    private static void probsOtherAdd(float[] x, int xo, int n, float s, float[] shift, int so, float w, float[] y, int yo) {
        for (int j = 0; j < n; j += L) {
            FloatVector e = exp(FloatVector.fromArray(F, x, xo + j).mul(s).sub(FloatVector.fromArray(F, shift, so + j)));
            e.fma(bc(w), FloatVector.fromArray(F, y, yo + j)).intoArray(y, yo + j);
        }
    }

    @Override
    float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j + L <= n; j += L) sum = FloatVector.fromArray(F, x, xo + j).fma(FloatVector.fromArray(F, y, yo + j), sum);
        float r = sum.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) r = Math.fma(x[xo + j], y[yo + j], r);
        return r;
    }

    @Override
    void accumulate(float[] w, int wStride, int nr, float[] b, int bOff, int tw, int d, float[] acc, int accOff) {
        if (nr < 4) {
            for (int r = 0; r < nr; r++) accumulateRow(w, r * wStride, b, bOff, tw, d, acc, accOff + r * d);
            return;
        }
        int o0 = accOff, o1 = accOff + d, o2 = accOff + 2 * d, o3 = accOff + 3 * d;
        int w1 = wStride, w2 = 2 * wStride, w3 = 3 * wStride;
        int p = 0;
        for (; p + 4 * L <= d; p += 4 * L) {   // 4 rows × 4 vectors of d per pass over the tile: 16 accumulators
            FloatVector c00 = FloatVector.fromArray(F, acc, o0 + p), c01 = FloatVector.fromArray(F, acc, o0 + p + L);
            FloatVector c02 = FloatVector.fromArray(F, acc, o0 + p + 2 * L), c03 = FloatVector.fromArray(F, acc, o0 + p + 3 * L);
            FloatVector c10 = FloatVector.fromArray(F, acc, o1 + p), c11 = FloatVector.fromArray(F, acc, o1 + p + L);
            FloatVector c12 = FloatVector.fromArray(F, acc, o1 + p + 2 * L), c13 = FloatVector.fromArray(F, acc, o1 + p + 3 * L);
            FloatVector c20 = FloatVector.fromArray(F, acc, o2 + p), c21 = FloatVector.fromArray(F, acc, o2 + p + L);
            FloatVector c22 = FloatVector.fromArray(F, acc, o2 + p + 2 * L), c23 = FloatVector.fromArray(F, acc, o2 + p + 3 * L);
            FloatVector c30 = FloatVector.fromArray(F, acc, o3 + p), c31 = FloatVector.fromArray(F, acc, o3 + p + L);
            FloatVector c32 = FloatVector.fromArray(F, acc, o3 + p + 2 * L), c33 = FloatVector.fromArray(F, acc, o3 + p + 3 * L);
            for (int j = 0; j < tw; j++) {
                int bo = bOff + j * d + p;
                FloatVector b0 = FloatVector.fromArray(F, b, bo), b1 = FloatVector.fromArray(F, b, bo + L);
                FloatVector b2 = FloatVector.fromArray(F, b, bo + 2 * L), b3 = FloatVector.fromArray(F, b, bo + 3 * L);
                FloatVector x = FloatVector.broadcast(F, w[j]);
                c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(F, w[w1 + j]);
                c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(F, w[w2 + j]);
                c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(F, w[w3 + j]);
                c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
            }
            store(acc, o0 + p, c00, c01, c02, c03);
            store(acc, o1 + p, c10, c11, c12, c13);
            store(acc, o2 + p, c20, c21, c22, c23);
            store(acc, o3 + p, c30, c31, c32, c33);
        }
        for (; p + 2 * L <= d; p += 2 * L) {   // then 4 rows × 2 vectors
            FloatVector c00 = FloatVector.fromArray(F, acc, o0 + p), c01 = FloatVector.fromArray(F, acc, o0 + p + L);
            FloatVector c10 = FloatVector.fromArray(F, acc, o1 + p), c11 = FloatVector.fromArray(F, acc, o1 + p + L);
            FloatVector c20 = FloatVector.fromArray(F, acc, o2 + p), c21 = FloatVector.fromArray(F, acc, o2 + p + L);
            FloatVector c30 = FloatVector.fromArray(F, acc, o3 + p), c31 = FloatVector.fromArray(F, acc, o3 + p + L);
            for (int j = 0; j < tw; j++) {
                int bo = bOff + j * d + p;
                FloatVector b0 = FloatVector.fromArray(F, b, bo), b1 = FloatVector.fromArray(F, b, bo + L);
                FloatVector x = FloatVector.broadcast(F, w[j]);
                c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
                x = FloatVector.broadcast(F, w[w1 + j]);
                c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
                x = FloatVector.broadcast(F, w[w2 + j]);
                c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
                x = FloatVector.broadcast(F, w[w3 + j]);
                c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            }
            c00.intoArray(acc, o0 + p); c01.intoArray(acc, o0 + p + L);
            c10.intoArray(acc, o1 + p); c11.intoArray(acc, o1 + p + L);
            c20.intoArray(acc, o2 + p); c21.intoArray(acc, o2 + p + L);
            c30.intoArray(acc, o3 + p); c31.intoArray(acc, o3 + p + L);
        }
        if (p < d) {
            for (int r = 0; r < 4; r++) accumulateTail(w, r * wStride, b, bOff, tw, d, p, acc, accOff + r * d);
        }
    }

    /** One row: all of d. */
    private static void accumulateRow(float[] w, int wo, float[] b, int bOff, int tw, int d, float[] acc, int ao) {
        accumulateTail(w, wo, b, bOff, tw, d, 0, acc, ao);
    }

    /** One row, columns p0..d: whole vectors, then scalars. */
    private static void accumulateTail(float[] w, int wo, float[] b, int bOff, int tw, int d, int p0, float[] acc, int ao) {
        int p = p0;
        for (; p + L <= d; p += L) {
            FloatVector c = FloatVector.fromArray(F, acc, ao + p);
            for (int j = 0; j < tw; j++) c = FloatVector.fromArray(F, b, bOff + j * d + p).fma(bc(w[wo + j]), c);
            c.intoArray(acc, ao + p);
        }
        for (; p < d; p++) {
            float c = acc[ao + p];
            for (int j = 0; j < tw; j++) c = Math.fma(w[wo + j], b[bOff + j * d + p], c);
            acc[ao + p] = c;
        }
    }
}
