package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.BatchNormOps;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/** Batch normalisation (Ioffe and Szegedy 2015, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift"). */
public final class Norm {
    private Norm() { }

    /**
     * Per-channel normalisation of x [N, C, *] (channel dim 1; statistics over every other dim, M values
     * per channel), then the optional affine map:
     * <pre>
     *   x̂ = (x − μ) · invstd,  invstd = 1 / √(σ² + eps),   y = γ · x̂ + β
     * </pre>
     * In training μ and σ² are the batch's (σ² biased, divided by M, as the paper's Algorithm 1); in
     * evaluation they are given constants (the running statistics).
     *
     * <p>Backward in closed form (the paper's section 3, simplified), with all sums over the M values of
     * a channel, dβ = Σ g and dγ = Σ g·x̂:
     * <pre>
     *   training   dx = γ · invstd · (g − dβ/M − x̂ · dγ/M)
     *   evaluation dx = γ · invstd · g                         (μ, σ² do not depend on x)
     * </pre>
     * The two subtracted terms are the gradient through μ and through σ²; one fused op with this formula
     * costs a few elementwise passes instead of the dozen small ops (and saved tensors) of a composed
     * mean/var/sub/div graph. The per-channel work is {@link BatchNormOps} (fused loops on the CPU).
     * Inputs: x, then optionally γ [C] and β [C] (both or neither). Saved: x, μ, invstd, γ (x̂ is
     * recomputed in the backward rather than kept: one activation-sized tensor less per layer).
     */
    public static final class BatchNorm extends Function {
        private final float eps;
        private final Tensor fixedMean, fixedVar;   // null in training mode
        private Tensor x, mean, invstd, gamma, batchMean, batchVar;
        private long m;

        /** Training mode: normalise with the batch's statistics. */
        public BatchNorm(float eps) { this(eps, null, null); }

        /** Evaluation mode: normalise with the given per-channel mean and variance [C]. */
        public BatchNorm(float eps, Tensor mean, Tensor var) {
            this.eps = eps;
            this.fixedMean = mean;
            this.fixedVar = var;
        }

        @Override protected Tensor forward(Tensor... in) {
            x = in[0];
            if (x.dim() < 2) throw new IllegalArgumentException("batchNorm: expects [N, C, *], got " + Shape.str(x.shape()));
            m = x.numel() / Math.max(1, x.size(1));
            gamma = in.length > 1 ? in[1] : null;
            Tensor beta = in.length > 2 ? in[2] : null;
            if (fixedMean == null) {
                if (m <= 1) {
                    throw new IllegalArgumentException("batchNorm: Expected more than 1 value per channel when training, got input size "
                            + Shape.str(x.shape()));
                }
                Tensor[] step = BatchNormOps.forwardTraining(x, gamma, beta, eps);
                batchMean = step[1];
                batchVar = step[2];
                mean = batchMean;
                invstd = step[3];
                return step[0];
            }
            mean = fixedMean;
            invstd = null;                              // the backward's, made there: a forward-only eval never needs it
            return BatchNormOps.forwardInference(x, fixedMean, fixedVar, gamma, beta, eps);
        }

        @Override protected Tensor[] backward(Tensor g) {
            if (invstd == null) invstd = fixedVar.add(eps).rsqrt();
            Tensor[] d = BatchNormOps.backward(g, x, mean, invstd, gamma, fixedMean == null);
            return gamma == null ? new Tensor[] {needsGrad(0) ? d[0] : null} : new Tensor[] {needsGrad(0) ? d[0] : null, d[1], d[2]};
        }

        /** The batch mean [C] of the last training-mode forward (for the running statistics). */
        public Tensor batchMean() { return batchMean; }

        /** The biased batch variance [C] of the last training-mode forward. */
        public Tensor batchVar() { return batchVar; }

        /** M, the number of values per channel of the last forward. */
        public long valuesPerChannel() { return m; }
    }

    /**
     * Training-mode batch normalisation followed by ReLU, with an optional residual added in between — a
     * ResNet block's bn → + shortcut → ReLU as one op:
     * <pre>
     *   y = max(0, γ · x̂ + β + r)                 r: the residual (the shortcut), or 0
     *   g' = g · [y > 0]                          the ReLU's backward; also the residual's gradient
     *   dx, dγ, dβ = the batch norm backward of g'   (as {@link BatchNorm})
     * </pre>
     * Composed, the three ops keep two more activation-sized tensors per block (the normalised value and
     * the sum) and make two more passes each way; here the ReLU's mask is read back from y, which the next
     * layer keeps anyway. Inputs: x, γ, β, then optionally r. Saved: x, μ, invstd, γ, y.
     */
    public static final class BatchNormRelu extends Function {
        private final float eps;
        private Tensor x, y, mean, invstd, gamma, batchVar;
        private boolean residual;
        private long m;

        public BatchNormRelu(float eps) { this.eps = eps; }

        @Override protected Tensor forward(Tensor... in) {
            x = in[0];
            if (x.dim() < 2) throw new IllegalArgumentException("batchNormRelu: expects [N, C, *], got " + Shape.str(x.shape()));
            m = x.numel() / Math.max(1, x.size(1));
            if (m <= 1) {
                throw new IllegalArgumentException("batchNormRelu: Expected more than 1 value per channel when training, got input size " + Shape.str(x.shape()));
            }
            gamma = in[1];
            residual = in.length > 3;
            Tensor[] step = BatchNormOps.forwardTrainingRelu(x, gamma, in[2], eps, residual ? in[3] : null);
            y = step[0];
            mean = step[1];
            batchVar = step[2];
            invstd = step[3];
            return y;
        }

        @Override protected Tensor[] backward(Tensor g) {
            boolean residualGrad = residual && needsGrad(3);
            Tensor[] d = BatchNormOps.backwardRelu(g, y, x, mean, invstd, gamma, residualGrad);
            Tensor dx = needsGrad(0) ? d[0] : null;
            return residual ? new Tensor[] {dx, d[1], d[2], residualGrad ? d[3] : null} : new Tensor[] {dx, d[1], d[2]};
        }

        /** The batch mean [C] of the forward (for the running statistics). */
        public Tensor batchMean() { return mean; }

        /** The biased batch variance [C] of the forward. */
        public Tensor batchVar() { return batchVar; }

        /** M, the number of values per channel. */
        public long valuesPerChannel() { return m; }
    }
}
