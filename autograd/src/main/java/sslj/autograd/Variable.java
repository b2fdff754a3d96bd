package sslj.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sslj.autograd.functions.Arithmetic;
import sslj.autograd.functions.Indexing;
import sslj.autograd.functions.Linalg;
import sslj.autograd.functions.Reductions;
import sslj.autograd.functions.Unary;
import sslj.autograd.functions.Views;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * A tensor in the autograd graph: its value {@link #data()}, whether it {@link #requiresGrad()}, the
 * op that created it ({@code gradFn}, null for a leaf) and, for leaves that require grad, the
 * accumulated gradient {@link #grad()} after {@link #backward()}.
 *
 * <p>The op methods below mirror PyTorch's; each applies one {@link Function} from
 * {@code sslj.autograd.functions}, which records the graph. The engine is {@link Engine}.
 */
public final class Variable {
    private Tensor data;
    private boolean requiresGrad;
    private Function gradFn;          // the op that made this value; null for leaves and after release
    private boolean graphReleased;    // true once backward has freed gradFn
    private Tensor grad;

    private Variable(Tensor data, boolean requiresGrad) {
        this.data = data;
        this.requiresGrad = requiresGrad;
    }

    /** An op's output, recorded in the graph (used by {@link Function#apply}). */
    Variable(Tensor data, Function gradFn) {
        this(data, true);
        this.gradFn = gradFn;
    }

    /** A leaf that requires grad: a trainable parameter. */
    public static Variable param(Tensor data) { return new Variable(data, true); }

    /** A leaf that does not require grad: an input, a label, a fixed weight. */
    public static Variable constant(Tensor data) { return new Variable(data, false); }

    // ---------------------------------------------------------------- state

    public Tensor data() { return data; }
    public Tensor grad() { return grad; }
    public boolean requiresGrad() { return requiresGrad; }
    public int[] shape() { return data.shape(); }
    public int dim() { return data.dim(); }
    public int size(int dim) { return data.size(dim); }
    public float item() { return data.item(); }

    /** True for a value not made by a recorded op (a parameter, an input, a detached value). */
    public boolean isLeaf() { return gradFn == null && !graphReleased; }

    /** The op that made this value, or null for a leaf. */
    public Function gradFn() { return gradFn; }

    /** Turns gradient tracking on or off for a leaf (an op's output inherits it from its inputs). Returns this. */
    public Variable requiresGrad(boolean on) {
        if (!isLeaf()) throw new IllegalStateException("requiresGrad: only a leaf can change it; this value was made by " + describeCreator() + "; use detach()");
        requiresGrad = on;
        return this;
    }

    /**
     * Replaces a leaf's value with another tensor of the same shape (PyTorch's {@code p.data = t}):
     * how a module moves its parameters into one contiguous arena or onto another device without the
     * layers that hold this Variable noticing. The gradient, if any, is dropped.
     */
    public Variable setData(Tensor newData) {
        if (!isLeaf()) throw new IllegalStateException("setData: only a leaf's data can be replaced; this value was made by " + describeCreator());
        if (!Arrays.equals(newData.shape(), data.shape())) {
            throw new IllegalArgumentException("setData: new data of shape " + Shape.str(newData.shape()) + " for a value of shape " + Shape.str(data.shape()));
        }
        data = newData;
        grad = null;
        return this;
    }

    /** Forgets the accumulated gradient (PyTorch's set-to-None). */
    public void zeroGrad() { grad = null; }

    /** The same data, cut from the graph: no gradient flows back through the result. */
    public Variable detach() { return new Variable(data, false); }

    // ---------------------------------------------------------------- backward

    /** Backpropagates from this one-element output (a loss): d(this)/d(this) = 1. */
    public void backward() {
        if (data.numel() != 1) {
            throw new IllegalStateException("backward: output of shape " + Shape.str(data.shape()) + " has " + data.numel()
                    + " elements; backward() needs a scalar (one element), else call backward(outputGrad)");
        }
        backward(Tensor.full(data.device(), 1f, data.shape()), false);
    }

    /** Backpropagates {@code outputGrad} (the gradient of some loss with respect to this value). */
    public void backward(Tensor outputGrad) { backward(outputGrad, false); }

    /**
     * Backpropagates; with {@code retainGraph} the graph is kept so that backward may run through it
     * again (for example two losses sharing a trunk), otherwise it is released.
     */
    public void backward(Tensor outputGrad, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this value does not require grad (no input requires grad, or it was computed under NoGrad)");
        }
        if (!Arrays.equals(outputGrad.shape(), data.shape())) {
            throw new IllegalArgumentException("backward: output gradient of shape " + Shape.str(outputGrad.shape())
                    + " for an output of shape " + Shape.str(data.shape()));
        }
        Engine.backward(this, outputGrad, retainGraph);
    }

    /** grad += g, for a leaf; the first gradient is copied so that .grad never aliases another tensor. */
    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.copy() : grad.add(g);
    }

    /** Called by the engine after this node's backward: drop the op and with it the saved tensors. */
    void releaseGraph() {
        gradFn.release();
        gradFn = null;
        graphReleased = true;
    }

    void checkNotReleased() {
        if (graphReleased) {
            throw new IllegalStateException("backward: the graph behind this value was already released by an earlier backward(); "
                    + "pass retainGraph=true to the first backward to go through the graph twice");
        }
    }

    private String describeCreator() { return gradFn != null ? gradFn.name() : "an op (graph released)"; }

    @Override
    public String toString() {
        return "Variable" + Shape.str(data.shape()) + (requiresGrad ? " requiresGrad" : "")
                + (gradFn != null ? " gradFn=" + gradFn.name() : "") + " " + data;
    }

    // ================================================================ ops (each one Function)

    // ---- arithmetic, broadcasting
    public Variable add(Variable o) { return new Arithmetic.Add().apply(this, o); }
    public Variable sub(Variable o) { return new Arithmetic.Sub().apply(this, o); }
    public Variable mul(Variable o) { return new Arithmetic.Mul().apply(this, o); }
    public Variable div(Variable o) { return new Arithmetic.Div().apply(this, o); }
    public Variable add(float c) { return new Arithmetic.AddScalar(c).apply(this); }
    public Variable sub(float c) { return new Arithmetic.AddScalar(-c).apply(this); }
    public Variable mul(float c) { return new Arithmetic.MulScalar(c).apply(this); }
    public Variable div(float c) { return new Arithmetic.MulScalar(1f / c).apply(this); }
    public Variable neg() { return new Arithmetic.MulScalar(-1f).apply(this); }
    /** Elementwise max; where a == b the gradient is split evenly (as PyTorch). */
    public Variable maximum(Variable o) { return new Arithmetic.Maximum().apply(this, o); }
    /** Elementwise min; where a == b the gradient is split evenly. */
    public Variable minimum(Variable o) { return new Arithmetic.Minimum().apply(this, o); }
    /** cond ≠ 0 ? a : b, broadcasting all three; cond is a plain tensor (no gradient). */
    public static Variable where(Tensor cond, Variable a, Variable b) { return new Arithmetic.Where(cond).apply(a, b); }

    // ---- elementwise functions
    public Variable exp() { return new Unary.Exp().apply(this); }
    public Variable log() { return new Unary.Log().apply(this); }
    public Variable sqrt() { return new Unary.Sqrt().apply(this); }
    public Variable rsqrt() { return new Unary.Rsqrt().apply(this); }
    public Variable abs() { return new Unary.Abs().apply(this); }
    public Variable relu() { return new Unary.Relu().apply(this); }
    public Variable gelu() { return new Unary.Gelu().apply(this); }
    public Variable sigmoid() { return new Unary.Sigmoid().apply(this); }
    public Variable tanh() { return new Unary.Tanh().apply(this); }
    public Variable pow(float exponent) { return new Unary.Pow(exponent).apply(this); }
    public Variable square() { return new Unary.Square().apply(this); }
    /** Clamps into [lo, hi]; the gradient passes where lo ≤ x ≤ hi (as PyTorch). */
    public Variable clamp(float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        return new Unary.Clamp(lo, hi).apply(this);
    }
    public Variable clampMin(float lo) { return clamp(lo, Float.POSITIVE_INFINITY); }
    public Variable clampMax(float hi) { return clamp(Float.NEGATIVE_INFINITY, hi); }

    // ---- reductions (empty dims: all dims)
    public Variable sum() { return sum(new int[0], false); }
    public Variable sum(int... dims) { return sum(dims, false); }
    public Variable sum(int[] dims, boolean keepdim) { return new Reductions.Sum(dims, keepdim).apply(this); }
    public Variable mean() { return mean(new int[0], false); }
    public Variable mean(int... dims) { return mean(dims, false); }
    public Variable mean(int[] dims, boolean keepdim) { return new Reductions.Mean(dims, keepdim).apply(this); }
    /** The maximum; the gradient goes to one element per output: the first maximum in row-major order. */
    public Variable max() { return max(new int[0], false); }
    public Variable max(int[] dims, boolean keepdim) { return new Reductions.Max(dims, keepdim).apply(this); }
    /** The minimum, as -max(-x) (gradient to the first minimum). */
    public Variable min() { return neg().max().neg(); }
    public Variable min(int[] dims, boolean keepdim) { return neg().max(dims, keepdim).neg(); }
    public Variable logsumexp(int[] dims, boolean keepdim) { return new Reductions.LogSumExp(dims, keepdim).apply(this); }
    /** Variance with Bessel's correction (1: unbiased, 0: population). */
    public Variable var(int[] dims, int correction, boolean keepdim) { return new Reductions.Var(dims, correction, keepdim).apply(this); }

    // ---- linear algebra, normalisation, losses
    /** Matrix product with PyTorch's rank rules (1-d, 2-d, broadcast batches), as {@link Tensor#matmul}. */
    public Variable matmul(Variable o) { return new Linalg.MatMul().apply(this, o); }
    public Variable softmax(int dim) { return new Linalg.Softmax(dim).apply(this); }
    public Variable logSoftmax(int dim) { return new Linalg.LogSoftmax(dim).apply(this); }
    /** x / max(‖x‖₂, 1e-12) along dim (F.normalize). */
    public Variable l2Normalize(int dim) { return l2Normalize(dim, 1e-12f); }
    public Variable l2Normalize(int dim, float eps) { return new Linalg.L2Normalize(dim, eps).apply(this); }
    /** Mean cross-entropy of logits [N, C] against class indices [N] (whole numbers in float32). */
    public Variable crossEntropy(Tensor targets) { return new Linalg.CrossEntropy(targets).apply(this); }

    // ---- views (the result shares storage; the gradient is routed back to the viewed elements)
    public Variable reshape(int... shape) { return new Views.Reshape(shape, false).apply(this); }
    /** Like reshape but never copies: fails when the strides do not allow a view. */
    public Variable view(int... shape) { return new Views.Reshape(shape, true).apply(this); }
    public Variable flatten() { return reshape(data.numel()); }
    public Variable squeeze() { return reshape(data.squeeze().shape()); }
    public Variable squeeze(int dim) { return reshape(data.squeeze(dim).shape()); }
    public Variable unsqueeze(int dim) { return reshape(data.unsqueeze(dim).shape()); }
    public Variable permute(int... order) { return new Views.Permute(order).apply(this); }
    public Variable transpose(int d0, int d1) {
        int a = Shape.dim("transpose", d0, dim()), b = Shape.dim("transpose", d1, dim());
        int[] order = new int[dim()];
        for (int i = 0; i < order.length; i++) order[i] = i == a ? b : i == b ? a : i;
        return permute(order);
    }
    public Variable t() {
        if (dim() != 2) throw new IllegalStateException("t: expects a 2-d variable, got shape " + Shape.str(shape()));
        return transpose(0, 1);
    }
    public Variable expand(int... shape) { return new Views.Expand(shape).apply(this); }
    public Variable narrow(int dim, int start, int length) { return new Views.Slice(x -> x.narrow(dim, start, length)).apply(this); }
    public Variable slice(int dim, int start, int end, int step) { return new Views.Slice(x -> x.slice(dim, start, end, step)).apply(this); }
    public Variable select(int dim, int index) { return new Views.Slice(x -> x.select(dim, index)).apply(this); }

    // ---- joining, splitting, indexing
    public static Variable cat(int dim, List<Variable> xs) { return new Indexing.Cat(dim).apply(xs.toArray(new Variable[0])); }
    public static Variable cat(int dim, Variable... xs) { return cat(dim, Arrays.asList(xs)); }
    /** Stacks equal-shaped variables along a new dim: unsqueeze each, then cat. */
    public static Variable stack(int dim, List<Variable> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: no variables");
        List<Variable> u = new ArrayList<>();
        for (Variable x : xs) {
            if (!Arrays.equals(x.shape(), xs.get(0).shape())) throw new IllegalArgumentException("stack: shapes " + Shape.str(xs.get(0).shape()) + " and " + Shape.str(x.shape()) + " differ");
            u.add(x.unsqueeze(dim));
        }
        return cat(dim, u);
    }
    public static Variable stack(int dim, Variable... xs) { return stack(dim, Arrays.asList(xs)); }
    /** Pieces of at most {@code size} along dim, each a narrow of this (their gradients add up here). */
    public List<Variable> split(int size, int dim) {
        List<Variable> parts = new ArrayList<>();
        int d = Shape.dim("split", dim, dim());
        if (size < 1) throw new IllegalArgumentException("split: size must be >= 1, got " + size);
        for (int start = 0; start < size(d); start += size) parts.add(narrow(d, start, Math.min(size, size(d) - start)));
        return parts;
    }
    /** Slices of dim chosen by a 1-d index tensor; repeated indices receive summed gradients. */
    public Variable indexSelect(int dim, Tensor index) { return new Indexing.IndexSelect(dim, index).apply(this); }
    /** torch.gather: out[i][j] = x[index[i][j]][j] for dim 0; backward scatter-adds. */
    public Variable gather(int dim, Tensor index) { return new Indexing.Gather(dim, index).apply(this); }
}
