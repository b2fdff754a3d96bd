package sslj.tensor;

/**
 * The plain, obviously-correct NT-Xent: materialises the whole 2N×2N logit matrix in double precision
 * and follows DESIGN.md §4 line by line. The test oracle for the fused CPU op and the PTX kernels.
 */
public final class NtXentOracle {
    public final double loss;
    public final double[] lse;    // [R]
    public final double[] grad;   // [R·D], dLoss/dz

    /** z is [r, d] row-major (used as given: the op does not normalise). */
    public NtXentOracle(float[] z, int r, int d, double tau) {
        int n = r / 2;
        double[][] s = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) dot += (double) z[i * d + k] * z[j * d + k];
                s[i][j] = dot / tau;
            }
        }
        lse = new double[r];
        double total = 0;
        for (int i = 0; i < r; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < r; j++) if (j != i) m = Math.max(m, s[i][j]);
            double sum = 0;
            for (int j = 0; j < r; j++) if (j != i) sum += Math.exp(s[i][j] - m);
            lse[i] = m + Math.log(sum);
            total += lse[i] - s[i][(i + n) % r];
        }
        loss = total / r;
        double[][] p = new double[r][r];
        for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) p[i][j] = j == i ? 0 : Math.exp(s[i][j] - lse[i]);
        grad = new double[r * d];
        for (int i = 0; i < r; i++) {
            for (int k = 0; k < d; k++) {
                double acc = 0;
                for (int j = 0; j < r; j++) acc += (p[i][j] + p[j][i]) * z[j * d + k];
                grad[i * d + k] = (acc - 2.0 * z[((i + n) % r) * d + k]) / (r * tau);
            }
        }
    }

    /** Unit rows of Gaussian noise: the inputs the op expects. */
    public static float[] unitRows(long seed, int r, int d) {
        float[] z = Tensor.randn(new Generator(seed), r, d).toFloatArray();
        for (int i = 0; i < r; i++) {
            double nrm = 0;
            for (int k = 0; k < d; k++) nrm += (double) z[i * d + k] * z[i * d + k];
            float inv = (float) (1.0 / Math.sqrt(nrm));
            for (int k = 0; k < d; k++) z[i * d + k] *= inv;
        }
        return z;
    }
}
