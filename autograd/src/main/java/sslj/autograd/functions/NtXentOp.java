package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.NtXent;
import sslj.tensor.Tensor;

/**
 * The fused NT-Xent loss as one autograd op: z [2N, D] (rows already normalised) → the scalar mean loss.
 * Forward keeps z and the per-row log-sum-exp (2N floats); backward hands both to the fused backward,
 * which recomputes the similarity tiles instead of storing them (DESIGN.md §4):
 * dz_i = g/(2N·τ) · ( Σ_j (P_ij + P_ji) z_j − 2 z_pos(i) ).
 */
public final class NtXentOp extends Function {
    private final float tau;
    private Tensor z, lse;

    public NtXentOp(float tau) { this.tau = tau; }

    @Override protected Tensor forward(Tensor... x) {
        Tensor[] out = NtXent.forward(x[0], tau);
        z = x[0];
        lse = out[1];
        return out[0];
    }

    @Override protected Tensor[] backward(Tensor grad) {
        return new Tensor[] {NtXent.backward(z, lse, tau, grad.item())};
    }
}
