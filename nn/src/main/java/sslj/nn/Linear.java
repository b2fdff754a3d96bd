package sslj.nn;

import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Shape;

/**
 * y = x Wᵀ + b, PyTorch's nn.Linear. The weight is stored [out, in] as in PyTorch, so a state dict
 * moves between the two unchanged; forward multiplies by the transposed <em>view</em> of W (no copy:
 * the backend's GEMM reads a column-major operand directly).
 *
 * <p>Accepts [N, in] and, like PyTorch, any [..., in]: the leading dims broadcast through matmul.
 * Initialisation is PyTorch's default (see {@link Init#defaultWeight}): U(−1/√in, 1/√in) for both.
 */
public final class Linear extends Module {
    private final int in, out;
    private final Variable weight, bias;   // bias is null when disabled

    /** A linear layer with a bias. */
    public Linear(int in, int out, Generator gen) { this(in, out, true, gen); }

    public Linear(int in, int out, boolean bias, Generator gen) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear: sizes must be >= 1, got in=" + in + " out=" + out);
        this.in = in;
        this.out = out;
        // Weight first, then bias, from one generator: the same draw order as torch.nn.Linear.reset_parameters.
        this.weight = registerParameter("weight", Init.defaultWeight(gen, in, out, in));
        this.bias = bias ? registerParameter("bias", Init.defaultBias(gen, in, out)) : null;
    }

    public int inFeatures() { return in; }
    public int outFeatures() { return out; }
    public Variable weight() { return weight; }
    /** The bias, or null for a layer built without one. */
    public Variable bias() { return bias; }

    @Override public Variable forward(Variable x) {
        if (x.dim() < 1 || x.size(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): input of shape " + Shape.str(x.shape())
                    + " does not end in " + in);
        }
        Variable y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }
}
