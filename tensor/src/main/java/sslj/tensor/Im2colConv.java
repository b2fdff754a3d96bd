package sslj.tensor;

/**
 * Convolution as im2col + GEMM, written with tensor ops so that it runs on any backend: the CPU
 * backend's convolution, and the CUDA backend's whenever cuDNN is off or absent (then unfold2d, matmul
 * and fold2d are im2col.ptx, gemm.ptx and col2im). Cross-correlation, groups = 1, no bias (a bias is a
 * broadcast add in autograd). With cols = unfold(x) [N, K, L], K = C·kh·kw, L = OH·OW, and W = w viewed
 * as [O, K]:
 * <pre>
 *   forward          y  = W · cols               [N, O, L]
 *   backward data    dx = fold(Wᵀ · dy)          col2im: each column entry summed back onto its pixel
 *   backward filter  dW = Σ_n dy[n] · cols[n]ᵀ   [O, K]
 * </pre>
 * A 1×1 convolution with stride 1 and no padding needs no unfold: x viewed as [N, C, H·W] is its column
 * matrix, and dcols viewed as [N, C, H, W] is dx.
 *
 * <p>Scratch (the column matrices, the per-image filter gradients) is released as soon as it is used,
 * so a GPU convolution holds at most one column matrix at a time.
 */
public final class Im2colConv {
    private Im2colConv() { }

    /** y [N, O, OH, OW] from x [N, C, H, W] and w [O, C, kh, kw]. */
    public static Tensor forward(Tensor x, Tensor w, Window2d win) {
        int n = x.size(0), o = w.size(0), oh = win.outH(x.size(2)), ow = win.outW(x.size(3));
        Tensor cols = columns(x, win);
        Tensor y = w.reshape(o, -1).matmul(cols);                    // [O, K] · [N, K, L]: W is broadcast, not copied
        releaseScratch(cols, x);
        return y.reshape(n, o, oh, ow);
    }

    /** dx [N, C, h, wd] from dy [N, O, OH, OW] and w [O, C, kh, kw]. */
    public static Tensor backwardData(Tensor dy, Tensor w, Window2d win, int h, int wd) {
        int n = dy.size(0), o = w.size(0), c = w.size(1);
        Tensor g3 = dy.reshape(n, o, -1);                             // [N, O, L]
        Tensor dcols = w.reshape(o, -1).transpose(0, 1).matmul(g3);  // [K, O] · [N, O, L] → [N, K, L]
        if (isPointwise(win)) return dcols.reshape(n, c, h, wd);
        Tensor dx = dcols.fold2d(win, h, wd);
        dcols.release();
        return dx;
    }

    /** dW [O, C, kh, kw] from x [N, C, H, W] and dy [N, O, OH, OW]. */
    public static Tensor backwardFilter(Tensor x, Tensor dy, Window2d win) {
        int n = x.size(0), c = x.size(1), o = dy.size(1);
        Tensor g3 = dy.reshape(n, o, -1);
        Tensor cols = columns(x, win);
        Tensor perImage = g3.matmul(cols.transpose(1, 2));            // [N, O, L] · [N, L, K] → [N, O, K]
        releaseScratch(cols, x);
        Tensor dw = perImage.sum(0);
        perImage.release();
        return dw.reshape(o, c, win.kh(), win.kw());
    }

    /** Stride 1, no padding, a 1×1 window: the input is its own column matrix. */
    public static boolean isPointwise(Window2d win) {
        return win.area() == 1 && win.strideH() == 1 && win.strideW() == 1 && win.padH() == 0 && win.padW() == 0;
    }

    private static Tensor columns(Tensor x, Window2d win) {
        return isPointwise(win) ? x.reshape(x.size(0), x.size(1), -1) : x.unfold2d(win, 0f);
    }

    /** Releases an unfolded column matrix; a pointwise "column matrix" is a view of x and stays. */
    private static void releaseScratch(Tensor cols, Tensor x) {
        if (cols.storage() != x.storage()) cols.release();
    }
}
