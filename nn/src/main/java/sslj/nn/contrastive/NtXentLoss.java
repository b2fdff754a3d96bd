package sslj.nn.contrastive;

import java.util.Arrays;
import sslj.autograd.Variable;
import sslj.autograd.functions.NtXentOp;

/**
 * SimCLR's NT-Xent loss (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations", eq. 1): the normalised-temperature cross-entropy over the 2N projections of a batch
 * of N images seen under two augmentations. Each projection's positive is the other view of its image;
 * the other 2N − 2 projections are its negatives.
 *
 * <pre>
 *   z = normalise(cat(z1, z2))                  [2N, D], rows of unit length
 *   loss = (1/2N) Σ_i −log( exp(z_i·z_pos(i)/τ) / Σ_{j≠i} exp(z_i·z_j/τ) ),   pos(i) = (i + N) mod 2N
 * </pre>
 *
 * The normalisation is its own differentiable op, so the gradient flows through it into the encoder;
 * the loss itself is one fused op (forward and backward never build the 2N×2N similarity matrix).
 * SimCLR uses τ = 0.5 on CIFAR-10 and τ = 0.1 on ImageNet. Sanity values: when every projection is
 * the same vector the loss is log(2N − 1); a well-separated batch drives it towards 0.
 */
public final class NtXentLoss {
    private final float temperature;

    /** @param temperature τ > 0 and finite */
    public NtXentLoss(float temperature) {
        if (!(temperature > 0f) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("NtXentLoss: temperature must be finite and > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    public float temperature() { return temperature; }

    /** The loss of two views z1, z2 [N, D] (row k of z1 and row k of z2 come from the same image). */
    public Variable forward(Variable z1, Variable z2) {
        if (z1.dim() != 2 || !Arrays.equals(z1.shape(), z2.shape())) {
            throw new IllegalArgumentException("NtXentLoss: z1 and z2 must both be [N, D] with equal shapes, got "
                    + Arrays.toString(z1.shape()) + " and " + Arrays.toString(z2.shape()));
        }
        return forward(Variable.cat(0, z1, z2));
    }

    /** The loss of z [2N, D] with both views stacked: rows 0..N-1 view 1, rows N..2N-1 view 2. Not yet normalised. */
    public Variable forward(Variable z) {
        if (z.dim() != 2 || z.size(0) < 2 || z.size(0) % 2 != 0) {
            throw new IllegalArgumentException("NtXentLoss: z must be [2N, D] with an even number of rows >= 2, got "
                    + Arrays.toString(z.shape()));
        }
        return new NtXentOp(temperature).apply(z.l2Normalize(1));
    }
}
