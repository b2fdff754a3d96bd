package sslj.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sslj.tensor.Tensor;

/**
 * One differentiable operation: its forward maths and its backward maths side by side (tinygrad's
 * mlops.py, minitorch's tensor_functions.py). A subclass computes the output from plain tensors in
 * {@link #forward}, keeps in its own fields only what {@link #backward} will read, and in backward turns
 * the gradient of the output into one gradient per input.
 *
 * <p>Each instance is used once: {@link #apply} runs forward and, when some input requires a gradient
 * and gradients are enabled ({@link NoGrad}), records this instance as the output's creator. Backward
 * works on tensors, not Variables, so no graph is built while differentiating (no double backward).
 */
public abstract class Function {
    private Variable[] inputs;      // the graph edges; null until recorded and after release
    private boolean[] needsGrad;    // which inputs want a gradient
    private boolean applied;

    /** Computes the output from the inputs' data; saves what backward needs in fields. */
    protected abstract Tensor forward(Tensor... x);

    /**
     * The gradient of the loss with respect to each input, given its gradient with respect to the
     * output (same shape as the output). Entry i may be null when {@code !needsGrad(i)}.
     * Each entry must have input i's shape; {@link #unbroadcast} helps with broadcasting ops.
     */
    protected abstract Tensor[] backward(Tensor grad);

    /** Whether input i wants a gradient; forward may skip saving, backward may skip computing. */
    protected final boolean needsGrad(int i) { return needsGrad[i]; }

    /** Runs forward on the inputs' data and records the op in the graph when a gradient will be needed. */
    public final Variable apply(Variable... xs) {
        if (applied) throw new IllegalStateException(name() + ": a Function instance is applied once; create a new one");
        applied = true;
        boolean enabled = NoGrad.isGradEnabled(), any = false;
        Tensor[] data = new Tensor[xs.length];
        needsGrad = new boolean[xs.length];
        for (int i = 0; i < xs.length; i++) {
            data[i] = xs[i].data();
            needsGrad[i] = enabled && xs[i].requiresGrad();
            any |= needsGrad[i];
        }
        Tensor out = forward(data);
        if (!any) return Variable.constant(out);  // nothing to differentiate: this Function is dropped
        inputs = xs.clone();
        return new Variable(out, this);
    }

    /** The inputs this op was applied to (the graph edges), for the engine. */
    final Variable[] inputs() { return inputs; }

    /** Forgets the inputs, so that the graph behind this op can be collected after backward. */
    final void release() { inputs = null; }

    /** The op's name for error messages: the simple class name, e.g. "Mul". */
    public String name() { return getClass().getSimpleName(); }

    /**
     * Reduces a gradient of a broadcast result back to an input's shape: sums over the leading dims the
     * input lacked and (keeping them) over the dims where the input had size 1, then reshapes.
     * Example: bias [3] added to [5, 3] gets grad.sum(0); [3, 1] + [1, 4] gets sums over dim 1 and dim 0.
     */
    public static Tensor unbroadcast(Tensor grad, int[] shape) {
        int[] gs = grad.shape();
        if (Arrays.equals(gs, shape)) return grad;
        int lead = gs.length - shape.length;
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims.add(i);
        }
        Tensor r = dims.isEmpty() ? grad : grad.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return r.reshape(shape);
    }
}
