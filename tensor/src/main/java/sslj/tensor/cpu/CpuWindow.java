package sslj.tensor.cpu;

import java.util.Arrays;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * im2col and col2im (PyTorch's unfold and fold) on the CPU: the data movement that turns a convolution
 * into one GEMM (Chellapilla et al. 2006, "High performance convolutional neural networks for document
 * processing"), and a pooling layer into a reduction over a dimension.
 *
 * <p>Layout. For input x [N, C, H, W] and a window of area kh·kw with L = OH·OW positions,
 * cols [N, C·kh·kw, L] holds cols[n][(c·kh + i)·kw + j][oh·OW + ow] = x[n][c][oh·sh − ph + i·dh][ow·sw − pw + j·dw],
 * or the pad value where that lies outside the image. Row order (c, i, j) matches a conv weight
 * [O, C, kh, kw] viewed as [O, C·kh·kw], so the convolution is weight · cols.
 *
 * <p>Both directions are parallel over (n, c) planes: each plane owns its rows of cols and its plane of
 * the folded image, so col2im's additions never race and the result does not depend on the thread count.
 */
final class CpuWindow {
    private CpuWindow() { }

    /** im2col: [N, C, H, W] → [N, C·kh·kw, OH·OW]. */
    static Tensor unfold(Tensor x, Window2d w, float padValue) {
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int oh = w.outH(h), ow = w.outW(wd), l = oh * ow, rows = w.area();
        Tensor out = CpuBackend.empty(x.device(), n, c * rows, l);
        float[] src = Strided.data(xc), dst = Strided.data(out);
        int base = xc.offset();
        CpuParallel.forRange(n * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) unfoldPlane(src, base + plane * h * wd, h, wd, w, padValue, dst, plane * rows * l);
        });
        return out;
    }

    /**
     * The kh·kw rows of cols that one input plane gives: plane x[in0 .. in0 + h·wd) into
     * dst[out0 .. out0 + kh·kw·L), row (i·kw + j), column oh·OW + ow.
     */
    static void unfoldPlane(float[] src, int in0, int h, int wd, Window2d w, float padValue, float[] dst, int out0) {
        int oh = w.outH(h), ow = w.outW(wd), l = oh * ow, kw = w.kw(), sh = w.strideH(), sw = w.strideW();
        for (int i = 0; i < w.kh(); i++) {
            int iy0 = i * w.dilH() - w.padH();
            for (int j = 0; j < kw; j++) {
                int row = out0 + (i * kw + j) * l;
                // the columns that read the image are the same on every row of this tap: found once
                int x0 = j * w.dilW() - w.padW(), in = firstInside(x0, sw, ow), past = Math.max(in, pastInside(x0, sw, wd, ow));
                for (int y = 0, iy = iy0; y < oh; y++, iy += sh) {
                    int o = row + y * ow;
                    if (iy < 0 || iy >= h) {      // the whole output row reads padding
                        Arrays.fill(dst, o, o + ow, padValue);
                        continue;
                    }
                    int s0 = in0 + iy * wd + x0;
                    for (int xo = 0; xo < in; xo++) dst[o + xo] = padValue; // a pixel or two: no call
                    if (sw == 1) {
                        if (past - in >= 16) System.arraycopy(src, s0 + in, dst, o + in, past - in);
                        else for (int xo = in; xo < past; xo++) dst[o + xo] = src[s0 + xo];   // short rows: no call
                    } else {
                        for (int xo = in; xo < past; xo++) dst[o + xo] = src[s0 + xo * sw];
                    }
                    for (int xo = past; xo < ow; xo++) dst[o + xo] = padValue;
                }
            }
        }
    }

    /** The first output column xo whose input column xo·sw + x0 is ≥ 0 (at most ow). */
    private static int firstInside(int x0, int sw, int ow) {
        return x0 >= 0 ? 0 : Math.min(ow, (-x0 + sw - 1) / sw);
    }

    /** One past the last output column xo whose input column xo·sw + x0 is &lt; wd (at least 0). */
    private static int pastInside(int x0, int sw, int wd, int ow) {
        return wd - x0 <= 0 ? 0 : Math.min(ow, (wd - x0 + sw - 1) / sw);
    }

    /** col2im, the adjoint of unfold: sums every column entry back onto the pixel it was read from. */
    static Tensor fold(Tensor cols, Window2d w, int h, int wd) {
        Tensor cc = cols.contiguous();
        int n = cols.size(0), rows = w.area(), c = cols.size(1) / rows;
        int oh = w.outH(h), ow = w.outW(wd), l = oh * ow;
        Tensor out = CpuBackend.empty(cols.device(), n, c, h, wd);
        float[] src = Strided.data(cc), dst = Strided.data(out);
        int base = cc.offset();
        CpuParallel.forRange(n * c, 1, (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) foldPlane(src, base + plane * rows * l, w, h, wd, dst, plane * h * wd);
        });
        return out;
    }

    /** Adds the kh·kw rows src[in0 ..) of one plane's columns onto the image plane dst[out0 .. out0 + h·wd). */
    static void foldPlane(float[] src, int in0, Window2d w, int h, int wd, float[] dst, int out0) {
        int oh = w.outH(h), ow = w.outW(wd), l = oh * ow;
        for (int i = 0; i < w.kh(); i++) {
            for (int j = 0; j < w.kw(); j++) {
                int row = in0 + (i * w.kw() + j) * l;
                for (int y = 0; y < oh; y++) {
                    int iy = y * w.strideH() - w.padH() + i * w.dilH();
                    if (iy < 0 || iy >= h) continue;   // padding: nothing to give back
                    int dstRow = out0 + iy * wd, o = row + y * ow, sw = w.strideW();
                    int x0 = j * w.dilW() - w.padW();
                    int past = pastInside(x0, sw, wd, ow);
                    for (int xo = firstInside(x0, sw, ow); xo < past; xo++) dst[dstRow + xo * sw + x0] += src[o + xo];
                }
            }
        }
    }
}
