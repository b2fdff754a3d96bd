package sslj.nn.optim;

import java.util.List;
import java.util.Set;
import sslj.autograd.Variable;
import sslj.tensor.OptimizerSteps;
import sslj.tensor.Tensor;

/**
 * Layer-wise Adaptive Rate Scaling (You, Gitman and Ginsburg 2017, "Large Batch Training of
 * Convolutional Networks", Algorithm 1), the optimiser of SimCLR and BYOL for large batches.
 * Each parameter tensor (a "layer") gets its own local learning rate from the ratio of its norms:
 * <pre>
 *   λ ← η·‖θ‖ / (‖∇θ‖ + β·‖θ‖ + ε)        trust coefficient η, weight decay β;
 *                                          λ = 1 when ‖θ‖ = 0 or ‖∇θ‖ = 0
 *   v ← μ·v + γ·λ·(∇θ + β·θ)              global lr γ, momentum μ (v starts at 0)
 *   θ ← θ − v
 * </pre>
 * Parameters in {@link ParamGroup#excluded() excluded} groups (biases, batch-norm parameters:
 * SimCLR's {@code exclude_from_layer_adaptation}, BYOL's {@code exclude_bias_from_adaption}) get
 * neither adaptation nor weight decay: v ← μ·v + γ·∇θ. SimCLR: lr 0.3·B/256, wd 1e-6; BYOL: lr
 * 0.2·B/256, wd 1.5e-6; both μ 0.9, η 0.001 (DESIGN.md §6).
 *
 * <p>Each parameter's update is one fused call ({@link OptimizerSteps#lars}, computed by the backend's
 * {@code larsStep}: tensor ops on the CPU, two launches on a GPU where the composed ops took ~25). The
 * norms never leave the device, so a GPU step does not synchronise. (SimCLR's TensorFlow code takes ‖∇θ‖ after
 * adding β·θ to the gradient; this class follows the paper's denominator ‖∇θ‖ + β·‖θ‖.)
 */
public final class LARS extends Optimizer {
    private final double momentum, trustCoefficient, eps;

    /** LARS with momentum 0.9, trust coefficient 0.001 and ε 0. */
    public LARS(List<ParamGroup> groups, double lr, double weightDecay) { this(groups, lr, 0.9, weightDecay, 0.001, 0); }

    public LARS(List<ParamGroup> groups, double lr, double momentum, double weightDecay, double trustCoefficient, double eps) {
        super(groups, Check.nonNegative("lr", lr), Check.nonNegative("weightDecay", weightDecay));
        this.momentum = Check.unitOpen("momentum", momentum);
        this.trustCoefficient = Check.positive("trustCoefficient", trustCoefficient);
        this.eps = Check.nonNegative("eps", eps);
    }

    @Override
    protected void update(ParamGroup group, Variable p, Tensor grad, ParamState state) {
        Tensor theta = p.data();
        Tensor v = state.get("momentum_buffer");
        if (v == null) v = state.create("momentum_buffer", theta::zerosLike);   // v₀ = 0
        // one fused step per parameter (Backend.larsStep: two launches on a GPU instead of ~25)
        OptimizerSteps.lars(theta, grad, v, (float) group.lr(), (float) momentum, (float) group.weightDecay(),
                (float) trustCoefficient, (float) eps, !group.excluded());
    }

    @Override
    protected Set<String> slotNames() { return Set.of("momentum_buffer"); }
}
