package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/** Matrix product, softmax and its log, row normalisation, and the fused cross-entropy loss. */
public final class Linalg {
    private Linalg() { }

    /**
     * C = A·B with PyTorch's rank rules. For matrices dA = dC·Bᵀ and dB = Aᵀ·dC. The other cases reduce
     * to that one: a 1-d A is a row [1, K], a 1-d B a column [K, 1] (the output gradient gets the
     * missing dim back), and batch dims that were broadcast are summed away by unbroadcast.
     * Transposes are views: the backend multiplies them without a copy.
     */
    public static final class MatMul extends Function {
        private Tensor a, b;

        @Override protected Tensor forward(Tensor... x) {
            a = x[0];
            b = x[1];
            return a.matmul(b);
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
            Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
            Tensor g2 = g;
            if (a.dim() == 1) g2 = g2.unsqueeze(g2.dim() - (b.dim() == 1 ? 0 : 1));  // restore the row dim M = 1
            if (b.dim() == 1) g2 = g2.unsqueeze(g2.dim());                            // restore the column dim N = 1
            Tensor ga = null, gb = null;
            if (needsGrad(0)) ga = unbroadcast(g2.matmul(b2.transpose(-1, -2)), a2.shape()).reshape(a.shape());
            if (needsGrad(1)) gb = unbroadcast(a2.transpose(-1, -2).matmul(g2), b2.shape()).reshape(b.shape());
            return new Tensor[] {ga, gb};
        }
    }

    /** y = softmax(x) along dim; dx = y ⊙ (g − Σ g⊙y), the sum along dim. */
    public static final class Softmax extends Function {
        private final int dim;
        private Tensor y;

        public Softmax(int dim) { this.dim = dim; }

        @Override protected Tensor forward(Tensor... x) { return y = x[0].softmax(dim); }

        @Override protected Tensor[] backward(Tensor g) {
            int d = Shape.dim("softmax", dim, y.dim());
            Tensor dot = g.mul(y).sum(new int[] {d}, true);
            return new Tensor[] {y.mul(g.sub(dot))};
        }
    }

    /** y = x − logsumexp(x) along dim; dx = g − softmax(x) · Σ g, the sum along dim. */
    public static final class LogSoftmax extends Function {
        private final int dim;
        private Tensor y;

        public LogSoftmax(int dim) { this.dim = dim; }

        @Override protected Tensor forward(Tensor... x) { return y = x[0].logSoftmax(dim); }

        @Override protected Tensor[] backward(Tensor g) {
            int d = Shape.dim("logSoftmax", dim, y.dim());
            return new Tensor[] {g.sub(y.exp().mul(g.sum(new int[] {d}, true)))};
        }
    }

    /**
     * y = x / max(‖x‖, eps) along dim (F.normalize). Where ‖x‖ > eps, y = x/‖x‖ and
     * dx = (g − y·(g·y)) / ‖x‖: the gradient loses its component along y, since scaling x does not
     * change y. Where ‖x‖ ≤ eps the denominator is the constant eps and dx = g / eps.
     * Saved: y and the denominator (one value per row).
     */
    public static final class L2Normalize extends Function {
        private final int dim;
        private final float eps;
        private Tensor y, denom;
        private int d;

        public L2Normalize(int dim, float eps) { this.dim = dim; this.eps = eps; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            d = Shape.dim("l2Normalize", dim, x.dim());
            denom = x.square().sum(new int[] {d}, true).sqrt().clampMin(eps);
            return y = x.l2Normalize(dim, eps);
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor normed = denom.gt(eps);                       // 1 where ‖x‖ > eps: the projection applies
            Tensor radial = y.mul(g.mul(y).sum(new int[] {d}, true)).mul(normed);
            return new Tensor[] {g.sub(radial).div(denom)};
        }
    }

    /**
     * Mean cross-entropy of logits [N, C] against class indices [N]: −(1/N) Σ_i log softmax(x_i)[t_i].
     * Fused so backward is one line: dx = g · (softmax(x) − onehot(t)) / N. Saved: the softmax and the
     * one-hot targets.
     */
    public static final class CrossEntropy extends Function {
        private final Tensor targets;
        private Tensor probs, onehot;

        public CrossEntropy(Tensor targets) { this.targets = targets; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            if (x.dim() != 2 || targets.dim() != 1 || targets.size(0) != x.size(0)) {
                throw new IllegalArgumentException("crossEntropy: expects logits [N, C] and targets [N], got "
                        + Shape.str(x.shape()) + " and " + Shape.str(targets.shape()));
            }
            int n = x.size(0);
            Tensor idx = targets.reshape(n, 1);
            Tensor logp = x.logSoftmax(1);
            probs = logp.exp();
            onehot = Tensor.zeros(x.device(), x.shape()).scatterAdd(1, idx, Tensor.full(x.device(), 1f, n, 1));
            return logp.gather(1, idx).sum().div(-n);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {probs.sub(onehot).mul(g.div((float) probs.size(0)))};
        }
    }
}
