package sslj.nn.optim;

import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.tensor.Tensor;

/** Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() { }

    /**
     * Scales all gradients by one factor so that their global L2 norm is at most {@code maxNorm}:
     * <pre>
     *   n = √(Σ_p ‖∇p‖²),   c = min(1, maxNorm / (n + 1e-6)),   ∇p ← c·∇p
     * </pre>
     * Parameters with a null gradient are skipped. The factor is a rank-0 tensor on the gradients'
     * device (no branch on the host), so gradients under the limit are multiplied by exactly 1.
     *
     * @return n, the total norm before clipping (NaN or ∞ when a gradient holds them)
     */
    @SuppressWarnings("try")   // the NoGrad scope is used for its effect, not referenced in the body
    public static float clipGradNorm(Iterable<Variable> params, double maxNorm) {
        Check.nonNegative("maxNorm", maxNorm);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor sumSq = null;
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor s = g.square().sum();
                sumSq = sumSq == null ? s : sumSq.add(s.to(sumSq.device()));
            }
            if (sumSq == null) return 0f;
            Tensor norm = sumSq.sqrt();
            Tensor coef = Tensor.full(norm.device(), (float) maxNorm).div(norm.add(1e-6f)).clampMax(1f);
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g != null) g.copy_(g.mul(coef.to(g.device())));
            }
            return norm.item();
        }
    }
}
