package sslj.tensor.cpu;

import sslj.tensor.BatchNormOps;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * Batch normalisation on the CPU, the maths of {@link sslj.tensor.BatchNormOps} as loops. x is read as
 * a contiguous [N, C, S] (a strided x is copied once); channel c owns the N planes x[n, c, :] of S
 * values, and the channels are split across the pool, so no two threads write the same value and the
 * sums do not depend on the thread count. Sums run in double, over the planes in order.
 *
 * <p>Passes over the activations: stats 2 (mean, then the centred squares: the two-pass variance does
 * not cancel the way E[x²] − μ² does), apply 1, backward 2 (the sums Σg and Σg·x̂, then dx), against
 * about fifteen for the composition in generic ops.
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
        Tensor xc = x.contiguous();
        float[] a = Strided.data(xc);
        int off = xc.offset(), n = x.size(0), c = x.size(1), s = BatchNormOps.planeSize(x);
        float[] mu = mean.toFloatArray(), r = invstd.toFloatArray();
        float[] g = gamma == null ? null : gamma.toFloatArray(), b = beta == null ? null : beta.toFloatArray();
        Tensor y = CpuBackend.uninitialized(device, x.shape());   // every plane written below
        float[] out = Strided.data(y);
        CpuParallel.forRange(c, grain(n, s), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                float m = mu[ch], rs = r[ch];
                for (int img = 0; img < n; img++) {
                    int from = off + (img * c + ch) * s, to = (img * c + ch) * s;
                    if (VECTOR) {
                        VectorBatchNorm.normalize(a, from, out, to, s, m, rs, g == null ? 1f : g[ch], b == null ? 0f : b[ch], g != null, false);
                    } else if (g == null) {
                        for (int i = 0; i < s; i++) out[to + i] = (a[from + i] - m) * rs;
                    } else {
                        float gc = g[ch], bc = b[ch];
                        for (int i = 0; i < s; i++) out[to + i] = (a[from + i] - m) * rs * gc + bc;
                    }
                }
            }
        });
        return y;
    }

    static Tensor[] backward(Device device, Tensor grad, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        Tensor xc = x.contiguous(), gc = grad.contiguous();
        float[] a = Strided.data(xc), gr = Strided.data(gc);
        int xo = xc.offset(), go = gc.offset(), n = x.size(0), c = x.size(1), s = BatchNormOps.planeSize(x);
        float[] mu = mean.toFloatArray(), r = invstd.toFloatArray(), gm = gamma == null ? null : gamma.toFloatArray();
        double m = (double) n * s;
        float[] dgamma = new float[c], dbeta = new float[c];
        Tensor dx = CpuBackend.uninitialized(device, x.shape());  // every plane written below
        float[] out = Strided.data(dx);
        CpuParallel.forRange(c, grain(n, s), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                float mc = mu[ch], rs = r[ch];
                double sg = 0, sgx = 0;                                    // Σ g and Σ g·x̂ over the channel
                double[] sums = new double[2];
                for (int img = 0; img < n; img++) {
                    int xi = xo + (img * c + ch) * s, gi = go + (img * c + ch) * s;
                    if (VECTOR) {
                        VectorBatchNorm.gradSums(gr, gi, a, xi, s, mc, rs, sums);
                        continue;
                    }
                    for (int i = 0; i < s; i++) {
                        float gv = gr[gi + i];
                        sg += gv;
                        sgx += gv * ((a[xi + i] - mc) * rs);
                    }
                }
                sg += sums[0];
                sgx += sums[1];
                dbeta[ch] = (float) sg;
                dgamma[ch] = (float) sgx;
                float scale = gm == null ? rs : gm[ch] * rs;
                float meanG = (float) (sg / m), meanGx = (float) (sgx / m);
                for (int img = 0; img < n; img++) {
                    int xi = xo + (img * c + ch) * s, gi = go + (img * c + ch) * s, to = (img * c + ch) * s;
                    if (training && VECTOR) {
                        VectorBatchNorm.gradInput(gr, gi, a, xi, out, to, s, mc, rs, meanG, meanGx, scale);
                    } else if (training) {
                        for (int i = 0; i < s; i++) {
                            float xhat = (a[xi + i] - mc) * rs;
                            out[to + i] = (gr[gi + i] - meanG - xhat * meanGx) * scale;
                        }
                    } else {
                        for (int i = 0; i < s; i++) out[to + i] = gr[gi + i] * scale;
                    }
                }
            }
        });
        return new Tensor[] {dx, of(device, dgamma), of(device, dbeta)};
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
