package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.NoGrad;
import sslj.tensor.BatchNormOps;
import sslj.autograd.Variable;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Batch normalisation (Ioffe and Szegedy 2015), the shared body of {@link BatchNorm1d} and
 * {@link BatchNorm2d}, which only check the input rank. Names and defaults follow PyTorch so that
 * state dicts match torchvision's: parameters "weight" (γ, init 1) and "bias" (β, init 0) when affine;
 * buffers "running_mean" (0), "running_var" (1) and "num_batches_tracked" (a rank-0 count; int64 in
 * PyTorch, float32 here).
 *
 * <p>Training mode normalises with the batch statistics and updates the running ones,
 * running = (1 − momentum)·running + momentum·batch, with the unbiased batch variance for
 * running_var; evaluation mode normalises with the running statistics.
 */
public abstract class BatchNorm extends Module {
    private final int features;
    private final float eps, momentum;
    private final Variable weight, bias;

    protected BatchNorm(int features, float eps, float momentum, boolean affine) {
        if (features < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be >= 1, got " + features);
        if (!(eps > 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be > 0, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1], got " + momentum);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(features)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(features)) : null;
        registerBuffer("running_mean", Tensor.zeros(features));
        registerBuffer("running_var", Tensor.ones(features));
        registerBuffer("num_batches_tracked", Tensor.scalar(0f));
    }

    /** Whether {@code rank} is an input rank this layer accepts. */
    protected abstract boolean acceptsRank(int rank);

    /** The accepted input layouts, for the error message, e.g. "[N, C] or [N, C, L]". */
    protected abstract String layouts();

    @Override public Variable forward(Variable x) {
        if (!acceptsRank(x.dim()) || x.size(1) != features) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + features + "): expects " + layouts()
                    + " with C = " + features + ", got " + Shape.str(x.shape()));
        }
        boolean training = isTraining();
        if (training) {
            Tensor count = buffer("num_batches_tracked");
            count.copy_(count.add(1f));
        }
        return NnFunctional.batchNorm(x, weight, bias, buffer("running_mean"), buffer("running_var"), training, momentum, eps);
    }

    /**
     * relu(this(x) + residual), residual (x's shape) optional: in training mode of an affine batch norm one
     * fused op ({@link NnFunctional#batchNormRelu}: no intermediate tensors); in eval mode under {@link NoGrad}
     * one fused pass with the running statistics; otherwise (eval with gradients) the three ops.
     */
    public Variable forwardRelu(Variable x, Variable residual) {
        if (!isTraining() && !NoGrad.isGradEnabled() && acceptsRank(x.dim()) && x.size(1) == features) {
            // inference (feature extraction, the kNN monitor): nothing to differentiate, one fused pass
            return Variable.constant(BatchNormOps.forwardInferenceRelu(x.data(), buffer("running_mean"), buffer("running_var"),
                    weight == null ? null : weight.data(), bias == null ? null : bias.data(), eps, residual == null ? null : residual.data()));
        }
        if (!isTraining() || weight == null || !acceptsRank(x.dim()) || x.size(1) != features) {
            Variable y = forward(x);
            return (residual == null ? y : y.add(residual)).relu();
        }
        Tensor count = buffer("num_batches_tracked");
        count.copy_(count.add(1f));
        return NnFunctional.batchNormRelu(x, weight, bias, residual, buffer("running_mean"), buffer("running_var"), momentum, eps);
    }

    /** γ, or null when not affine. */
    public Variable weight() { return weight; }

    /** β, or null when not affine. */
    public Variable bias() { return bias; }

    public Tensor runningMean() { return buffer("running_mean"); }

    public Tensor runningVar() { return buffer("running_var"); }

    public int features() { return features; }
}
