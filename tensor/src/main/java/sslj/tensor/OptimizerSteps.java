package sslj.tensor;

import java.util.Arrays;

/**
 * The fused per-parameter optimiser steps: arguments checked here (shapes, devices, hyper-parameters),
 * the step computed by the tensors' backend ({@link Backend#larsStep}, {@link Backend#sgdStep}). What
 * sslj.nn.optim calls once per parameter, so that a GPU step costs a launch or two per parameter rather
 * than one per tensor op.
 */
public final class OptimizerSteps {
    private OptimizerSteps() { }

    /**
     * One LARS step in place on {@code theta} and its momentum buffer {@code v} (same shape and device as
     * theta and grad; v starts at zero): see {@link Backend#larsStep} for the rule. {@code adapt} false
     * is an excluded parameter (biases, batch-norm parameters): no trust ratio, no weight decay.
     */
    public static void lars(Tensor theta, Tensor grad, Tensor v, float lr, float momentum, float weightDecay, float trust, float eps, boolean adapt) {
        same("grad", theta, grad);
        same("v", theta, v);
        if (theta.storage() == v.storage() || theta.storage() == grad.storage() || grad.storage() == v.storage()) {
            throw new IllegalArgumentException("lars: theta, grad and v must be three separate tensors (they share storage)");
        }
        nonNegative("lr", lr);
        nonNegative("weightDecay", weightDecay);
        nonNegative("eps", eps);
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

    private static void same(String what, Tensor theta, Tensor t) { same("lars", what, theta, t); }

    private static void same(String op, String what, Tensor theta, Tensor t) {
        if (!Arrays.equals(theta.shape(), t.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(t.shape()) + ", theta " + Shape.str(theta.shape()));
        }
        if (!theta.device().equals(t.device())) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device() + ", theta on " + theta.device() + "; move it with .to(device) first");
        }
    }

    private static void nonNegative(String what, float x) { nonNegative("lars", what, x); }

    private static void nonNegative(String op, String what, float x) {
        if (!(x >= 0 && Float.isFinite(x))) throw new IllegalArgumentException(op + ": " + what + " must be >= 0 and finite, got " + x);
    }
}
