package sslj.kernels.backend;

import static jcuda.jcudnn.JCudnn.cudnnBatchNormalizationBackward;
import static jcuda.jcudnn.JCudnn.cudnnBatchNormalizationForwardInference;
import static jcuda.jcudnn.JCudnn.cudnnBatchNormalizationForwardTraining;
import static jcuda.jcudnn.JCudnn.cudnnCreateTensorDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnDeriveBNTensorDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnDestroy;
import static jcuda.jcudnn.JCudnn.cudnnDestroyTensorDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnSetTensor4dDescriptor;
import static sslj.kernels.backend.CudnnConvolutions.check;

import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnBatchNormMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.runtime.GpuException;
import sslj.tensor.BatchNormOps;
import sslj.tensor.Tensor;

/**
 * Batch normalisation through cuDNN's legacy batch-norm API (libcudnn.so.9, as {@link CudnnConvolutions}):
 * the training forward ({@code cudnnBatchNormalizationForwardTraining}: μ, the saved 1/√(σ² + ε) and y in
 * one call), the training backward ({@code cudnnBatchNormalizationBackward}: dx, dγ, dβ from the saved μ
 * and 1/√(σ² + ε)) and the eval forward ({@code cudnnBatchNormalizationForwardInference}: y from the
 * running μ and σ²). The maths is {@link BatchNormOps}'s; mode {@code CUDNN_BATCHNORM_SPATIAL}
 * (statistics per channel over N and the plane), x seen as [N, C, S, 1].
 *
 * <p>The training pair is where cuDNN pays: they are the reductions, where cuDNN spreads a channel over
 * many blocks and batchnorm.ptx gives each channel one block (which leaves most of the GPU idle when C
 * is small). The eval forward is one elementwise pass either way (batchnorm.ptx's runs at copy
 * bandwidth); it goes through cuDNN too so that a model in eval mode runs the same library as in
 * training. The eval backward (frozen statistics: dx = γ · invstd · g) has no cuDNN call and stays on
 * batchnorm.ptx.
 *
 * <p>No running statistics here (their pointers are NULL, factor 0): the module updates them from the
 * batch statistics, the same code on every backend. cuDNN returns invstd, not σ²; the biased σ² the
 * module needs is recovered as 1/invstd² − ε, exact up to float rounding (and some cancellation when σ²
 * is far below ε, where the running variance is then ε-accurate — it only ever enters as σ² + ε).
 * γ and β absent (no affine) are passed as ones and zeros, which cuDNN requires.
 */
final class CudnnBatchNorm implements AutoCloseable {
    private static final int MODE = cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL;

    private final CudaBackend backend;
    private final JCudaRuntime gpu;
    private final cudnnHandle handle;
    private final Map<Shape, Plan> plans = new LinkedHashMap<>();
    private final Pointer one = Pointer.to(new float[] {1f});
    private final Pointer zero = Pointer.to(new float[] {0f});
    private boolean closed;

    CudnnBatchNorm(CudaBackend backend, JCudaRuntime gpu) {
        this.backend = backend;
        this.gpu = gpu;
        this.handle = CudnnConvolutions.newHandle(gpu);
    }

    /** x [N, C, S] as cuDNN's 4-d [N, C, S, 1]. */
    private record Shape(int n, int c, int s) {
        @Override public String toString() { return "x [" + n + ", " + c + ", " + s + ", 1]"; }
    }

    /** The x descriptor of one shape and its derived [1, C, 1, 1] per-channel descriptor. */
    private final class Plan {
        final Shape shape;
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor(), channel = new cudnnTensorDescriptor();
        private boolean xMade, channelMade;

        Plan(Shape k) {
            this.shape = k;
            try {
                check(cudnnCreateTensorDescriptor(x), "cudnnCreateTensorDescriptor(x) for " + k);
                xMade = true;
                check(cudnnCreateTensorDescriptor(channel), "cudnnCreateTensorDescriptor(bn) for " + k);
                channelMade = true;
                check(cudnnSetTensor4dDescriptor(x, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, k.n, k.c, k.s, 1),
                        "cudnnSetTensor4dDescriptor(x) for " + k);
                check(cudnnDeriveBNTensorDescriptor(channel, x, MODE), "cudnnDeriveBNTensorDescriptor(SPATIAL) for " + k);
            } catch (RuntimeException e) {
                free();
                throw e;
            }
        }

        void free() {
            if (channelMade) cudnnDestroyTensorDescriptor(channel);
            if (xMade) cudnnDestroyTensorDescriptor(x);
            channelMade = xMade = false;
        }
    }

    /**
     * Training forward into the given results: y (x's shape), mean [C], invstd [C]; x contiguous, gamma
     * and beta [C] contiguous or both null.
     */
    synchronized void forwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor invstd) {
        Plan p = plan(x);
        withScaleBias(p, gamma, beta, (scale, bias) -> check(cudnnBatchNormalizationForwardTraining(handle, MODE, one, zero, p.x, ptr(x),
                p.x, ptr(y), p.channel, scale, bias, 0.0, new Pointer(), new Pointer(), eps, ptr(mean), ptr(invstd)),
                "cudnnBatchNormalizationForwardTraining(SPATIAL) for " + p.shape));
    }

    /**
     * Eval forward into y (x's shape) with the given (running) mean and biased variance var [C]: y = (x − μ)
     * / √(σ² + ε) · γ + β; x contiguous, gamma and beta [C] contiguous or both null.
     */
    synchronized void forwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps, Tensor y) {
        Plan p = plan(x);
        withScaleBias(p, gamma, beta, (scale, bias) -> check(cudnnBatchNormalizationForwardInference(handle, MODE, one, zero, p.x, ptr(x),
                p.x, ptr(y), p.channel, scale, bias, ptr(mean), ptr(var), eps),
                "cudnnBatchNormalizationForwardInference(SPATIAL) for " + p.shape));
    }

    /** Runs call with γ and β, or, without affine, with temporary ones and zeros (cuDNN needs both pointers). */
    private void withScaleBias(Plan p, Tensor gamma, Tensor beta, java.util.function.BiConsumer<Pointer, Pointer> call) {
        Tensor ones = gamma == null ? filled(p.shape.c, 1f) : null, zeros = gamma == null ? filled(p.shape.c, 0f) : null;
        try {
            call.accept(ptr(gamma == null ? ones : gamma), ptr(beta == null ? zeros : beta));
        } finally {
            if (ones != null) ones.release();
            if (zeros != null) zeros.release();
        }
    }

    /**
     * Training backward into dx (x's shape), dgamma [C], dbeta [C] from g, x, and the forward's mean and
     * invstd (cuDNN's "saved" statistics: with them given, cuDNN does not recompute them, and ε is unused).
     */
    synchronized void backwardTraining(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor dx, Tensor dgamma, Tensor dbeta) {
        Plan p = plan(x);
        Tensor ones = gamma == null ? filled(p.shape.c, 1f) : null;
        try {
            check(cudnnBatchNormalizationBackward(handle, MODE, one, zero, one, zero, p.x, ptr(x), p.x, ptr(g), p.x, ptr(dx), p.channel,
                    ptr(gamma == null ? ones : gamma), ptr(dgamma), ptr(dbeta), JCudnn.CUDNN_BN_MIN_EPSILON, ptr(mean), ptr(invstd)),
                    "cudnnBatchNormalizationBackward(SPATIAL) for " + p.shape);
        } finally {
            if (ones != null) ones.release();
        }
    }

    private Tensor filled(int n, float value) {
        Tensor t = backend.temp(n);
        gpu.memset32(backend.ptr(t), Float.floatToRawIntBits(value), n);
        return t;
    }

    private Pointer ptr(Tensor t) {
        return CudnnConvolutions.pointer(backend, gpu, t);
    }

    private Plan plan(Tensor x) {
        if (closed) throw new GpuException("cuDNN batch norm used after close()");
        gpu.makeCurrent();
        Shape k = new Shape(x.size(0), x.size(1), BatchNormOps.planeSize(x));
        Plan p = plans.get(k);
        if (p == null) {
            p = new Plan(k);
            plans.put(k, p);
        }
        return p;
    }

    /** The shapes seen so far, one per line (for tests). */
    synchronized String shapes() {
        StringBuilder s = new StringBuilder();
        for (Shape k : plans.keySet()) s.append(k).append('\n');
        return s.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        gpu.makeCurrent();
        for (Plan p : plans.values()) p.free();
        plans.clear();
        cudnnDestroy(handle);
    }
}
