package sslj.tensor.cpu;

import sslj.tensor.BatchNormOps;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * Batch normalisation on the CPU, the maths of {@link sslj.tensor.BatchNormOps} as loops. x is read as
 * a contiguous [N, C, S] (a strided x is copied once); channel c owns the N planes x[n, c, :] of S
 * values, and the channels are split across the pool, so no two threads write the same value and the
 * sums do not depend on the thread count. Sums run in double over the planes in order; within a plane
 * the vector loops ({@link VectorBatchNorm}, where the Vector API is present) sum in float lanes first.
 *
 * <p>Passes over the activations: stats 2 (mean, then the centred squares: the two-pass variance does
 * not cancel the way E[x²] − μ² does), apply 1, backward 2 (the sums Σg and Σg·x̂, then dx), against
 * about fifteen for the composition in generic ops. The apply pass can also add a residual and apply
 * ReLU, and the backward then masks the gradient by [y > 0] in both its passes (a ResNet block's
 * bn → + shortcut → ReLU, see {@link sslj.tensor.Backend#batchNormReluForwardTraining}).
 */
final class CpuBatchNorm {
    private CpuBatchNorm() { }

    /** Read once; when false, VectorBatchNorm (and with it jdk.incubator.vector) is never loaded. */
    private static final boolean VECTOR = CpuFeatures.VECTOR_API;

    /** A channel's work is at least this many values before it gets a thread of its own. */
    private static final int GRAIN = 1 << 12;

    static Tensor[] stats(Device device, Tensor x) {
        Tensor xc = x.contiguous();
        float[] a = Strided.data(xc);
        int off = xc.offset(), n = x.size(0), c = x.size(1), s = BatchNormOps.planeSize(x);
        double m = (double) n * s;
        float[] mean = new float[c], var = new float[c];
        CpuParallel.forRange(c, grain(n, s), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double sum = 0;
                for (int img = 0; img < n; img++) sum += VECTOR ? VectorBatchNorm.sum(a, off + (img * c + ch) * s, s) : sum(a, off + (img * c + ch) * s, s);
                double mu = sum / m, sq = 0;
                for (int img = 0; img < n; img++) {
                    int from = off + (img * c + ch) * s;
                    sq += VECTOR ? VectorBatchNorm.centredSquares(a, from, s, (float) mu) : centredSquares(a, from, s, mu);
                }
                mean[ch] = (float) mu;
                var[ch] = (float) (sq / m);
            }
        });
        return new Tensor[] {of(device, mean), of(device, var)};
    }

    static Tensor apply(Device device, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta) {
        return apply(device, x, mean, invstd, gamma, beta, null, false);
    }

    /**
     * y = (x − μ)·r·γ + β, then + residual (when given) and max(·, 0) (when {@code relu}), in one pass: a
     * ResNet's bn → + shortcut → ReLU without the two intermediate tensors. The operations run in the
     * composed order, so y has the bits of apply, add and relu done one after another.
     */
    static Tensor apply(Device device, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta, Tensor residual, boolean relu) {
        Tensor xc = x.contiguous(), rc = residual == null ? null : residual.contiguous();
        float[] a = Strided.data(xc), res = rc == null ? null : Strided.data(rc);
        int off = xc.offset(), roff = rc == null ? 0 : rc.offset(), n = x.size(0), c = x.size(1), s = BatchNormOps.planeSize(x);
        float[] mu = mean.toFloatArray(), r = invstd.toFloatArray();
        float[] g = gamma == null ? null : gamma.toFloatArray(), b = beta == null ? null : beta.toFloatArray();
        Tensor y = CpuBackend.uninitialized(device, x.shape());   // every plane written below
        float[] out = Strided.data(y);
        CpuParallel.forRange(c, grain(n, s), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                float m = mu[ch], rs = r[ch], gc = g == null ? 1f : g[ch], bc = b == null ? 0f : b[ch];
                for (int img = 0; img < n; img++) {
                    int from = off + (img * c + ch) * s, to = (img * c + ch) * s, ri = roff + (img * c + ch) * s;
                    if (VECTOR) {
                        VectorBatchNorm.normalize(a, from, out, to, s, m, rs, gc, bc, g != null, res, ri, relu);
                        continue;
                    }
                    for (int i = 0; i < s; i++) {
                        float v = (a[from + i] - m) * rs;
                        if (g != null) v = v * gc + bc;
                        if (res != null) v = v + res[ri + i];
                        out[to + i] = relu ? (v > 0 ? v : 0f) : v;
                    }
                }
            }
        });
        return y;
    }

    static Tensor[] backward(Device device, Tensor grad, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        return backward(device, grad, null, false, x, mean, invstd, gamma, training);
    }

    /**
     * {dx, dγ, dβ} and, with {@code y} given (the output of a fused ReLU), the gradient first masked by
     * [y > 0], as the ReLU's backward would; with {@code keepMasked} also that masked gradient itself as a
     * fourth result (the residual's gradient). The mask is applied inside both passes, never stored
     * unless asked for.
     */
    static Tensor[] backward(Device device, Tensor grad, Tensor y, boolean keepMasked, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        Tensor xc = x.contiguous(), gc = grad.contiguous(), yc = y == null ? null : y.contiguous();
        float[] a = Strided.data(xc), gr = Strided.data(gc), ys = yc == null ? null : Strided.data(yc);
        int xo = xc.offset(), go = gc.offset(), yo = yc == null ? 0 : yc.offset(), n = x.size(0), c = x.size(1), s = BatchNormOps.planeSize(x);
        float[] mu = mean.toFloatArray(), r = invstd.toFloatArray(), gm = gamma == null ? null : gamma.toFloatArray();
        double m = (double) n * s;
        float[] dgamma = new float[c], dbeta = new float[c];
        Tensor dx = CpuBackend.uninitialized(device, x.shape());  // every plane written below
        Tensor masked = keepMasked ? CpuBackend.uninitialized(device, x.shape()) : null;
        float[] out = Strided.data(dx), mo = masked == null ? null : Strided.data(masked);
        CpuParallel.forRange(c, grain(n, s), (lo, hi) -> {
            double[] sums = new double[2];
            for (int ch = lo; ch < hi; ch++) {
                float mc = mu[ch], rs = r[ch];
                sums[0] = 0;                                               // Σ g and Σ g·x̂ over the channel
                sums[1] = 0;
                for (int img = 0; img < n; img++) {
                    int plane = (img * c + ch) * s;
                    if (VECTOR) VectorBatchNorm.gradSums(gr, go + plane, ys, yo + plane, a, xo + plane, s, mc, rs, sums);
                    else gradSums(gr, go + plane, ys, yo + plane, a, xo + plane, s, mc, rs, sums);
                }
                dbeta[ch] = (float) sums[0];
                dgamma[ch] = (float) sums[1];
                float scale = gm == null ? rs : gm[ch] * rs;
                float meanG = (float) (sums[0] / m), meanGx = (float) (sums[1] / m);
                for (int img = 0; img < n; img++) {
                    int plane = (img * c + ch) * s;
                    if (VECTOR) {
                        VectorBatchNorm.gradInput(gr, go + plane, ys, yo + plane, a, xo + plane, out, plane, mo, s, mc, rs, meanG, meanGx, scale, training);
                    } else {
                        gradInput(gr, go + plane, ys, yo + plane, a, xo + plane, out, plane, mo, s, mc, rs, meanG, meanGx, scale, training);
                    }
                }
            }
        });
        Tensor[] d = {dx, of(device, dgamma), of(device, dbeta)};
        return keepMasked ? new Tensor[] {d[0], d[1], d[2], masked} : d;
    }

    /** The scalar reference of {@link VectorBatchNorm#gradSums}: sums[0] += Σ g', sums[1] += Σ g'·x̂, g' = g masked by [y > 0] when y is given. */
    private static void gradSums(float[] gr, int gi, float[] ys, int yi, float[] a, int xi, int len, float mc, float rs, double[] sums) {
        double sg = 0, sgx = 0;
        for (int i = 0; i < len; i++) {
            float gv = ys == null || ys[yi + i] > 0 ? gr[gi + i] : 0f;
            sg += gv;
            sgx += gv * ((a[xi + i] - mc) * rs);
        }
        sums[0] += sg;
        sums[1] += sgx;
    }

    /** The scalar reference of {@link VectorBatchNorm#gradInput}: dx of one plane (and the masked gradient into mo when given). */
    private static void gradInput(float[] gr, int gi, float[] ys, int yi, float[] a, int xi, float[] out, int to, float[] mo, int len,
                                  float mc, float rs, float meanG, float meanGx, float scale, boolean training) {
        for (int i = 0; i < len; i++) {
            float gv = ys == null || ys[yi + i] > 0 ? gr[gi + i] : 0f;
            if (mo != null) mo[to + i] = gv;
            out[to + i] = training ? (gv - meanG - (a[xi + i] - mc) * rs * meanGx) * scale : gv * scale;
        }
    }

    /** Channels per task so that each task has at least {@link #GRAIN} values. */
    private static int grain(int n, int s) {
        long perChannel = Math.max(1L, (long) n * s);
        return (int) Math.max(1, GRAIN / perChannel);
    }

    private static double sum(float[] a, int from, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;                 // four chains: the adds overlap
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            s0 += a[from + i];
            s1 += a[from + i + 1];
            s2 += a[from + i + 2];
            s3 += a[from + i + 3];
        }
        for (; i < len; i++) s0 += a[from + i];
        return (s0 + s1) + (s2 + s3);
    }

    private static double centredSquares(float[] a, int from, int len, double mu) {
        double s0 = 0, s1 = 0;
        int i = 0;
        for (; i + 2 <= len; i += 2) {
            double d0 = a[from + i] - mu, d1 = a[from + i + 1] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        for (; i < len; i++) {
            double d = a[from + i] - mu;
            s0 += d * d;
        }
        return s0 + s1;
    }

    private static Tensor of(Device device, float[] v) {
        Tensor t = CpuBackend.empty(device, v.length);
        System.arraycopy(v, 0, Strided.data(t), 0, v.length);
        return t;
    }
}
