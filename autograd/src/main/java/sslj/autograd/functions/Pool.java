package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * 2-d max and average pooling over [N, C, H, W]. Both treat each channel plane as an image of one
 * channel, unfold it ([N·C, kh·kw, L]) and reduce over the window dimension; backward puts the
 * gradient back into window form and folds it (col2im), which sums the contributions of overlapping
 * windows. Built on tensor ops only, so it runs wherever unfold/fold do.
 */
public final class Pool {
    private Pool() { }

    /**
     * y = max over each window; pixels outside the image are −∞ (they never win). The gradient of each
     * output goes to ONE input: the first maximum of its window in row-major (kernel row, kernel
     * column) order, the element argmax picks. PyTorch's CPU kernel makes the same choice (it updates
     * only on a strictly greater value). Saved: the winning positions.
     */
    public static final class MaxPool2d extends Function {
        private final Window2d win;
        private int[] shape;
        private Tensor argmax;

        public MaxPool2d(Window2d win) { this.win = win; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            shape = x.shape();
            checkPool("maxPool2d", x, win);
            Tensor cols = planes(x).unfold2d(win, Float.NEGATIVE_INFINITY);   // [N·C, kh·kw, L]
            argmax = cols.argmax(1, true);                                    // [N·C, 1, L]
            return cols.gather(1, argmax).reshape(outShape(shape, win));
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor g3 = g.reshape(argmax.shape());
            Tensor dcols = Tensor.zeros(g.device(), shape[0] * shape[1], win.area(), g3.size(2)).scatterAdd(1, argmax, g3);
            return new Tensor[] {dcols.fold2d(win, shape[2], shape[3]).reshape(shape)};
        }
    }

    /**
     * y = mean over each window, padding counted as zeros in the divisor kh·kw (PyTorch's default
     * count_include_pad = True). dx = fold(dy / (kh·kw) repeated over the window).
     */
    public static final class AvgPool2d extends Function {
        private final Window2d win;
        private int[] shape;

        public AvgPool2d(Window2d win) { this.win = win; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            shape = x.shape();
            checkPool("avgPool2d", x, win);
            return planes(x).unfold2d(win, 0f).mean(1).reshape(outShape(shape, win));
        }

        @Override protected Tensor[] backward(Tensor g) {
            int planes = shape[0] * shape[1], l = g.numel() / planes;
            Tensor dcols = g.reshape(planes, 1, l).div((float) win.area()).expand(planes, win.area(), l);
            return new Tensor[] {dcols.fold2d(win, shape[2], shape[3]).reshape(shape)};
        }
    }

    /** [N, C, H, W] viewed as N·C one-channel images. */
    private static Tensor planes(Tensor x) {
        return x.reshape(x.size(0) * x.size(1), 1, x.size(2), x.size(3));
    }

    private static int[] outShape(int[] s, Window2d win) {
        return new int[] {s[0], s[1], win.outH(s[2]), win.outW(s[3])};
    }

    /** PyTorch's rules: 4-d input, padding at most half the kernel (so no window is all padding), output ≥ 1. */
    private static void checkPool(String op, Tensor x, Window2d win) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + ": expects [N, C, H, W], got " + Shape.str(x.shape()));
        if (2 * win.padH() > win.kh() || 2 * win.padW() > win.kw()) {
            throw new IllegalArgumentException(op + ": padding should be at most half the kernel size (" + win + ")");
        }
        if (win.outH(x.size(2)) < 1 || win.outW(x.size(3)) < 1) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape()) + " is smaller than the window (" + win + ")");
        }
    }
}
