package sslj.autograd.functions;

import sslj.autograd.Function;
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
     * mean/var/sub/div graph. Inputs: x, then optionally γ [C] and β [C] (both or neither).
     * Saved: x̂, invstd, γ.
     */
    public static final class BatchNorm extends Function {
        private final float eps;
        private final Tensor fixedMean, fixedVar;   // null in training mode
        private Tensor xhat, invstd, gamma, batchMean, batchVar;
        private int[] dims, statShape;
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
            Tensor x = in[0];
            if (x.dim() < 2) throw new IllegalArgumentException("batchNorm: expects [N, C, *], got " + Shape.str(x.shape()));
            int c = x.size(1);
            dims = new int[x.dim() - 1];
            statShape = new int[x.dim()];
            java.util.Arrays.fill(statShape, 1);
            statShape[1] = c;
            m = 1;
            for (int d = 0, k = 0; d < x.dim(); d++) {
                if (d == 1) continue;
                dims[k++] = d;
                m *= x.size(d);
            }
            gamma = in.length > 1 ? in[1].reshape(statShape) : null;
            Tensor beta = in.length > 2 ? in[2].reshape(statShape) : null;
            Tensor centred;
            if (fixedMean == null) {
                if (m <= 1) {
                    throw new IllegalArgumentException("batchNorm: Expected more than 1 value per channel when training, got input size "
                            + Shape.str(x.shape()));
                }
                Tensor mean = x.mean(dims, true);
                centred = x.sub(mean);
                Tensor var = centred.square().mean(dims, true);   // biased: divided by M
                batchMean = mean.reshape(c);
                batchVar = var.reshape(c);
                invstd = var.add(eps).rsqrt();
            } else {
                centred = x.sub(fixedMean.reshape(statShape));
                invstd = fixedVar.reshape(statShape).add(eps).rsqrt();
            }
            xhat = centred.mul(invstd);
            Tensor y = gamma != null ? xhat.mul(gamma) : xhat;
            return beta != null ? y.add(beta) : y;
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor dbeta = g.sum(dims, true), dgamma = g.mul(xhat).sum(dims, true);
            Tensor scale = gamma != null ? gamma.mul(invstd) : invstd;
            Tensor dx = null;
            if (needsGrad(0)) {
                dx = fixedMean != null ? g.mul(scale)
                        : g.sub(dbeta.div((float) m)).sub(xhat.mul(dgamma.div((float) m))).mul(scale);
            }
            int c = statShape[1];
            return gamma == null ? new Tensor[] {dx} : new Tensor[] {dx, dgamma.reshape(c), dbeta.reshape(c)};
        }

        /** The batch mean [C] of the last training-mode forward (for the running statistics). */
        public Tensor batchMean() { return batchMean; }

        /** The biased batch variance [C] of the last training-mode forward. */
        public Tensor batchVar() { return batchVar; }

        /** M, the number of values per channel of the last forward. */
        public long valuesPerChannel() { return m; }
    }
}
