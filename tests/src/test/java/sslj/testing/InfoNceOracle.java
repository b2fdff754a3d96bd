package sslj.testing;

/**
 * The InfoNCE losses the obvious way, in double precision, materialising every logit: the reference
 * that the fused CPU ops and the GPU kernels are checked against. Inputs are row-major float arrays.
 */
public final class InfoNceOracle {
    private InfoNceOracle() { }

    /** Queue form: loss, per-row LSE over the K+1 logits, and dq = ∂loss/∂q. */
    public record Queue(double loss, double[] lse, double[] dq) { }

    /** In-batch form: loss, row and column LSEs, dq, dk and ∂loss/∂scale. */
    public record InBatch(double loss, double[] lseRow, double[] lseCol, double[] dq, double[] dk, double dScale) { }

    public static Queue queue(float[] q, float[] k, float[] queue, int n, int d, int kk, double tau) {
        double[] lse = new double[n], dq = new double[n * d];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = new double[kk + 1];
            logits[0] = dot(q, i, k, i, d) / tau;
            for (int j = 0; j < kk; j++) logits[j + 1] = dot(q, i, queue, j, d) / tau;
            lse[i] = lse(logits);
            loss += (lse[i] - logits[0]) / n;
            for (int j = 0; j <= kk; j++) {
                double g = (Math.exp(logits[j] - lse[i]) - (j == 0 ? 1 : 0)) / (n * tau);
                float[] key = j == 0 ? k : queue;
                int row = j == 0 ? i : j - 1;
                for (int p = 0; p < d; p++) dq[i * d + p] += g * key[row * d + p];
            }
        }
        return new Queue(loss, lse, dq);
    }

    public static InBatch inBatch(float[] q, float[] k, int n, int d, double s, boolean symmetric) {
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) z[i][j] = s * dot(q, i, k, j, d);
        double[] lr = new double[n], lc = new double[n];
        for (int i = 0; i < n; i++) {
            lr[i] = lse(z[i]);
            double[] col = new double[n];
            for (int j = 0; j < n; j++) col[j] = z[j][i];
            lc[i] = lse(col);
        }
        double wr = symmetric ? 0.5 / n : 1.0 / n, wc = symmetric ? 0.5 / n : 0;
        double loss = 0, ds = 0;
        double[] dq = new double[n * d], dk = new double[n * d];
        for (int i = 0; i < n; i++) loss += wr * (lr[i] - z[i][i]) + wc * (lc[i] - z[i][i]);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double delta = i == j ? 1 : 0;
                double g = wr * (Math.exp(z[i][j] - lr[i]) - delta) + wc * (Math.exp(z[i][j] - lc[j]) - delta);
                ds += g * z[i][j] / s;
                for (int p = 0; p < d; p++) {
                    dq[i * d + p] += s * g * k[j * d + p];
                    dk[j * d + p] += s * g * q[i * d + p];
                }
            }
        }
        return new InBatch(loss, lr, symmetric ? lc : new double[0], dq, dk, ds);
    }

    private static double dot(float[] a, int i, float[] b, int j, int d) {
        double s = 0;
        for (int p = 0; p < d; p++) s += (double) a[i * d + p] * b[j * d + p];
        return s;
    }

    private static double lse(double[] x) {
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (double v : x) m = Math.max(m, v);
        for (double v : x) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    /** n random rows of d floats, each L2-normalised (the losses' contract), from a fixed seed. */
    public static float[] unitRows(long seed, int n, int d) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int p = 0; p < d; p++) { x[i * d + p] = (float) r.nextGaussian(); ss += x[i * d + p] * x[i * d + p]; }
            double inv = 1 / Math.sqrt(ss);
            for (int p = 0; p < d; p++) x[i * d + p] = (float) (x[i * d + p] * inv);
        }
        return x;
    }
}
