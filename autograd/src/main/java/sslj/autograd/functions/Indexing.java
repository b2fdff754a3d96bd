package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Joining and index-driven reads. A read x[index] sends its gradient back with the transpose of the
 * read, a scatter-add: an element read twice receives both gradients.
 */
public final class Indexing {
    private Indexing() { }

    /** cat along dim: each input's gradient is its own stretch of the output's gradient. */
    public static final class Cat extends Function {
        private final int dim;
        private int[] sizes;

        public Cat(int dim) { this.dim = dim; }

        @Override protected Tensor forward(Tensor... xs) {
            if (xs.length == 0) throw new IllegalArgumentException("cat: no variables");
            int d = Shape.dim("cat", dim, xs[0].dim());
            sizes = new int[xs.length];
            for (int i = 0; i < xs.length; i++) sizes[i] = xs[i].size(d);
            return Tensor.cat(d, xs);
        }

        @Override protected Tensor[] backward(Tensor g) {
            int d = Shape.dim("cat", dim, g.dim());
            Tensor[] out = new Tensor[sizes.length];
            for (int i = 0, at = 0; i < sizes.length; at += sizes[i], i++) {
                if (needsGrad(i)) out[i] = g.narrow(d, at, sizes[i]);
            }
            return out;
        }
    }

    /**
     * indexSelect along dim with a 1-d index. Backward is a scatter-add along dim: the index is shaped
     * [1, .., k, .., 1] and expanded to the gradient's shape, so entry i of the index routes the whole
     * slice i of the gradient.
     */
    public static final class IndexSelect extends Function {
        private final int dim;
        private final Tensor index;
        private int[] inShape;

        public IndexSelect(int dim, Tensor index) { this.dim = dim; this.index = index; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            return x[0].indexSelect(dim, index);
        }

        @Override protected Tensor[] backward(Tensor g) {
            int d = Shape.dim("indexSelect", dim, inShape.length);
            int[] s = new int[inShape.length];
            java.util.Arrays.fill(s, 1);
            s[d] = index.size(0);
            Tensor idx = index.reshape(s).expand(g.shape());
            return new Tensor[] {Tensor.zeros(g.device(), inShape).scatterAdd(d, idx, g)};
        }
    }

    /** gather along dim (torch.gather); backward is scatterAdd with the same index. */
    public static final class Gather extends Function {
        private final int dim;
        private final Tensor index;
        private int[] inShape;

        public Gather(int dim, Tensor index) { this.dim = dim; this.index = index; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            return x[0].gather(dim, index);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Tensor.zeros(g.device(), inShape).scatterAdd(dim, index, g)};
        }
    }
}
