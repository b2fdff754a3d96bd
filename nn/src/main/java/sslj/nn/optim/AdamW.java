package sslj.nn.optim;

import java.util.List;
import java.util.Set;
import sslj.autograd.Variable;
import sslj.tensor.OptimizerSteps;
import sslj.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019, "Decoupled Weight Decay
 * Regularization", Algorithm 2), in the form of PyTorch's {@code torch.optim.AdamW}:
 * <pre>
 *   θ ← θ·(1 − γ·λ)                         decay, decoupled from the gradient (lr γ, weight decay λ)
 *   m ← β₁·m + (1 − β₁)·g                   first moment (m, v start at 0)
 *   v ← β₂·v + (1 − β₂)·g²                  second moment
 *   θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)     bias-corrected, t = 1, 2, ...
 * </pre>
 * MoCo v3 trains ViTs with AdamW (DESIGN.md §6). The bias corrections are host-side doubles, rounded
 * once to float ({@link OptimizerSteps.AdamWScalars}); the per-element work is one fused call per
 * parameter ({@link OptimizerSteps#adamW}: tensor ops on the CPU, one launch on a GPU).
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;

    /** AdamW with β = (0.9, 0.999), ε = 1e-8 and weight decay 0.01 (PyTorch's defaults). */
    public AdamW(List<ParamGroup> groups, double lr) { this(groups, lr, 0.9, 0.999, 1e-8, 0.01); }

    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, Check.nonNegative("lr", lr), Check.nonNegative("weightDecay", weightDecay));
        this.beta1 = Check.unitOpen("beta1", beta1);
        this.beta2 = Check.unitOpen("beta2", beta2);
        this.eps = Check.nonNegative("eps", eps);
    }

    @Override
    protected void update(ParamGroup group, Variable p, Tensor grad, ParamState state) {
        Tensor theta = p.data();
        Tensor m = state.get("exp_avg"), v = state.get("exp_avg_sq");
        if (m == null) {
            m = state.create("exp_avg", theta::zerosLike);
            v = state.create("exp_avg_sq", theta::zerosLike);
        }
        // one fused step per parameter (Backend.adamWStep: one launch on a GPU instead of ~15)
        OptimizerSteps.adamW(theta, grad, m, v, OptimizerSteps.AdamWScalars.of(group.lr(), beta1, beta2, eps, group.weightDecay(), state.step()));
    }

    @Override
    protected Set<String> slotNames() { return Set.of("exp_avg", "exp_avg_sq"); }
}
