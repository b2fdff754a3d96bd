package sslj.tensor;

import java.util.Arrays;

/**
 * Front end of batch normalisation's per-channel work (Ioffe and Szegedy 2015, algorithm 1 and the
 * gradients of section 3) for x [N, C, *], with m = N · (product of the trailing sizes) values per
 * channel. Checks the arguments, then makes one Backend call. The {@code composed*} methods are the
 * same maths in generic tensor ops: the reference the fused CPU loops are tested against, and the CUDA
 * backend's path.
 * <pre>
 *   stats     μ_c = (1/m) Σ x,   σ²_c = (1/m) Σ (x − μ_c)²           (biased: what the normalisation uses)
 *   apply     y = (x − μ_c) · r_c · γ_c + β_c,   r_c = 1/√(σ²_c + ε)  (batch or running statistics)
 *   backward  x̂ = (x − μ_c) · r_c,   dβ_c = Σ g,   dγ_c = Σ g·x̂
 *             training  dx = γ_c · r_c · (g − dβ_c/m − x̂ · dγ_c/m)   (μ and σ² depend on x)
 *             eval      dx = γ_c · r_c · g
 * </pre>
 * Why fused: composed, a training forward and backward is about fifteen passes over the activations and
 * ten activation-sized temporaries; fused, it is five passes and one result each way, and x̂ is
 * recomputed from x instead of kept.
 */
public final class BatchNormOps {
    private BatchNormOps() { }

    /** {μ [C], σ² [C]} of x [N, C, *] over every dim but 1 (σ² biased). */
    public static Tensor[] stats(Tensor x) {
        checkInput("batchNormStats", x);
        return x.backend().batchNormStats(x);
    }

    /** y = (x − mean) · invstd · γ + β per channel; gamma and beta [C] may both be null (no affine). */
    public static Tensor apply(Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta) {
        checkInput("batchNormApply", x);
        checkChannels("batchNormApply", x, "mean", mean, "invstd", invstd, "gamma", gamma, "beta", beta);
        if ((gamma == null) != (beta == null)) throw new IllegalArgumentException("batchNormApply: give both gamma and beta, or neither");
        return x.backend().batchNormApply(x, mean, invstd, gamma, beta);
    }

    /**
     * The training forward, statistics and normalisation in one step: {y, μ [C], σ² [C] (biased), invstd
     * [C]} with invstd = 1/√(σ² + eps). One Backend call (cuDNN's fused kernel on a GPU where it loaded;
     * elsewhere {@link #stats} then {@link #apply}).
     */
    public static Tensor[] forwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkTraining("batchNormForwardTraining", x, gamma, beta, eps);
        return x.backend().batchNormForwardTraining(x, gamma, beta, eps);
    }

    /** A residual, when given, has x's shape and device. */
    private static void checkResidual(String op, Tensor x, Tensor residual) {
        if (residual == null) return;
        if (!Arrays.equals(residual.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": residual shape " + Shape.str(residual.shape()) + " differs from input shape " + Shape.str(x.shape()));
        }
        if (residual.device() != x.device()) throw new IllegalArgumentException(op + ": residual is on " + residual.device() + " but x is on " + x.device());
    }

    private static void checkTraining(String op, Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkInput(op, x);
        checkChannels(op, x, "gamma", gamma, "beta", beta);
        if ((gamma == null) != (beta == null)) throw new IllegalArgumentException(op + ": give both gamma and beta, or neither");
        if (!(eps > 0)) throw new IllegalArgumentException(op + ": eps must be > 0, got " + eps);
    }

    /**
     * The eval forward: y = (x − mean) / √(var + eps) · γ + β per channel with given (running) statistics
     * mean and var [C]. One Backend call (cuDNN's inference forward on a GPU where it loaded; elsewhere
     * {@link #apply} with invstd = 1/√(var + eps)).
     */
    public static Tensor forwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps) {
        checkInput("batchNormForwardInference", x);
        checkChannels("batchNormForwardInference", x, "mean", mean, "var", var, "gamma", gamma, "beta", beta);
        if ((gamma == null) != (beta == null)) throw new IllegalArgumentException("batchNormForwardInference: give both gamma and beta, or neither");
        if (!(eps > 0)) throw new IllegalArgumentException("batchNormForwardInference: eps must be > 0, got " + eps);
        return x.backend().batchNormForwardInference(x, mean, var, gamma, beta, eps);
    }

    /**
     * Updates the running statistics in place after a training forward over M values per channel:
     * running ← running·(1 − m) + batch·m, with the unbiased batch variance (σ²·M/(M − 1)), as PyTorch's
     * batch norm does. All four [C] on one device, the running ones separate tensors; one Backend call.
     */
    public static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor batchMean, Tensor batchVar, float momentum, long valuesPerChannel) {
        String op = "batchNormRunningUpdate";
        Tensor[] all = {runningMean, runningVar, batchMean, batchVar};
        String[] names = {"runningMean", "runningVar", "batchMean", "batchVar"};
        for (int i = 0; i < all.length; i++) {
            if (all[i] == null) throw new IllegalArgumentException(op + ": " + names[i] + " is null");
            if (all[i].dim() != 1 || all[i].size(0) != runningMean.size(0)) {
                throw new IllegalArgumentException(op + ": " + names[i] + " has shape " + Shape.str(all[i].shape()) + ", expected [" + runningMean.size(0) + "]");
            }
            if (!all[i].device().equals(runningMean.device())) {
                throw new IllegalArgumentException(op + ": " + names[i] + " is on " + all[i].device() + ", runningMean on " + runningMean.device());
            }
        }
        if (runningMean.storage() == runningVar.storage()) throw new IllegalArgumentException(op + ": runningMean and runningVar share storage");
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
        if (valuesPerChannel < 2) throw new IllegalArgumentException(op + ": the unbiased variance needs at least 2 values per channel, got " + valuesPerChannel);
        runningMean.backend().batchNormRunningUpdate(runningMean, runningVar, batchMean, batchVar, momentum,
                (float) ((double) valuesPerChannel / (valuesPerChannel - 1)));
    }

    /**
     * {dx, dγ [C], dβ [C]} from the incoming gradient g (x's shape), x and the mean and invstd the forward
     * used; gamma null means γ = 1. dx is that of the training formula when {@code training} (the
     * statistics came from x), else that of the eval formula.
     */
    public static Tensor[] backward(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        checkInput("batchNormBackward", x);
        if (!Arrays.equals(g.shape(), x.shape())) {
            throw new IllegalArgumentException("batchNormBackward: gradient shape " + Shape.str(g.shape()) + " differs from input shape " + Shape.str(x.shape()));
        }
        if (g.device() != x.device()) throw new IllegalArgumentException("batchNormBackward: gradient is on " + g.device() + " but x is on " + x.device());
        checkChannels("batchNormBackward", x, "mean", mean, "invstd", invstd, "gamma", gamma);
        return x.backend().batchNormBackward(g, x, mean, invstd, gamma, training);
    }

    /**
     * The training forward of bn → (+ residual) → ReLU in one Backend call: {y = max(0, bn(x) + residual),
     * μ, σ², invstd}; residual (x's shape) may be null.
     */
    public static Tensor[] forwardTrainingRelu(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        String op = "batchNormReluForwardTraining";
        checkTraining(op, x, gamma, beta, eps);
        checkResidual(op, x, residual);
        return x.backend().batchNormReluForwardTraining(x, gamma, beta, eps, residual);
    }

    /**
     * Inference's bn → (+ residual) → ReLU in one Backend call: max(0, bn(x; mean, var) + residual) with given
     * (running) statistics [C]; residual (x's shape) may be null.
     */
    public static Tensor forwardInferenceRelu(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        String op = "batchNormReluForwardInference";
        checkInput(op, x);
        checkChannels(op, x, "mean", mean, "var", var, "gamma", gamma, "beta", beta);
        if ((gamma == null) != (beta == null)) throw new IllegalArgumentException(op + ": give both gamma and beta, or neither");
        if (!(eps > 0)) throw new IllegalArgumentException(op + ": eps must be > 0, got " + eps);
        checkResidual(op, x, residual);
        return x.backend().batchNormReluForwardInference(x, mean, var, gamma, beta, eps, residual);
    }

    /**
     * The backward of {@link #forwardTrainingRelu} from its output y: {dx, dγ, dβ}, and with {@code residualGrad}
     * the residual's gradient g·[y > 0] as a fourth entry. One Backend call.
     */
    public static Tensor[] backwardRelu(Tensor g, Tensor y, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean residualGrad) {
        String op = "batchNormReluBackward";
        checkInput(op, x);
        if (!Arrays.equals(g.shape(), x.shape()) || !Arrays.equals(y.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": gradient " + Shape.str(g.shape()) + " and output " + Shape.str(y.shape()) + " must have the input's shape " + Shape.str(x.shape()));
        }
        if (g.device() != x.device() || y.device() != x.device()) throw new IllegalArgumentException(op + ": gradient, output and x must be on one device");
        checkChannels(op, x, "mean", mean, "invstd", invstd, "gamma", gamma);
        return x.backend().batchNormReluBackward(g, y, x, mean, invstd, gamma, residualGrad);
    }

    // ---------------------------------------------------------------- the composed reference

    /** {@link #stats} in generic ops. */
    public static Tensor[] composedStats(Tensor x) {
        int[] dims = reducedDims(x);
        Tensor mean = x.mean(dims, true);
        Tensor var = x.sub(mean).square().mean(dims, true);
        int c = x.size(1);
        return new Tensor[] {mean.reshape(c), var.reshape(c)};
    }

    /** {@link #apply} in generic ops. */
    public static Tensor composedApply(Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta) {
        int[] s = channelShape(x);
        Tensor y = x.sub(mean.reshape(s)).mul(invstd.reshape(s));
        return gamma == null ? y : y.mul(gamma.reshape(s)).add(beta.reshape(s));
    }

    /** {@link #backward} in generic ops. */
    public static Tensor[] composedBackward(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        int[] dims = reducedDims(x), s = channelShape(x);
        int c = x.size(1);
        long m = x.numel() / c;
        Tensor xhat = x.sub(mean.reshape(s)).mul(invstd.reshape(s));
        Tensor dbeta = g.sum(dims, true), dgamma = g.mul(xhat).sum(dims, true);
        Tensor scale = gamma == null ? invstd.reshape(s) : gamma.reshape(s).mul(invstd.reshape(s));
        Tensor dx = training ? g.sub(dbeta.div((float) m)).sub(xhat.mul(dgamma.div((float) m))).mul(scale) : g.mul(scale);
        return new Tensor[] {dx, dgamma.reshape(c), dbeta.reshape(c)};
    }

    // ---------------------------------------------------------------- checks and shapes

    /** S, the product of the sizes after the channel dim: a backend sees x as [N, C, S]. */
    public static int planeSize(Tensor x) {
        int s = 1;
        for (int d = 2; d < x.dim(); d++) s *= x.size(d);
        return s;
    }

    /** Every dim but the channel dim 1. */
    static int[] reducedDims(Tensor x) {
        int[] dims = new int[x.dim() - 1];
        for (int d = 0, k = 0; d < x.dim(); d++) if (d != 1) dims[k++] = d;
        return dims;
    }

    /** [1, C, 1, ...]: a per-channel tensor broadcast against x. */
    static int[] channelShape(Tensor x) {
        int[] s = new int[x.dim()];
        Arrays.fill(s, 1);
        s[1] = x.size(1);
        return s;
    }

    private static void checkInput(String op, Tensor x) {
        if (x.dim() < 2) throw new IllegalArgumentException(op + ": expects x of shape [N, C, *], got " + Shape.str(x.shape()));
        if (x.numel() == 0) throw new IllegalArgumentException(op + ": x is empty, shape " + Shape.str(x.shape()));
    }

    /** Each named tensor (null allowed) must be [C] on x's device. */
    private static void checkChannels(String op, Tensor x, Object... namesAndTensors) {
        int c = x.size(1);
        for (int i = 0; i < namesAndTensors.length; i += 2) {
            String name = (String) namesAndTensors[i];
            Tensor t = (Tensor) namesAndTensors[i + 1];
            if (t == null) {
                if (name.equals("mean") || name.equals("invstd") || name.equals("var")) throw new IllegalArgumentException(op + ": " + name + " is null");
                continue;
            }
            if (t.dim() != 1 || t.size(0) != c) {
                throw new IllegalArgumentException(op + ": " + name + " must have shape [" + c + "] (one per channel of x " + Shape.str(x.shape()) + "), got " + Shape.str(t.shape()));
            }
            if (t.device() != x.device()) throw new IllegalArgumentException(op + ": " + name + " is on " + t.device() + " but x is on " + x.device());
        }
    }
}
