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
 *   backward filter  dW = Σ_n dy[n] · cols[n]ᵀ   [O, K]   (per image and summed, or as one [O, N·L]·[N·L, K])
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

    /**
     * dW [O, C, kh, kw] from x [N, C, H, W] and dy [N, O, OH, OW]: Σ_n dy[n] · cols[n]ᵀ, a sum over
     * the N·L (image, position) pairs. Two ways to run it, chosen by the traffic each costs:
     * N per-image products [O, L]·[L, K] summed over N write, clear and reread N·O·K floats; one product
     * [O, N·L]·[N·L, K] must first move N inside, copying dy and the columns, 2·N·L·(O + K) floats. Early
     * layers (many positions, few channels) take the first, late ones (L of 4–49, O·K large) the second.
     */
    public static Tensor backwardFilter(Tensor x, Tensor dy, Window2d win) {
        int n = x.size(0), c = x.size(1), o = dy.size(1);
        Tensor g3 = dy.reshape(n, o, -1);
        int l = g3.size(2), k = c * win.kh() * win.kw();
        Tensor cols = columns(x, win);
        Tensor dw;
        if (2L * l * (o + k) < 3L * o * k) {
            Tensor a = g3.permute(1, 0, 2).contiguous(), b = cols.permute(1, 0, 2).contiguous();   // [O, N, L], [K, N, L]
            dw = a.reshape(o, n * l).matmul(b.reshape(k, n * l).t());
            releaseScratch(a, dy);
            releaseScratch(b, cols);
            releaseScratch(cols, x);
        } else {
            Tensor perImage = g3.matmul(cols.transpose(1, 2));            // [N, O, L] · [N, L, K] → [N, O, K]
            releaseScratch(cols, x);
            dw = perImage.sum(0);
            perImage.release();
        }
        return dw.reshape(o, c, win.kh(), win.kw());
    }

    /** Stride 1, no padding, a 1×1 window: the input is its own column matrix. */
    public static boolean isPointwise(Window2d win) {
        return win.area() == 1 && win.strideH() == 1 && win.strideW() == 1 && win.padH() == 0 && win.padW() == 0;
    }

    private static Tensor columns(Tensor x, Window2d win) {
        return isPointwise(win) ? x.reshape(x.size(0), x.size(1), -1) : x.unfold2d(win, 0f);
    }

    /** Releases a scratch tensor made from {@code source} unless it is a view of it (a pointwise column matrix, an already contiguous permute). */
    private static void releaseScratch(Tensor scratch, Tensor source) {
        if (scratch.storage() != source.storage()) scratch.release();
    }
}
