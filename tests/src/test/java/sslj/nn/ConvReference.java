package sslj.nn;

import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * Direct, loop-by-loop double-precision references for convolution and pooling: the definitions,
 * written with no im2col, so the fast paths are checked against something independent.
 */
final class ConvReference {
    private ConvReference() { }

    /** y[n][o][y][x] = b[o] + Σ_c Σ_i Σ_j w[o][c][i][j] · x[n][c][y·sh − ph + i·dh][x·sw − pw + j·dw] (7 loops). */
    static double[] conv2d(Tensor xt, Tensor wt, Tensor bt, Window2d win) {
        float[] x = xt.toFloatArray(), w = wt.toFloatArray(), b = bt == null ? null : bt.toFloatArray();
        int n = xt.size(0), c = xt.size(1), h = xt.size(2), wd = xt.size(3), o = wt.size(0);
        int oh = win.outH(h), ow = win.outW(wd);
        double[] y = new double[n * o * oh * ow];
        for (int in = 0; in < n; in++)
            for (int io = 0; io < o; io++)
                for (int yy = 0; yy < oh; yy++)
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b[io];
                        for (int ic = 0; ic < c; ic++)
                            for (int i = 0; i < win.kh(); i++)
                                for (int j = 0; j < win.kw(); j++) {
                                    int iy = yy * win.strideH() - win.padH() + i * win.dilH();
                                    int ix = xx * win.strideW() - win.padW() + j * win.dilW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += (double) w[((io * c + ic) * win.kh() + i) * win.kw() + j] * x[((in * c + ic) * h + iy) * wd + ix];
                                }
                        y[((in * o + io) * oh + yy) * ow + xx] = s;
                    }
        return y;
    }

    /** Max (or average, padding counted as 0 with divisor k·k) over each window of each plane. */
    static double[] pool2d(Tensor xt, Window2d win, boolean max) {
        float[] x = xt.toFloatArray();
        int planes = xt.size(0) * xt.size(1), h = xt.size(2), wd = xt.size(3), oh = win.outH(h), ow = win.outW(wd);
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int yy = 0; yy < oh; yy++)
                for (int xx = 0; xx < ow; xx++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < win.kh(); i++)
                        for (int j = 0; j < win.kw(); j++) {
                            int iy = yy * win.strideH() - win.padH() + i, ix = xx * win.strideW() - win.padW() + j;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                            double v = x[(p * h + iy) * wd + ix];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    y[(p * oh + yy) * ow + xx] = max ? acc : acc / win.area();
                }
        return y;
    }
}
