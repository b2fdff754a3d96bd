package sslj.nn;

import java.util.Arrays;
import sslj.autograd.Variable;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Layer normalisation (Ba, Kiros and Hinton 2016), PyTorch's nn.LayerNorm: each sample is normalised
 * over its trailing {@code normalizedShape} dims, y = (x − mean) / √(var + eps) · γ + β, with the
 * biased (population) variance, as PyTorch. γ = 1 and β = 0 at the start, shaped like
 * {@code normalizedShape}; {@code elementwiseAffine = false} leaves them out.
 *
 * <p>Built from autograd ops (mean, var, rsqrt, mul, add), so its backward is theirs and it runs on any
 * device; a fused kernel can replace it later without changing this class's contract.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final float eps;
    private final Variable weight, bias;   // null without affine

    /** Normalises over the last dimension, of size {@code features}, with eps 1e-5 and an affine transform. */
    public LayerNorm(int features) { this(new int[] {features}, 1e-5f, true); }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalizedShape must have at least one dim");
        Shape.check(normalizedShape);
        if (!(eps >= 0)) throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    public int[] normalizedShape() { return normalizedShape.clone(); }
    public float eps() { return eps; }

    @Override public Variable forward(Variable x) {
        int k = normalizedShape.length, r = x.dim();
        int[] tail = r >= k ? Arrays.copyOfRange(x.shape(), r - k, r) : null;
        if (!Arrays.equals(tail, normalizedShape)) {
            throw new IllegalArgumentException("LayerNorm" + Shape.str(normalizedShape) + ": input of shape " + Shape.str(x.shape())
                    + " does not end in " + Shape.str(normalizedShape));
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = r - k + i;
        Variable centred = x.sub(x.mean(dims, true));
        // var(·, correction 0) of x equals that of the centred x; computing it on centred reuses the subtraction.
        Variable inv = centred.square().mean(dims, true).add(eps).rsqrt();
        Variable y = centred.mul(inv);
        return weight == null ? y : y.mul(weight).add(bias);
    }
}
