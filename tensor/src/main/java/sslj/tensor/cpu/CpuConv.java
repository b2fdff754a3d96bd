package sslj.tensor.cpu;

import sslj.tensor.Im2colConv;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * Convolution forward and data gradient on the CPU, image by image. A 3×3, stride 1, padding 1 window
 * (and the forward of a stride-2 one) takes {@link DirectConv3x3}, which builds no column matrix at all (its sums run in
 * another order than im2col + GEMM: equal within float rounding). Any other window: each core takes whole
 * images and, for each, unfolds it into a column buffer of its own and multiplies at once; that arithmetic
 * is {@link Im2colConv}'s (same GEMM per image, same sums), so results are identical; what changes is the
 * schedule. Im2colConv materialises the column matrix of the whole batch first (N·C·kh·kw·L floats, tens of
 * MB for a batch of 256), which im2col writes to memory and the GEMM's packing reads back; here one image's
 * columns (about 100 KB in the Fashion-MNIST ResNet) stay in the core's L2 between the two. With fewer
 * images than cores, or a 1×1 convolution (no columns to build), Im2colConv runs as it is. The filter
 * gradient: {@link FilterGradient3x3} for 3×3 padding-1 windows of stride 1 or 2 ({@link #backwardFilter}),
 * else Im2colConv's.
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

    /**
     * Whether {@link DirectConv3x3} takes this window's forward and data gradient: 3×3, stride 1, padding 1,
     * no dilation, with the Vector API present (checked first: DirectConv3x3 is not loaded without it).
     */
    static boolean direct3x3(Window2d w) {
        return directStrided3x3(w) && w.strideH() == 1 && w.strideW() == 1;
    }

    /**
     * Whether this window is 3×3, padding 1, stride 1 or 2 (the same both ways), no dilation: its forward goes
     * to {@link DirectConv3x3} (stride 2 through phase planes) and its filter gradient to {@link FilterGradient3x3}.
     */
    static boolean directStrided3x3(Window2d w) {
        return CpuFeatures.VECTOR_API && w.kh() == 3 && w.kw() == 3 && w.strideH() == w.strideW() && (w.strideH() == 1 || w.strideH() == 2)
                && w.padH() == 1 && w.padW() == 1 && w.dilH() == 1 && w.dilW() == 1;
    }

    /** The stacked-image buffers of {@link FilterGradient3x3}, one per thread. */
    private static final ThreadLocal<FilterGradient3x3.Scratch> FILTER_SCRATCH = ThreadLocal.withInitial(FilterGradient3x3.Scratch::new);

    /** The padded-image buffer and tap table of {@link DirectConv3x3}, one per thread. */
    private static final ThreadLocal<Object[]> DIRECT = ThreadLocal.withInitial(() -> new Object[] {new float[0], new int[0]});

    /**
     * out [N, outs, h, wd] = the 3×3 convolution of each image of in [N, ins, h, wd] with the packed
     * weights ({@link DirectConv3x3}), images spread over the cores.
     */
    private static Tensor direct(Tensor in, float[] packed, int outs, int stride) {
        int n = in.size(0), ins = in.size(1), h = in.size(2), wd = in.size(3);
        int oh = (h - 1) / stride + 1, ow = (wd - 1) / stride + 1;
        Tensor ic = in.contiguous();
        Tensor out = CpuBackend.uninitialized(in.device(), n, outs, oh, ow);   // every row written by the image call
        float[] is = Strided.data(ic), os = Strided.data(out);
        int iOff = ic.offset();
        int floats = stride == 1 ? DirectConv3x3.imageScratchFloats(ins, outs, h, wd) : DirectConv3x3.imageStride2ScratchFloats(ins, outs, h, wd);
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            Object[] buf = DIRECT.get();
            if (((float[]) buf[0]).length < floats) buf[0] = new float[floats];
            if (((int[]) buf[1]).length < ins * 9) buf[1] = new int[ins * 9];
            float[] xp = (float[]) buf[0];
            int[] tap = (int[]) buf[1];
            for (int img = lo; img < hi; img++) {
                if (stride == 1) DirectConv3x3.image(is, iOff + img * ins * h * wd, ins, h, wd, packed, outs, os, img * outs * oh * ow, xp, tap);
                else DirectConv3x3.imageStride2(is, iOff + img * ins * h * wd, ins, h, wd, packed, outs, os, img * outs * oh * ow, xp, tap);
            }
        });
        return out;
    }

    /**
     * dW [O, C, kh, kw]. A 3×3 padding-1 window of stride 1 or 2: {@link FilterGradient3x3}, the images split into
     * one chunk per core, each chunk summed into its own partial dW, and the partials added in chunk order (the
     * same bits for the same thread count). Any other window: Im2colConv.
     */
    static Tensor backwardFilter(Tensor x, Tensor dy, Window2d win) {
        if (!directStrided3x3(win)) return Im2colConv.backwardFilter(x, dy, win);
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = dy.size(1), oh = dy.size(2), ow = dy.size(3);
        Tensor xc = x.contiguous(), gc = dy.contiguous();
        float[] xs = Strided.data(xc), gs = Strided.data(gc);
        int xOff = xc.offset(), gOff = gc.offset(), chunks = Math.min(n, CpuParallel.threads()), size = o * c * 9;
        float[][] partial = new float[chunks][size];
        CpuParallel.forRange(chunks, 1, (lo, hi) -> {
            FilterGradient3x3.Scratch scratch = FILTER_SCRATCH.get();
            for (int chunk = lo; chunk < hi; chunk++) {
                int first = (int) ((long) n * chunk / chunks), end = (int) ((long) n * (chunk + 1) / chunks);
                FilterGradient3x3.accumulate(xs, xOff + first * c * h * wd, gs, gOff + first * o * oh * ow, end - first, c, o, h, wd, win.strideH(), partial[chunk], scratch);
            }
        });
        Tensor dw = CpuBackend.empty(x.device(), o, c, 3, 3);
        float[] out = Strided.data(dw);
        for (float[] p : partial) for (int i = 0; i < size; i++) out[i] += p[i];
        return dw;
    }

    /** y [N, O, OH, OW] = W [O, C·kh·kw] · unfold(x[n]) for each image. */
    static Tensor forward(Tensor x, Tensor w, Window2d win) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0);
        if (directStrided3x3(win)) {                // 3×3 padding 1, stride 1 or 2 (stride 2 through phase planes)
            Tensor wc = w.contiguous();
            return direct(x, DirectConv3x3.packWeights(Strided.data(wc), wc.offset(), o, c, false), o, win.strideH());
        }
        if (!perImage(n, win)) return Im2colConv.forward(x, w, win);
        int oh = win.outH(h), ow = win.outW(wd), l = oh * ow, k = c * win.area();
        Tensor xc = x.contiguous(), wc = w.contiguous();
        Tensor y = CpuBackend.empty(x.device(), n, o, oh, ow);
        float[] xs = Strided.data(xc), ws = Strided.data(wc), ys = Strided.data(y);
        int xOff = xc.offset();
        Gemm.PackedA wp = Gemm.pack(false, ws, wc.offset(), k, o, k);   // packed once, not once per image
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] cols = scratch(k * l);
            for (int img = lo; img < hi; img++) {
                int plane0 = xOff + img * c * h * wd;
                for (int ch = 0; ch < c; ch++) CpuWindow.unfoldPlane(xs, plane0 + ch * h * wd, h, wd, win, 0f, cols, ch * win.area() * l);
                Gemm.sgemm(wp, false, l, cols, 0, l, ys, img * o * l, l);
            }
        });
        return y;
    }

    /** dx [N, C, h, wd] = fold(Wᵀ [C·kh·kw, O] · dy[n]) for each image. */
    static Tensor backwardData(Tensor dy, Tensor w, Window2d win, int h, int wd) {
        int n = dy.size(0), o = w.size(0), c = w.size(1);
        if (direct3x3(win)) {                      // 3×3 stride 1 pad 1: dx = conv(dy, w flipped)
            Tensor wc = w.contiguous();
            return direct(dy, DirectConv3x3.packWeights(Strided.data(wc), wc.offset(), o, c, true), c, 1);
        }
        if (!perImage(n, win)) return Im2colConv.backwardData(dy, w, win, h, wd);
        int l = win.outH(h) * win.outW(wd), k = c * win.area();
        Tensor gc = dy.contiguous(), wc = w.contiguous();
        Tensor dx = CpuBackend.empty(dy.device(), n, c, h, wd);
        float[] gs = Strided.data(gc), ws = Strided.data(wc), dxs = Strided.data(dx);
        int gOff = gc.offset();
        Gemm.PackedA wtp = Gemm.pack(true, ws, wc.offset(), k, k, o);    // Wᵀ [K, O], packed once
        CpuParallel.forRange(n, 1, (lo, hi) -> {
            float[] dcols = scratch(k * l);
            for (int img = lo; img < hi; img++) {
                Gemm.sgemm(wtp, false, l, gs, gOff + img * o * l, l, dcols, 0, l);
                int plane0 = img * c * h * wd;
                for (int ch = 0; ch < c; ch++) CpuWindow.foldPlane(dcols, ch * win.area() * l, win, h, wd, dxs, plane0 + ch * h * wd);
            }
        });
        return dx;
    }
}
