package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/** 2-d convolution (cross-correlation, as every deep-learning library computes it), groups = 1. */
public final class Conv {
    private Conv() { }

    /**
     * y[n, o] = b[o] + Σ_c w[o, c] ⋆ x[n, c], through the backend's convolution ops:
     * <pre>
     *   forward   y  = conv2d(x, w)                 (+ b broadcast over N, OH, OW)
     *   backward  dx = conv2dBackwardData(dy, w)    dW = conv2dBackwardFilter(x, dy)    db = Σ_{n, oh, ow} dy
     * </pre>
     * Inputs: x [N, C, H, W], w [O, C, kh, kw], optionally b [O]. The CPU backend computes these as
     * im2col + GEMM ({@link sslj.tensor.Im2colConv}); the CUDA backend with cuDNN where it loaded.
     *
     * <p>Saved: x and w, not the column matrix (kh·kw times the input, 9× for a 3×3 conv, and a network
     * keeps every layer's saved tensors alive until backward): backward recomputes the unfold.
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
            Tensor y = x.conv2d(w, win);
            if (b != null) y = y.add(b.reshape(1, w.size(0), 1, 1));
            return y;
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor dx = null, dw = null, db = null;
            if (needsGrad(0)) dx = g.conv2dBackwardData(w, win, x.size(2), x.size(3));
            if (needsGrad(1)) dw = x.conv2dBackwardFilter(g, win);
            if (!hasBias) return new Tensor[] {dx, dw};
            if (needsGrad(2)) db = g.sum(0, 2, 3);
            return new Tensor[] {dx, dw, db};
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
