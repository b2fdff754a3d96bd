package sslj.ssl.train;

/** Plain double helpers for the reference computations of the monitor tests. */
final class RefMath {
    private RefMath() { }

    static double[][] unit(float[] x, int m, int d) {
        double[][] r = new double[m][d];
        for (int i = 0; i < m; i++) {
            double n = 0;
            for (int k = 0; k < d; k++) n += (double) x[i * d + k] * x[i * d + k];
            for (int k = 0; k < d; k++) r[i][k] = x[i * d + k] / Math.sqrt(n);
        }
        return r;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) s += x[k] * y[k];
        return s;
    }
}
