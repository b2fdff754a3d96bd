package sslj.tensor;

import java.util.List;

/**
 * The operations a device must implement: the whole contract between the tensor front end and the
 * machine (tinygrad's "a new device implements these ops", STYLE.md 2).
 *
 * <p>Conventions, so each backend method stays small:
 * <ul>
 *   <li>Inputs are tensors on this backend's device, of any strides (views, transposes, expanded
 *       broadcasts with stride 0); the front end ({@link Tensor}) has already checked shapes, devices
 *       and dimensions and broadcast binary operands to one shape.</li>
 *   <li>Results are new contiguous tensors, except the methods whose name ends in "Into", which write
 *       through a view of an existing tensor.</li>
 *   <li>Index tensors hold whole numbers in float32 (exact up to 2^24); a backend checks them and
 *       throws {@link IndexOutOfBoundsException} naming the op, the bad index and the size.</li>
 * </ul>
 */
public interface Backend {
    Device device();

    /**
     * Bytes of device memory in use by this backend's live storages (what a training log reports per
     * step), or -1 where the backend does not track it (the CPU: its arrays are Java heap).
     */
    default long memoryInUse() { return -1; }

    /**
     * Nanoseconds the host has spent blocked on the device so far (synchronous copies that wait for the
     * work queued before them, synchronisations), or -1 where nothing runs asynchronously (the CPU). A
     * training log samples it per window: a large share means the device is the bottleneck, a small one
     * that the host (kernel launches, Java) is.
     */
    default long hostBlockedNanos() { return -1; }

    /**
     * The running statistics a training forward leaves (PyTorch's convention), in place on the [C]
     * tensors runningMean and runningVar: running ← running·(1 − m) + batch·m, with the batch variance
     * multiplied by {@code unbias} (M/(M − 1): the unbiased variance) first. By default composed of tensor
     * ops; a backend may fuse it (the CUDA backend: one launch where the ops took nine), rounding each
     * operation as here, in this order.
     */
    default void batchNormRunningUpdate(Tensor runningMean, Tensor runningVar, Tensor batchMean, Tensor batchVar, float momentum, float unbias) {
        Tensor unbiased = batchVar.mul(unbias);
        runningMean.copy_(runningMean.mul(1f - momentum).add(batchMean.mul(momentum)));
        runningVar.copy_(runningVar.mul(1f - momentum).add(unbiased.mul(momentum)));
    }

    /** A new zero-filled storage of {@code length} floats. */
    Storage allocate(long length);

    /** A storage holding a copy of {@code data}. */
    Storage upload(float[] data);

    /** The elements of {@code t} in row-major order of its shape. */
    float[] download(Tensor t);

    /** f(x, c) elementwise. */
    Tensor unary(UnaryOp op, Tensor x, float c);

    /** f(a, b) elementwise; a and b have one shape. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** cond ≠ 0 ? a : b elementwise; all three have one shape. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** Reduces over {@code dims} (sorted, distinct, non-empty); keepdim keeps them with size 1. */
    Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim);

    /** Index of the largest element along {@code dim} (first of ties; NaN counts as largest). */
    Tensor argmax(Tensor x, int dim, boolean keepdim);

    /**
     * Batched matrix product: a [B, M, K] · b [B, K, N] → [B, M, N] (rank 3, batch sizes equal).
     * Transposed operands arrive as strided views and must not be copied when their last two
     * dimensions are row- or column-major.
     */
    Tensor matmul(Tensor a, Tensor b);

    /** softmax (or log-softmax when {@code log}) along {@code dim}, max-subtracted. */
    Tensor softmax(Tensor x, int dim, boolean log);

    /** Joins tensors along {@code dim}; all other sizes agree. */
    Tensor concat(List<Tensor> xs, int dim);

    /** out[..., i, ...] = x[..., index[i], ...] along {@code dim}; index is 1-d. */
    Tensor indexSelect(Tensor x, int dim, Tensor index);

    /** out[i][j] = x[index[i][j]][j] (dim 0) or x[i][index[i][j]] (dim 1), in general along {@code dim}; index has x's rank. */
    Tensor gather(Tensor x, int dim, Tensor index);

    /** A copy of x with src[i][j] added at x[index[i][j]][j] (dim 0), in general along {@code dim}. */
    Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src);

    /** dst[index[i], ...] = values[i, ...] in place (rows along dim 0); later duplicates win. */
    void indexPutInto(Tensor dst, Tensor index, Tensor values);

    /** dst = src elementwise, in place through dst's view; src has dst's shape (possibly expanded). */
    void copyInto(Tensor dst, Tensor src);

    /** x / max(‖x‖₂, eps) along {@code dim} (PyTorch's F.normalize). */
    Tensor l2Normalize(Tensor x, int dim, float eps);

    /** The k largest (or smallest) along {@code dim}, sorted, and their indices: {values, indices}. */
    Tensor[] topk(Tensor x, int k, int dim, boolean largest);

    /** Indices that sort {@code x} along {@code dim} (stable). */
    Tensor argsort(Tensor x, int dim, boolean descending);

    /**
     * im2col: x [N, C, H, W] → [N, C·kh·kw, OH·OW], column (oh, ow) holding the window at that output
     * position, rows in (c, i, j) order; positions outside the image read {@code padValue} (0 for a
     * convolution or average pool, −∞ for a max pool). The window's output size is at least 1.
     */
    Tensor unfold2d(Tensor x, Window2d window, float padValue);

    /**
     * col2im, the adjoint of {@link #unfold2d}: cols [N, C·kh·kw, OH·OW] → [N, C, h, w], each entry added
     * onto the pixel it was read from (entries that read padding are dropped). The gradient of unfold.
     */
    Tensor fold2d(Tensor cols, Window2d window, int h, int w);

    // ---------------------------------------------------------------- convolution (cross-correlation, groups = 1, no bias)
    // Front-end checks in Tensor.conv2d / conv2dBackwardData / conv2dBackwardFilter; the reference
    // composition, im2col + GEMM on this backend's own unfold2d / matmul / fold2d, is Im2colConv.

    /** y [N, O, OH, OW] = Σ_c w[o, c] ⋆ x[n, c] for x [N, C, H, W], w [O, C, kh, kw]. */
    Tensor conv2d(Tensor x, Tensor w, Window2d window);

    /** The gradient of {@link #conv2d} with respect to its input: dx [N, C, h, wd] from dy [N, O, OH, OW]. */
    Tensor conv2dBackwardData(Tensor dy, Tensor w, Window2d window, int h, int wd);

    /** The gradient of {@link #conv2d} with respect to its weight: dW [O, C, kh, kw] (kh, kw from the window). */
    Tensor conv2dBackwardFilter(Tensor x, Tensor dy, Window2d window);

    // ---------------------------------------------------------------- batch normalisation, per channel of x [N, C, *]
    // (the maths and the checks in BatchNormOps; BatchNormOps.composed* is the generic-op reference)

    /** {mean [C], biased variance [C]} of x over every dim but 1. */
    Tensor[] batchNormStats(Tensor x);

    /** y = (x − mean[c]) · invstd[c] · gamma[c] + beta[c]; gamma and beta are both null without affine. */
    Tensor batchNormApply(Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta);

    /**
     * The training forward in one call: {y, mean [C], biased variance [C], invstd [C]} with the batch's own
     * statistics, invstd = 1/√(var + eps). By default {@link #batchNormStats} then {@link #batchNormApply};
     * a backend with a fused kernel for the whole step (cuDNN's) overrides it.
     */
    default Tensor[] batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Tensor[] stats = batchNormStats(x);
        Tensor invstd = stats[1].add(eps).rsqrt();
        return new Tensor[] {batchNormApply(x, stats[0], invstd, gamma, beta), stats[0], stats[1], invstd};
    }

    /**
     * The eval forward in one call: y = (x − mean[c]) / √(var[c] + eps) · gamma[c] + beta[c] with given
     * (running) statistics. By default {@link #batchNormApply} with invstd = 1/√(var + eps); a backend
     * with a library call for it (cuDNN's inference forward) overrides it.
     */
    default Tensor batchNormForwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps) {
        return batchNormApply(x, mean, var.add(eps).rsqrt(), gamma, beta);
    }

    /** {dx, dgamma [C], dbeta [C]}: the training-mode dx when {@code training}, else the eval-mode one; gamma null = 1. */
    Tensor[] batchNormBackward(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training);

    /**
     * The training forward followed by ReLU, with an optional residual added before it (a ResNet's
     * bn → + shortcut → ReLU): {y = max(0, bn(x) + residual), mean, var, invstd}. By default
     * {@link #batchNormForwardTraining}, then the add and the ReLU as their own ops; the CPU does all three in
     * the normalisation's pass (no intermediate tensors: less memory and two passes fewer).
     */
    default Tensor[] batchNormReluForwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        Tensor[] t = batchNormForwardTraining(x, gamma, beta, eps);
        Tensor z = residual == null ? t[0] : binary(BinaryOp.ADD, t[0], residual);
        t[0] = unary(UnaryOp.RELU, z, 0f);
        return t;
    }

    /**
     * The eval forward followed by ReLU, with an optional residual added before it, for inference (no
     * backward): max(0, bn(x; mean, var) + residual). By default {@link #batchNormForwardInference}, then the
     * add and the ReLU; the CPU does all three in one pass.
     */
    default Tensor batchNormReluForwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        Tensor y = batchNormForwardInference(x, mean, var, gamma, beta, eps);
        return unary(UnaryOp.RELU, residual == null ? y : binary(BinaryOp.ADD, y, residual), 0f);
    }

    /**
     * The backward of {@link #batchNormReluForwardTraining} from its output y: g' = g·[y > 0], then
     * {@link #batchNormBackward}(g') in training mode. Returns {dx, dgamma, dbeta}, and g' (the residual's
     * gradient) as a fourth entry when {@code residualGrad}. By default composed; the CPU masks inside its loops.
     */
    default Tensor[] batchNormReluBackward(Tensor g, Tensor y, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean residualGrad) {
        Tensor masked = binary(BinaryOp.MUL, g, binary(BinaryOp.GT, y, y.zerosLike()));
        Tensor[] d = batchNormBackward(masked, x, mean, invstd, gamma, true);
        return residualGrad ? new Tensor[] {d[0], d[1], d[2], masked} : d;
    }

    /** Uniform [lo, hi) or normal(mean, std) numbers from {@code gen}, a new tensor of {@code shape}. */
    Tensor random(Generator gen, boolean normal, float a, float b, int[] shape);

    // ---------------------------------------------------------------- fused optimiser steps (front end: OptimizerSteps)

    /**
     * One LARS step on one parameter, in place on {@code theta} and {@code v} (You, Gitman and Ginsburg
     * 2017, Algorithm 1; the rule of {@code sslj.nn.optim.LARS}):
     * <pre>
     *   adapt:   λ = η‖θ‖ / (‖g‖ + β‖θ‖ + ε) when ‖θ‖ &gt; 0 and ‖g‖ &gt; 0, else 1;   s = (g + β·θ)·(λ·γ)
     *   exclude: s = g·γ
     *   v ← v·μ + s;   θ ← θ − v
     * </pre>
     * (g + β·θ is g itself when β = 0.) theta, grad and v have one shape and this backend's device.
     * By default the step is composed of tensor ops, one launch each on a GPU; a backend may fuse it
     * (the CUDA backend: two launches), rounding each operation as here, in this order.
     */
    default void larsStep(Tensor theta, Tensor grad, Tensor v, float lr, float momentum, float weightDecay, float trust, float eps, boolean adapt) {
        Tensor step;
        if (!adapt) {
            step = grad.mul(lr);
        } else {
            Tensor pNorm = theta.square().sum().sqrt();
            Tensor gNorm = grad.square().sum().sqrt();
            Tensor ratio = pNorm.mul(trust).div(gNorm.add(pNorm.mul(weightDecay)).add(eps));
            Tensor bothPositive = pNorm.gt(0f).mul(gNorm.gt(0f));
            Tensor local = Tensor.where(bothPositive, ratio, Tensor.full(theta.device(), 1f));
            Tensor g = weightDecay != 0 ? grad.add(theta.mul(weightDecay)) : grad;
            step = g.mul(local.mul(lr));
        }
        v.copy_(v.mul(momentum).add(step));
        theta.copy_(theta.sub(v));
    }

    /**
     * One SGD step on one parameter, in place on {@code theta} and {@code buf} (torch.optim.SGD's rule; the
     * rule of {@code sslj.nn.optim.SGD}):
     * <pre>
     *   g = ∇θ + λ·θ  (∇θ when λ = 0)
     *   μ ≠ 0:  buf ← g on the first step, else buf ← buf·μ + g·(1 − τ);   d = nesterov ? g + buf·μ : buf
     *   μ = 0:  d = g  (buf unused, may be null)
     *   θ ← θ − d·η
     * </pre>
     * (1 − τ rounded once, in float.) By default composed of tensor ops; a backend may fuse it (the CUDA
     * backend: one launch), rounding each operation as here, in this order.
     */
    default void sgdStep(Tensor theta, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float weightDecay,
                         boolean nesterov, boolean first) {
        Tensor g = weightDecay != 0 ? grad.add(theta.mul(weightDecay)) : grad;
        if (momentum != 0) {
            if (first) buf.copy_(g);
            else buf.copy_(buf.mul(momentum).add(g.mul(1f - dampening)));
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        theta.copy_(theta.sub(g.mul(lr)));
    }

    /**
     * One AdamW step on one parameter, in place on {@code theta} and its moments {@code m}, {@code v}
     * (Loshchilov and Hutter 2019, Algorithm 2, in torch.optim.AdamW's form), with the host's float scalars
     * {@code k} ({@link OptimizerSteps.AdamWScalars}):
     * <pre>
     *   θ ← θ·decay   (skipped when decay = 1)
     *   m ← m·β₁ + g·(1 − β₁);   v ← v·β₂ + (g·g)·(1 − β₂)
     *   θ ← θ − (m / (√v·(1/√(1 − β₂ᵗ)) + ε))·stepSize      (the reciprocal rounded once)
     * </pre>
     * By default composed of tensor ops; a backend may fuse it (the CUDA backend: one launch), rounding
     * each operation as here, in this order.
     */
    default void adamWStep(Tensor theta, Tensor grad, Tensor m, Tensor v, OptimizerSteps.AdamWScalars k) {
        if (k.decay() != 1f) theta.copy_(theta.mul(k.decay()));
        m.copy_(m.mul(k.beta1()).add(grad.mul(k.oneMinusBeta1())));
        v.copy_(v.mul(k.beta2()).add(grad.square().mul(k.oneMinusBeta2())));
        Tensor denom = v.sqrt().div(k.sqrtBiasCorrection2()).add(k.eps());
        theta.copy_(theta.sub(m.div(denom).mul(k.stepSize())));
    }

    // ---------------------------------------------------------------- momentum family: EMA, key queue, memory bank
    // (DESIGN.md §4; front-end checks in sslj.tensor.Momentum; CPU in cpu/CpuMomentum)

    /**
     * target ← m·target + (1 − m)·online elementwise, in place, computed as fma(m, t, (1 − m)·o) in
     * float32 (so every backend gives the same bits); m = 1 leaves target untouched and m = 0 copies
     * online exactly. Same shape; no overlap; m ∈ [0, 1] (checked by the front end).
     */
    void emaInto(Tensor target, Tensor online, float m);

    /**
     * Writes the rows of keys [N, D] into queue [K, D] at rows (ptr + i) mod K, each divided by
     * max(‖row‖₂, 1e-12) first when {@code normalize}; 1 ≤ N ≤ K, 0 ≤ ptr &lt; K. Other rows are untouched.
     */
    void enqueueInto(Tensor queue, Tensor keys, int ptr, boolean normalize);

    /**
     * The InstDisc memory-bank update, in place: bank[idx[i]] ← normalise(m·bank[idx[i]] + (1 − m)·f[i])
     * with the mix as fma(m, b, (1 − m)·f) and normalise(v) = v / max(‖v‖₂, 1e-12). When an index
     * repeats, the LAST occurrence wins (the update is computed from the old row and that f); earlier
     * ones are dropped. bank [S, D], idx [B] (whole numbers in [0, S)), f [B, D].
     */
    void memoryBankUpdateInto(Tensor bank, Tensor idx, Tensor f, float m);

    // ---------------------------------------------------------------- fused NT-Xent (SimCLR), DESIGN.md §4

    /**
     * NT-Xent forward for z [2N, D] (rows already L2-normalised, finite; τ > 0 finite, checked by
     * {@link NtXent}): {loss (a scalar, the mean over the 2N rows), lse [2N]} with
     * lse_i = log Σ_{j≠i} exp(z_i·z_j/τ). Never materialises the 2N×2N matrix.
     */
    Tensor[] ntXentForward(Tensor z, float tau);

    /** dLoss/dz [2N, D] from z, the forward's lse, τ, times {@code gradScale} (the loss's incoming gradient). */
    Tensor ntXentBackward(Tensor z, Tensor lse, float tau, float gradScale);

    // ---- InfoNCE (MoCo v1/v2 queue form; MoCo v3 / CLIP in-batch form). DESIGN.md §4; checks in InfoNce.java.

    /**
     * Queue InfoNCE forward: logits_i = [q_i·k_i, q_i·queue_j]/τ, label 0; {loss [], lse [N]} with
     * loss = (1/N) Σ_i [LSE_i − q_i·k_i/τ]. Never stores the N×(K+1) logits.
     */
    Tensor[] infoNceQueueForward(Tensor q, Tensor k, Tensor queue, float tau);

    /** Queue InfoNCE backward: dq = gradScale/(Nτ) [ (P_i0 − 1) k_i + Σ_j P_ij queue_j ], P recomputed from lse. */
    Tensor infoNceQueueBackward(Tensor q, Tensor k, Tensor queue, Tensor lse, float tau, float gradScale);

    /**
     * In-batch InfoNCE forward, z = scale·q kᵀ, labels on the diagonal: {loss [], lseRow [N], lseCol [N]}
     * with loss = ½(CE_rows + CE_cols) when symmetric, CE_rows (and lseCol of shape [0]) when not.
     */
    Tensor[] infoNceInBatchForward(Tensor q, Tensor k, float scale, boolean symmetric);

    /** In-batch InfoNCE backward: {dq, dk, dScale []}, each times gradScale (dq by a row pass, dk by a column pass). */
    Tensor[] infoNceInBatchBackward(Tensor q, Tensor k, Tensor lseRow, Tensor lseCol, float scale, boolean symmetric, float gradScale);
}
