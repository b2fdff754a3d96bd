package sslj.tensor.cpu;

import sslj.tensor.Im2colConv;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * Convolution forward and data gradient on the CPU, image by image: each core takes whole images and,
 * for each, unfolds it into a column buffer of its own and multiplies at once. The arithmetic is
 * {@link Im2colConv}'s (same GEMM per image, same sums), so results are identical; what changes is
 * the schedule. Im2colConv materialises the column matrix of the whole batch first (N·C·kh·kw·L floats,
 * tens of MB for a batch of 256), which im2col writes to memory and the GEMM's packing reads back;
 * here one image's columns (about 100 KB in the Fashion-MNIST ResNet) stay in the core's L2 between the
 * two. With fewer images than cores, or a 1×1 convolution (no columns to build), Im2colConv runs as it is.
 * The filter gradient sums over images and stays with Im2colConv.
 */
final class CpuConv {
    private CpuConv() { }

    /** One column buffer per thread, grown on demand and reused (no garbage per image). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] scratch(int floats) {
        float[][] s = SCRATCH.get();
        if (s[0].length < floats) s[0] = new float[floats];
        return s[0];
    }

    private static boolean perImage(int images, Window2d win) {
        return images >= CpuParallel.threads() && !Im2colConv.isPointwise(win);
    }

    /** y [N, O, OH, OW] = W [O, C·kh·kw] · unfold(x[n]) for each image. */
    static Tensor forward(Tensor x, Tensor w, Window2d win) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0);
        if (!perImage(n, win)) return Im2colConv.forward(x, w, win);
        int oh = win.outH(h), ow = win.outW(wd), l = oh * ow, k = c * win.area();
        Tensor xc = x.contiguous(), wc = w.contiguous();
        Tensor y = CpuBackend.empty(x.device(), n, o, oh, ow);
        float[] xs = Strided.data(xc), ws = Strided.data(wc), ys = Strided.data(y);
        int xOff = xc.offset(), wOff = wc.offset();
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] cols = scratch(k * l);
            for (int img = lo; img < hi; img++) {
                int plane0 = xOff + img * c * h * wd;
                for (int ch = 0; ch < c; ch++) CpuWindow.unfoldPlane(xs, plane0 + ch * h * wd, h, wd, win, 0f, cols, ch * win.area() * l);
                Gemm.sgemm(false, false, o, l, k, ws, wOff, k, cols, 0, l, ys, img * o * l, l);
            }
        });
        return y;
    }

    /** dx [N, C, h, wd] = fold(Wᵀ [C·kh·kw, O] · dy[n]) for each image. */
    static Tensor backwardData(Tensor dy, Tensor w, Window2d win, int h, int wd) {
        int n = dy.size(0), o = w.size(0), c = w.size(1);
        if (!perImage(n, win)) return Im2colConv.backwardData(dy, w, win, h, wd);
        int l = win.outH(h) * win.outW(wd), k = c * win.area();
        Tensor gc = dy.contiguous(), wc = w.contiguous();
        Tensor dx = CpuBackend.empty(dy.device(), n, c, h, wd);
        float[] gs = Strided.data(gc), ws = Strided.data(wc), dxs = Strided.data(dx);
        int gOff = gc.offset(), wOff = wc.offset();
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] dcols = scratch(k * l);
            for (int img = lo; img < hi; img++) {
                Gemm.sgemm(true, false, k, l, o, ws, wOff, k, gs, gOff + img * o * l, l, dcols, 0, l);
                int plane0 = img * c * h * wd;
                for (int ch = 0; ch < c; ch++) CpuWindow.foldPlane(dcols, ch * win.area() * l, win, h, wd, dxs, plane0 + ch * h * wd);
            }
        });
        return dx;
    }
}
