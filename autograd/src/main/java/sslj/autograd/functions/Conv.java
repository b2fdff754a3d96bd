package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/** 2-d convolution (cross-correlation, as every deep-learning library computes it), groups = 1. */
public final class Conv {
    private Conv() { }

    /**
     * y[n, o] = b[o] + Σ_c w[o, c] ⋆ x[n, c], computed as one GEMM per image over the unfolded input
     * (im2col): with cols = unfold(x) [N, K, L], K = C·kh·kw, L = OH·OW, and W = w viewed as [O, K],
     * <pre>
     *   forward   y    = W · cols            [N, O, L]  (+ b broadcast over L)
     *   backward  dW   = Σ_n dy[n] · cols[n]ᵀ [O, K]
     *             dx   = fold(Wᵀ · dy)        the column gradient summed back onto the pixels (col2im)
     *             db   = Σ_{n, l} dy
     * </pre>
     * Inputs: x [N, C, H, W], w [O, C, kh, kw], optionally b [O].
     *
     * <p>Saved: x, not cols. The column matrix is kh·kw times the input (9× for a 3×3 conv), and a
     * network keeps every layer's saved tensors alive until backward; recomputing the unfold in
     * backward costs one memory pass against the GEMM's K multiply-adds per output.
     * A 1×1 convolution with stride 1 and no padding needs no unfold at all: x viewed as [N, C, H·W] is
     * already its column matrix.
     */
    public static final class Conv2d extends Function {
        private final Window2d win;
        private Tensor x, w;
        private boolean hasBias;

        public Conv2d(Window2d win) { this.win = win; }

        @Override protected Tensor forward(Tensor... in) {
            x = in[0];
            w = in[1];
            Tensor b = in.length > 2 ? in[2] : null;
            hasBias = b != null;
            check(x, w, b);
            int n = x.size(0), o = w.size(0), oh = win.outH(x.size(2)), ow = win.outW(x.size(3));
            Tensor y = w.reshape(o, -1).matmul(columns(x));           // [O, K] · [N, K, L]: W is broadcast, not copied
            if (b != null) y = y.add(b.reshape(1, o, 1));
            return y.reshape(n, o, oh, ow);
        }

        @Override protected Tensor[] backward(Tensor g) {
            int n = x.size(0), o = w.size(0);
            Tensor g3 = g.reshape(n, o, -1);                          // [N, O, L]
            Tensor dx = null, dw = null, db = null;
            if (needsGrad(0)) {
                Tensor dcols = w.reshape(o, -1).transpose(0, 1).matmul(g3);   // [K, O] · [N, O, L] → [N, K, L]
                dx = isPointwise() ? dcols.reshape(x.shape()) : dcols.fold2d(win, x.size(2), x.size(3));
            }
            if (needsGrad(1)) {
                dw = g3.matmul(columns(x).transpose(1, 2)).sum(0).reshape(w.shape());  // Σ_n [O, L] · [L, K]
            }
            if (!hasBias) return new Tensor[] {dx, dw};
            if (needsGrad(2)) db = g.sum(0, 2, 3);
            return new Tensor[] {dx, dw, db};
        }

        private boolean isPointwise() {
            return win.area() == 1 && win.strideH() == 1 && win.strideW() == 1 && win.padH() == 0 && win.padW() == 0;
        }

        private Tensor columns(Tensor x) {
            return isPointwise() ? x.reshape(x.size(0), x.size(1), -1) : x.unfold2d(win, 0f);
        }

        private void check(Tensor x, Tensor w, Tensor b) {
            if (x.dim() != 4 || w.dim() != 4) {
                throw new IllegalArgumentException("conv2d: expects input [N, C, H, W] and weight [O, C, kh, kw], got "
                        + Shape.str(x.shape()) + " and " + Shape.str(w.shape()));
            }
            if (x.size(1) != w.size(1)) {
                throw new IllegalArgumentException("conv2d: input has " + x.size(1) + " channels but weight " + Shape.str(w.shape())
                        + " expects " + w.size(1));
            }
            if (w.size(2) != win.kh() || w.size(3) != win.kw()) {
                throw new IllegalArgumentException("conv2d: weight " + Shape.str(w.shape()) + " does not match the window (" + win + ")");
            }
            if (b != null && (b.dim() != 1 || b.size(0) != w.size(0))) {
                throw new IllegalArgumentException("conv2d: bias of shape " + Shape.str(b.shape()) + " for " + w.size(0) + " output channels");
            }
            if (win.outH(x.size(2)) < 1 || win.outW(x.size(3)) < 1) {
                throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape()) + " is smaller than the window (" + win + ")");
            }
        }
    }
}
