package sslj.nn.optim;

import java.util.List;
import java.util.Set;
import sslj.autograd.Variable;
import sslj.tensor.OptimizerSteps;
import sslj.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, dampening, L2 weight decay and Nesterov momentum, with
 * PyTorch's exact update rule ({@code torch.optim.SGD}; Sutskever et al. 2013 for the momentum form):
 * <pre>
 *   g ← ∇θ + λ·θ                                  (weight decay λ, coupled: an L2 term)
 *   b ← g                         on the first step
 *   b ← μ·b + (1 − τ)·g           afterwards        (momentum μ, dampening τ)
 *   d ← g + μ·b  if nesterov,  else  d ← b          (d ← g when μ = 0)
 *   θ ← θ − η·d
 * </pre>
 * MoCo v1 and InstDisc use lr 0.03, μ 0.9, λ 1e-4 (DESIGN.md §6). Each parameter's update is one fused
 * call ({@link OptimizerSteps#sgd}: tensor ops on the CPU, one launch on a GPU where they took ~9).
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening;
    private final boolean nesterov;

    /** Plain SGD with one lr for all groups (groups may override lr and weight decay). */
    public SGD(List<ParamGroup> groups, double lr) { this(groups, lr, 0, 0, 0, false); }

    /** SGD with momentum and weight decay, no dampening, no Nesterov. */
    public SGD(List<ParamGroup> groups, double lr, double momentum, double weightDecay) {
        this(groups, lr, momentum, 0, weightDecay, false);
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(groups, Check.nonNegative("lr", lr), Check.nonNegative("weightDecay", weightDecay));
        this.momentum = Check.unitOpen("momentum", momentum);
        this.dampening = Check.unitClosed("dampening", dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov requires momentum > 0 and dampening = 0, got momentum=" + momentum + " dampening=" + dampening);
        }
        this.nesterov = nesterov;
    }

    @Override
    protected void update(ParamGroup group, Variable p, Tensor grad, ParamState state) {
        Tensor theta = p.data(), buf = null;
        boolean first = false;
        if (momentum != 0) {
            buf = state.get("momentum_buffer");
            first = buf == null;
            if (first) buf = state.create("momentum_buffer", theta::zerosLike);   // set, not read, by the first step
        }
        // one fused step per parameter (Backend.sgdStep: one launch on a GPU instead of ~9)
        OptimizerSteps.sgd(theta, grad, buf, (float) group.lr(), (float) momentum, (float) dampening, (float) group.weightDecay(), nesterov, first);
    }

    @Override
    protected Set<String> slotNames() { return Set.of("momentum_buffer"); }
}
