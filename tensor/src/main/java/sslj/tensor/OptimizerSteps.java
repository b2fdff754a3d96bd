package sslj.tensor;

import java.util.Arrays;

/**
 * The fused per-parameter optimiser steps: arguments checked here (shapes, devices, hyper-parameters),
 * the step computed by the tensors' backend ({@link Backend#larsStep}, {@link Backend#sgdStep},
 * {@link Backend#adamWStep}). What sslj.nn.optim calls once per parameter, so that a GPU step costs a
 * launch or two per parameter rather than one per tensor op.
 */
public final class OptimizerSteps {
    private OptimizerSteps() { }

    /**
     * One LARS step in place on {@code theta} and its momentum buffer {@code v} (same shape and device as
     * theta and grad; v starts at zero): see {@link Backend#larsStep} for the rule. {@code adapt} false
     * is an excluded parameter (biases, batch-norm parameters): no trust ratio, no weight decay.
     */
    public static void lars(Tensor theta, Tensor grad, Tensor v, float lr, float momentum, float weightDecay, float trust, float eps, boolean adapt) {
        same("lars", "grad", theta, grad);
        same("lars", "v", theta, v);
        if (theta.storage() == v.storage() || theta.storage() == grad.storage() || grad.storage() == v.storage()) {
            throw new IllegalArgumentException("lars: theta, grad and v must be three separate tensors (they share storage)");
        }
        nonNegative("lars", "lr", lr);
        nonNegative("lars", "weightDecay", weightDecay);
        nonNegative("lars", "eps", eps);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("lars: momentum must be in [0, 1), got " + momentum);
        if (!(trust > 0 && Float.isFinite(trust))) throw new IllegalArgumentException("lars: trust coefficient must be > 0 and finite, got " + trust);
        theta.backend().larsStep(theta, grad, v, lr, momentum, weightDecay, trust, eps, adapt);
    }

    /**
     * One SGD step in place on {@code theta} and its momentum buffer {@code buf} (same shape and device;
     * null allowed when momentum is 0): see {@link Backend#sgdStep} for the rule. {@code first}: the
     * buffer's first step, which sets it instead of reading it.
     */
    public static void sgd(Tensor theta, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float weightDecay,
                           boolean nesterov, boolean first) {
        same("sgd", "grad", theta, grad);
        if (momentum != 0) {
            if (buf == null) throw new IllegalArgumentException("sgd: momentum " + momentum + " needs a momentum buffer (buf is null)");
            same("sgd", "buf", theta, buf);
            if (theta.storage() == buf.storage() || grad.storage() == buf.storage()) {
                throw new IllegalArgumentException("sgd: buf must be a tensor of its own (it shares storage with theta or grad)");
            }
        }
        if (theta.storage() == grad.storage()) throw new IllegalArgumentException("sgd: theta and grad share storage");
        nonNegative("sgd", "lr", lr);
        nonNegative("sgd", "weightDecay", weightDecay);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("sgd: momentum must be in [0, 1), got " + momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("sgd: dampening must be in [0, 1], got " + dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd: nesterov needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
        }
        theta.backend().sgdStep(theta, grad, momentum != 0 ? buf : null, lr, momentum, dampening, weightDecay, nesterov, first);
    }

    /**
     * AdamW's per-step scalars, rounded to float once on the host: decay = 1 − lr·λ (1 without weight
     * decay), 1 − β₁ and 1 − β₂, √(1 − β₂ᵗ) and stepSize = lr / (1 − β₁ᵗ) for step t = 1, 2, ...
     */
    public record AdamWScalars(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                               float sqrtBiasCorrection2, float eps, float stepSize) {
        /** The scalars of step {@code t} (from 1) for lr, β₁, β₂ ∈ [0, 1), ε ≥ 0 and weight decay λ ≥ 0. */
        public static AdamWScalars of(double lr, double beta1, double beta2, double eps, double weightDecay, long t) {
            if (t < 1) throw new IllegalArgumentException("adamW: step t must be >= 1, got " + t);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("adamW: betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(lr >= 0 && Double.isFinite(lr)) || !(eps >= 0 && Double.isFinite(eps)) || !(weightDecay >= 0 && Double.isFinite(weightDecay))) {
                throw new IllegalArgumentException("adamW: lr, eps and weight decay must be >= 0 and finite, got " + lr + ", " + eps + ", " + weightDecay);
            }
            double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
            return new AdamWScalars(weightDecay != 0 ? (float) (1 - lr * weightDecay) : 1f, (float) beta1, (float) (1 - beta1),
                    (float) beta2, (float) (1 - beta2), (float) Math.sqrt(bc2), (float) eps, (float) (lr / bc1));
        }
    }

    /**
     * One AdamW step in place on {@code theta} and its moments {@code m}, {@code v} (same shape and device,
     * starting at zero): see {@link Backend#adamWStep} for the rule.
     */
    public static void adamW(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamWScalars k) {
        same("adamW", "grad", theta, grad);
        same("adamW", "m", theta, m);
        same("adamW", "v", theta, v);
        Storage[] s = {theta.storage(), grad.storage(), m.storage(), v.storage()};
        for (int a = 0; a < s.length; a++) {
            for (int b = a + 1; b < s.length; b++) {
                if (s[a] == s[b]) throw new IllegalArgumentException("adamW: theta, grad, m and v must be four separate tensors (two share storage)");
            }
        }
        theta.backend().adamWStep(theta, grad, m, v, k);
    }

    private static void same(String op, String what, Tensor theta, Tensor t) {
        if (!Arrays.equals(theta.shape(), t.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(t.shape()) + ", theta " + Shape.str(theta.shape()));
        }
        if (!theta.device().equals(t.device())) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device() + ", theta on " + theta.device() + "; move it with .to(device) first");
        }
    }

    private static void nonNegative(String op, String what, float x) {
        if (!(x >= 0 && Float.isFinite(x))) throw new IllegalArgumentException(op + ": " + what + " must be >= 0 and finite, got " + x);
    }
}
