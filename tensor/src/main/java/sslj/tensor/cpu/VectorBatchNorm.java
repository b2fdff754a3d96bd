package sslj.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuBatchNorm}'s loops over one plane (the S values of one image and channel) as FloatVector
 * loops; the scalar versions in CpuBatchNorm are the reference and do the tails. Loaded only when the
 * Vector API is present.
 *
 * <p>Sums: each lane sums its share of the plane in float (S / L values: 49 for a 28×28 plane), the lanes
 * are added in float, and the planes in double by the caller, so a channel's sum over 10⁵ values carries
 * the rounding of a ~60-term float sum, not of a 10⁵-term one. The elementwise outputs use
 * the scalar loops' operations in their order ((x − μ)·r·γ + β, no fused multiply-add), so they are the
 * same bits.
 */
final class VectorBatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorBatchNorm() { }

    /** Σ a[from .. from + len). */
    static double sum(float[] a, int from, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= len; i += L) acc = acc.add(FloatVector.fromArray(S, a, from + i));
        double s = lanes(acc);
        for (; i < len; i++) s += a[from + i];
        return s;
    }

    /** Σ (a − μ)² over a[from .. from + len), the difference taken in float. */
    static double centredSquares(float[] a, int from, int len, float mu) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, from + i).sub(mu);
            acc = d.fma(d, acc);
        }
        double s = lanes(acc);
        for (; i < len; i++) {
            double d = a[from + i] - mu;
            s += d * d;
        }
        return s;
    }

    /**
     * out[to + i] = (a[from + i] − m)·r·g + b (affine) or (a[from + i] − m)·r, then + res[ri + i] when res is
     * given, then max(·, 0) when {@code relu}: each step the composed op's, in its order.
     */
    static void normalize(float[] a, int from, float[] out, int to, int len, float m, float r, float g, float b, boolean affine,
                          float[] res, int ri, boolean relu) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector y = FloatVector.fromArray(S, a, from + i).sub(m).mul(r);
            if (affine) y = y.mul(g).add(b);
            if (res != null) y = y.add(FloatVector.fromArray(S, res, ri + i));
            if (relu) y = y.blend(0f, y.compare(VectorOperators.GT, 0f).not());   // y > 0 ? y : 0, as the scalar ReLU
            y.intoArray(out, to + i);
        }
        for (; i < len; i++) {
            float y = (a[from + i] - m) * r;
            if (affine) y = y * g + b;
            if (res != null) y = y + res[ri + i];
            out[to + i] = relu ? (y > 0 ? y : 0f) : y;
        }
    }

    /** sums[0] += Σ g', sums[1] += Σ g'·x̂ with x̂ = (x − m)·r over one plane; g' = g, or g masked by [y > 0] when ys is given. */
    static void gradSums(float[] gr, int gi, float[] ys, int yi, float[] a, int xi, int len, float m, float r, double[] sums) {
        FloatVector sg = FloatVector.zero(S), sgx = sg;
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector g = FloatVector.fromArray(S, gr, gi + i);
            if (ys != null) g = g.blend(0f, FloatVector.fromArray(S, ys, yi + i).compare(VectorOperators.GT, 0f).not());
            sg = sg.add(g);
            sgx = g.fma(FloatVector.fromArray(S, a, xi + i).sub(m).mul(r), sgx);
        }
        double s0 = lanes(sg), s1 = lanes(sgx);
        for (; i < len; i++) {
            float g = ys == null || ys[yi + i] > 0 ? gr[gi + i] : 0f;
            s0 += g;
            s1 += g * ((a[xi + i] - m) * r);
        }
        sums[0] += s0;
        sums[1] += s1;
    }

    /**
     * out[to + i] = (g' − meanG − x̂·meanGx)·scale (training) or g'·scale, x̂ = (x − m)·r, g' as in {@link #gradSums};
     * with mo given, g' is also written there (the residual's gradient).
     */
    static void gradInput(float[] gr, int gi, float[] ys, int yi, float[] a, int xi, float[] out, int to, float[] mo, int len,
                          float m, float r, float meanG, float meanGx, float scale, boolean training) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector g = FloatVector.fromArray(S, gr, gi + i);
            if (ys != null) g = g.blend(0f, FloatVector.fromArray(S, ys, yi + i).compare(VectorOperators.GT, 0f).not());
            if (mo != null) g.intoArray(mo, to + i);
            FloatVector d = training ? g.sub(meanG).sub(FloatVector.fromArray(S, a, xi + i).sub(m).mul(r).mul(meanGx)) : g;
            d.mul(scale).intoArray(out, to + i);
        }
        for (; i < len; i++) {
            float g = ys == null || ys[yi + i] > 0 ? gr[gi + i] : 0f;
            if (mo != null) mo[to + i] = g;
            out[to + i] = training ? (g - meanG - (a[xi + i] - m) * r * meanGx) * scale : g * scale;
        }
    }

    /** The lanes of v added (in float: each holds a sum of a few dozen values). */
    private static double lanes(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }
}
