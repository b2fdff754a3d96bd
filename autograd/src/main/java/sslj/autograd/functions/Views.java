package sslj.autograd.functions;

import java.util.function.UnaryOperator;
import sslj.autograd.Function;
import sslj.tensor.Tensor;

/**
 * Views: the output shares the input's storage, so forward copies nothing. Backward routes each
 * gradient element back to the input element it viewed.
 */
public final class Views {
    private Views() { }

    /** reshape / view (and squeeze, unsqueeze, flatten): the gradient is reshaped back. */
    public static final class Reshape extends Function {
        private final int[] shape;
        private final boolean viewOnly;
        private int[] inShape;

        /** @param viewOnly like Tensor.view: fail rather than copy when the strides do not allow a view */
        public Reshape(int[] shape, boolean viewOnly) { this.shape = shape.clone(); this.viewOnly = viewOnly; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            return viewOnly ? x[0].view(shape) : x[0].reshape(shape);
        }

        // The incoming gradient may be any strided tensor, so reshape (which copies if it must), not view.
        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.reshape(inShape)}; }
    }

    /** permute (and transpose): the gradient is permuted by the inverse order. */
    public static final class Permute extends Function {
        private final int[] order;

        public Permute(int[] order) { this.order = order.clone(); }

        @Override protected Tensor forward(Tensor... x) { return x[0].permute(order); }

        @Override protected Tensor[] backward(Tensor g) {
            int[] inverse = new int[order.length];
            for (int i = 0; i < order.length; i++) inverse[Math.floorMod(order[i], order.length)] = i;
            return new Tensor[] {g.permute(inverse)};
        }
    }

    /** expand (broadcast with stride 0): each input element was used many times, so its gradients sum. */
    public static final class Expand extends Function {
        private final int[] shape;
        private int[] inShape;

        public Expand(int[] shape) { this.shape = shape.clone(); }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            return x[0].expand(shape);
        }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {unbroadcast(g, inShape)}; }
    }

    /**
     * A region of the input: narrow, slice (with a step) or select, given as the tensor op that cuts it.
     * Backward makes zeros of the input's shape and writes the gradient through the same cut: elements
     * outside the region get zero.
     */
    public static final class Slice extends Function {
        private final UnaryOperator<Tensor> region;
        private int[] inShape;

        /** @param region the view op, e.g. {@code x -> x.narrow(1, 2, 3)}; applied to the input and to the gradient */
        public Slice(UnaryOperator<Tensor> region) { this.region = region; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            return region.apply(x[0]);
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor full = Tensor.zeros(g.device(), inShape);
            region.apply(full).copy_(g);
            return new Tensor[] {full};
        }
    }
}
