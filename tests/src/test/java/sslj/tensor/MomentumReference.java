package sslj.tensor;

import java.util.Random;
import sslj.testing.Close;

/** Plain, materialised double-precision oracles of the momentum family (shared by the CPU and GPU tests). */
public final class MomentumReference {
    private MomentumReference() { }

    public static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    // ---------------------------------------------------------------- oracles (double, materialised)

    public static double[] emaOracle(float[] t, float[] o, float m) {
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) out[i] = (double) m * t[i] + (1.0 - m) * o[i];
        return out;
    }

    public static double[] unit(double[] v) {
        double ss = 0;
        for (double x : v) ss += x * x;
        double n = Math.max(Math.sqrt(ss), 1e-12);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] / n;
        return out;
    }

    /** The queue as a list of rows, written one at a time. */
    public static final class QueueOracle {
        public final double[][] rows;
        public int ptr;
        public QueueOracle(float[] init, int k, int d) {
            rows = new double[k][d];
            for (int i = 0; i < k; i++) for (int c = 0; c < d; c++) rows[i][c] = init[i * d + c];
        }
        public void enqueue(float[] keys, int n, int d, boolean normalize) {
            for (int r = 0; r < n; r++) {
                double[] row = new double[d];
                for (int c = 0; c < d; c++) row[c] = keys[r * d + c];
                rows[ptr] = normalize ? unit(row) : row;
                ptr = (ptr + 1) % rows.length;
            }
        }
        public double[] flat() {
            return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
        }
    }

    public static double[] bankOracle(float[] bank, int d, float[] idx, float[] f, float m) {
        double[] out = Close.toDouble(bank);
        for (int i = 0; i < idx.length; i++) {
            int row = (int) idx[i];
            boolean later = false;
            for (int j = i + 1; j < idx.length; j++) later |= idx[j] == idx[i];
            if (later) continue;                                   // the last duplicate wins
            double[] v = new double[d];
            for (int c = 0; c < d; c++) v[c] = (double) m * bank[row * d + c] + (1.0 - m) * f[i * d + c];
            double[] u = unit(v);
            System.arraycopy(u, 0, out, row * d, d);
        }
        return out;
    }
}
