package sslj.testing;

/** Plain double-precision helpers for reference computations in tests (L2-normalised rows, dot products). */
public final class RefMath {
    private RefMath() { }

    public static double[][] unit(float[] x, int m, int d) {
        double[][] r = new double[m][d];
        for (int i = 0; i < m; i++) {
            double n = 0;
            for (int k = 0; k < d; k++) n += (double) x[i * d + k] * x[i * d + k];
            for (int k = 0; k < d; k++) r[i][k] = x[i * d + k] / Math.sqrt(n);
        }
        return r;
    }

    public static double dot(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) s += x[k] * y[k];
        return s;
    }
}
