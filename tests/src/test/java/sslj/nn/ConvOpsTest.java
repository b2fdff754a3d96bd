package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.NnFunctional;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;
import sslj.testing.Close;

/**
 * The backend convolution ops on the CPU (Tensor.conv2d, conv2dBackwardData, conv2dBackwardFilter,
 * computed by Im2colConv) against direct double-precision loops: the forward is ConvReference's
 * definition, the two backward ops its adjoints written loop by loop. Plus front-end shape errors and
 * autograd gradchecks of the geometries the GPU tests also cover.
 */
class ConvOpsTest {
    private final Generator gen = new Generator(11);

    /** dx[n, c, iy, ix] = Σ w[o, c, i, j] · dy[n, o, y, x] over the window positions that read (iy, ix). */
    static double[] backwardData(Tensor dyt, Tensor wt, Window2d win, int h, int wd) {
        float[] dy = dyt.toFloatArray(), w = wt.toFloatArray();
        int n = dyt.size(0), o = wt.size(0), c = wt.size(1), oh = dyt.size(2), ow = dyt.size(3);
        double[] dx = new double[n * c * h * wd];
        forEachTap(n, c, o, h, wd, oh, ow, win, (in, ic, io, i, j, iy, ix, yy, xx) ->
                dx[((in * c + ic) * h + iy) * wd + ix] += (double) w[((io * c + ic) * win.kh() + i) * win.kw() + j] * dy[((in * o + io) * oh + yy) * ow + xx]);
        return dx;
    }

    /** dW[o, c, i, j] = Σ_{n, y, x} x[n, c, iy, ix] · dy[n, o, y, x]. */
    static double[] backwardFilter(Tensor xt, Tensor dyt, Window2d win) {
        float[] x = xt.toFloatArray(), dy = dyt.toFloatArray();
        int n = xt.size(0), c = xt.size(1), h = xt.size(2), wd = xt.size(3), o = dyt.size(1), oh = dyt.size(2), ow = dyt.size(3);
        double[] dw = new double[o * c * win.kh() * win.kw()];
        forEachTap(n, c, o, h, wd, oh, ow, win, (in, ic, io, i, j, iy, ix, yy, xx) ->
                dw[((io * c + ic) * win.kh() + i) * win.kw() + j] += (double) x[((in * c + ic) * h + iy) * wd + ix] * dy[((in * o + io) * oh + yy) * ow + xx]);
        return dw;
    }

    interface Tap { void at(int n, int c, int o, int i, int j, int iy, int ix, int y, int x); }

    private static void forEachTap(int n, int c, int o, int h, int wd, int oh, int ow, Window2d win, Tap tap) {
        for (int in = 0; in < n; in++)
            for (int io = 0; io < o; io++)
                for (int yy = 0; yy < oh; yy++)
                    for (int xx = 0; xx < ow; xx++)
                        for (int ic = 0; ic < c; ic++)
                            for (int i = 0; i < win.kh(); i++)
                                for (int j = 0; j < win.kw(); j++) {
                                    int iy = yy * win.strideH() - win.padH() + i * win.dilH();
                                    int ix = xx * win.strideW() - win.padW() + j * win.dilW();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) tap.at(in, ic, io, i, j, iy, ix, yy, xx);
                                }
    }

    private void check(int n, int c, int h, int w, int o, Window2d win) {
        String what = win + " on " + n + "x" + c + "x" + h + "x" + w + " → " + o;
        Tensor x = Tensor.randn(gen, n, c, h, w), wt = Tensor.randn(gen, o, c, win.kh(), win.kw());
        int oh = win.outH(h), ow = win.outW(w);
        Tensor dy = Tensor.randn(gen, n, o, oh, ow);
        Close.assertClose("conv2d " + what, new int[] {n, o, oh, ow}, ConvReference.conv2d(x, wt, null, win), x.conv2d(wt, win), 1e-5, 1e-4);
        Close.assertClose("conv2dBackwardData " + what, x.shape(), backwardData(dy, wt, win, h, w), dy.conv2dBackwardData(wt, win, h, w), 1e-5, 1e-4);
        Close.assertClose("conv2dBackwardFilter " + what, wt.shape(), backwardFilter(x, dy, win), x.conv2dBackwardFilter(dy, win), 1e-4, 1e-4);
    }

    @Test void oddSizes3x3() { check(2, 3, 7, 9, 4, Window2d.square(3, 1, 1, 1)); }
    // 3×3 stride 1 padding 1: the CPU's DirectConv3x3 path (the filter gradient too on rows of 8 or more).
    // Rows of exactly 8, of 28, of 40 (tiles across row ends), of 7 and 4 (small images: several rows per
    // vector, filter gradient on im2col); output channels in blocks of 8 with a partial last block
    // (17 = 8 + 8 + 1), one input channel, one row.
    @Test void direct3x3Rows() {
        check(3, 13, 5, 28, 17, Window2d.square(3, 1, 1, 1));
        check(1, 1, 1, 8, 9, Window2d.square(3, 1, 1, 1));
        check(2, 5, 3, 40, 3, Window2d.square(3, 1, 1, 1));
        check(4, 8, 6, 11, 8, Window2d.square(3, 1, 1, 1));
        check(3, 9, 7, 7, 17, Window2d.square(3, 1, 1, 1));
        check(2, 16, 4, 4, 5, Window2d.square(3, 1, 1, 1));
    }
    @Test void stride2Padding1() { check(3, 5, 9, 8, 6, Window2d.square(3, 2, 1, 1)); }
    @Test void dilation2() { check(2, 3, 9, 7, 2, Window2d.square(3, 1, 2, 2)); }
    @Test void pointwise() { check(2, 12, 5, 7, 9, Window2d.square(1, 1, 0, 1)); }
    @Test void pointwiseStride2() { check(2, 4, 7, 6, 3, Window2d.square(1, 2, 0, 1)); }
    @Test void stem7x7Stride2BatchOne() { check(1, 3, 17, 15, 5, Window2d.square(7, 2, 3, 1)); }
    @Test void nonSquare() { check(2, 2, 6, 9, 3, new Window2d(2, 3, 2, 1, 1, 0, 1, 2)); }
    // few output positions and many channels: the filter gradient as one [O, N·L]·[N·L, K] product
    @Test void latePositionsFewManyChannels() { check(3, 8, 4, 4, 16, Window2d.square(3, 2, 1, 1)); }
    @Test void latePositionsBatchOne() { check(1, 8, 3, 3, 12, Window2d.square(3, 1, 1, 1)); }
    @Test void latePositionsPointwise() { check(2, 32, 2, 2, 24, Window2d.square(1, 1, 0, 1)); }

    @Test void stridedOperands() {
        Window2d win = Window2d.square(3, 1, 1, 1);
        Tensor x = Tensor.randn(gen, 2, 6, 5, 3).permute(0, 3, 2, 1);          // [2, 3, 5, 6]
        Tensor wt = Tensor.randn(gen, 3, 4, 3, 3).permute(1, 0, 2, 3);         // [4, 3, 3, 3]
        Tensor dy = Tensor.randn(gen, 4, 2, 5, 6).permute(1, 0, 2, 3);         // [2, 4, 5, 6]
        Close.assertClose("conv2d strided", new int[] {2, 4, 5, 6}, ConvReference.conv2d(x, wt, null, win), x.conv2d(wt, win), 1e-5, 1e-4);
        Close.assertClose("backwardData strided", x.shape(), backwardData(dy, wt, win, 5, 6), dy.conv2dBackwardData(wt, win, 5, 6), 1e-5, 1e-4);
        Close.assertClose("backwardFilter strided", wt.shape(), backwardFilter(x, dy, win), x.conv2dBackwardFilter(dy, win), 1e-4, 1e-4);
    }

    @Test void frontEndRejectsBadShapes() {
        Window2d win = Window2d.square(3, 1, 1, 1);
        Tensor x = Tensor.zeros(2, 3, 5, 5), w = Tensor.zeros(4, 3, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> x.conv2d(Tensor.zeros(4, 2, 3, 3), win));
        assertThrows(IllegalArgumentException.class, () -> x.conv2d(Tensor.zeros(4, 3, 1, 1), win));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(6, 5, 5).conv2d(w, win));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 4, 4, 5).conv2dBackwardData(w, win, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> x.conv2dBackwardFilter(Tensor.zeros(2, 4, 5, 4), win));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 1, 2, 2).conv2d(Tensor.zeros(1, 1, 3, 3), Window2d.square(3, 1, 0, 1)));
    }

    private void gradCheck(int n, int c, int h, int w, int o, Window2d win) {
        Tensor x = Tensor.randn(gen, n, c, h, w), wt = Tensor.randn(gen, o, c, win.kh(), win.kw()), b = Tensor.randn(gen, o);
        GradCheck.check(v -> NnFunctional.conv2d(v[0], v[1], v[2], win), x, wt, b);
    }

    @Test void gradientsPointwise() { gradCheck(2, 3, 3, 4, 2, Window2d.square(1, 1, 0, 1)); }
    @Test void gradientsStem7x7Stride2() { gradCheck(1, 2, 9, 8, 2, Window2d.square(7, 2, 3, 1)); }
    @Test void gradientsNonSquare() { gradCheck(2, 2, 5, 6, 2, new Window2d(2, 3, 2, 1, 1, 0, 1, 2)); }
}
