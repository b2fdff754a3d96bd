package sslj.nn;

import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014, as PyTorch's nn.Dropout): in training mode each element is
 * zeroed with probability p and the survivors are scaled by 1/(1 − p), so the expected value is
 * unchanged and evaluation mode is the identity. The mask comes from a seeded {@link Generator}
 * (counter-based Philox, the same numbers on every backend), so a run with a fixed seed repeats.
 */
public final class Dropout extends Module {
    private final float p;
    private final Generator gen;

    public Dropout(float p, Generator gen) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    public float p() { return p; }

    @Override public Variable forward(Variable x) {
        if (!isTraining() || p == 0) return x;
        if (p == 1) return x.mul(0f);   // everything dropped; 1/(1 − p) would be infinite
        // keep where u ≥ p, u ~ U[0, 1): P(keep) = 1 − p. The uniform draw is made on the CPU generator
        // and moved to x's device, so CPU and GPU runs drop the same elements.
        Tensor u = Tensor.rand(gen, x.shape()).to(x.data().device());
        Tensor keep = u.ge(Tensor.full(u.device(), p));
        return x.mul(Variable.constant(keep.mul(1f / (1f - p))));
    }
}
