package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Reductions over a set of dims (empty: all). Backward first puts the reduced dims back as size 1
 * ({@link #keepShape}), so the gradient broadcasts against the input.
 */
public final class Reductions {
    private Reductions() { }

    /** The input's shape with the reduced dims set to 1: the shape of a keepdim result. */
    static int[] keepShape(int[] in, int[] dims) {
        int[] s = in.clone();
        for (int d : dims) s[d] = 1;
        return s;
    }

    /** The number of elements reduced into each output element. */
    static long count(int[] in, int[] dims) {
        long n = 1;
        for (int d : dims) n *= in[d];
        return n;
    }

    /** Σ over dims: every input element gets the gradient of its sum. */
    public static final class Sum extends Function {
        private final int[] dims;
        private final boolean keepdim;
        private int[] inShape, resolved;

        public Sum(int[] dims, boolean keepdim) { this.dims = dims.clone(); this.keepdim = keepdim; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            resolved = Shape.dims("sum", dims, inShape.length);
            return x[0].sum(dims, keepdim);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(keepShape(inShape, resolved)).expand(inShape)};
        }
    }

    /** Mean over dims: the gradient of the sum, divided by the count. */
    public static final class Mean extends Function {
        private final int[] dims;
        private final boolean keepdim;
        private int[] inShape, resolved;

        public Mean(int[] dims, boolean keepdim) { this.dims = dims.clone(); this.keepdim = keepdim; }

        @Override protected Tensor forward(Tensor... x) {
            inShape = x[0].shape();
            resolved = Shape.dims("mean", dims, inShape.length);
            return x[0].mean(dims, keepdim);
        }

        @Override protected Tensor[] backward(Tensor g) {
            float n = (float) count(inShape, resolved);
            return new Tensor[] {g.reshape(keepShape(inShape, resolved)).div(n).expand(inShape)};
        }
    }

    /**
     * Max over dims. The gradient of each output goes to exactly one input element: the first maximum
     * in row-major order over the reduced dims. This is what PyTorch's max(dim) does (the element its
     * returned index names); PyTorch's all-dims max()/amax instead split the gradient among ties. One
     * winner keeps the rule the same for every call and the gradient's sum equal to the output's.
     *
     * <p>Tensor.argmax reduces one dim, so forward moves the reduced dims last, flattens them into one,
     * and takes the argmax there; backward scatters the gradient to that position and undoes the moves.
     */
    public static final class Max extends Function {
        private final int[] dims;
        private final boolean keepdim;
        private int[] order, movedShape, flatShape;
        private Tensor argmax;

        public Max(int[] dims, boolean keepdim) { this.dims = dims.clone(); this.keepdim = keepdim; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            int rank = x.dim();
            int[] d = Shape.dims("max", dims, rank);
            boolean[] reduced = new boolean[rank];
            for (int i : d) reduced[i] = true;
            order = new int[rank];
            int k = 0;
            for (int i = 0; i < rank; i++) if (!reduced[i]) order[k++] = i;   // kept dims first...
            int kept = k;
            for (int i = 0; i < rank; i++) if (reduced[i]) order[k++] = i;    // ...then the reduced ones
            Tensor moved = x.permute(order);
            movedShape = moved.shape();
            flatShape = new int[kept + 1];
            System.arraycopy(movedShape, 0, flatShape, 0, kept);
            flatShape[kept] = (int) count(x.shape(), d);
            argmax = moved.reshape(flatShape).argmax(kept, true);
            return x.max(dims, keepdim);
        }

        @Override protected Tensor[] backward(Tensor g) {
            int[] gShape = argmax.shape();                         // [kept..., 1]
            Tensor flat = Tensor.zeros(g.device(), flatShape).scatterAdd(flatShape.length - 1, argmax, g.reshape(gShape));
            int[] inverse = new int[order.length];
            for (int i = 0; i < order.length; i++) inverse[order[i]] = i;
            return new Tensor[] {flat.reshape(movedShape).permute(inverse)};
        }
    }

    /** log Σ exp over dims; its derivative is the softmax over those dims: exp(x − lse). */
    public static final class LogSumExp extends Function {
        private final int[] dims;
        private final boolean keepdim;
        private Tensor x, lseKeep;

        public LogSumExp(int[] dims, boolean keepdim) { this.dims = dims.clone(); this.keepdim = keepdim; }

        @Override protected Tensor forward(Tensor... in) {
            x = in[0];
            Tensor out = x.logsumexp(dims, keepdim);
            lseKeep = out.reshape(keepShape(x.shape(), Shape.dims("logsumexp", dims, x.dim())));
            return out;
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor softmax = x.sub(lseKeep).exp();
            return new Tensor[] {softmax.mul(g.reshape(lseKeep.shape()))};
        }
    }

    /**
     * Variance with Bessel's correction c: Σ (x − x̄)² / (n − c). d/dx_i = 2 (x_i − x̄) / (n − c)
     * (the x̄ term's derivative sums to zero). Forward computes the centred values itself, as
     * Tensor.var does, so that backward can reuse them.
     */
    public static final class Var extends Function {
        private final int[] dims;
        private final int correction;
        private final boolean keepdim;
        private Tensor centred;
        private int[] keep;
        private float denom;

        public Var(int[] dims, int correction, boolean keepdim) {
            this.dims = dims.clone();
            this.correction = correction;
            this.keepdim = keepdim;
        }

        @Override protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            int[] d = Shape.dims("var", dims, x.dim());
            keep = keepShape(x.shape(), d);
            denom = (float) Math.max(0, count(x.shape(), d) - correction);
            centred = x.sub(x.mean(d, true));
            return centred.square().sum(d, keepdim).div(denom);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {centred.mul(g.reshape(keep)).mul(2f / denom)};
        }
    }
}
