package sslj.kernels.backend;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.KernelArgs;

/**
 * The launcher of batchnorm.ptx: batch normalisation per channel of a contiguous x seen as [N, C, S]
 * (the maths in {@link sslj.tensor.BatchNormOps}, the kernels' banner for launch shapes). Statistics
 * and the backward give one 256-thread block to each channel; apply is one thread per element.
 */
final class BatchNormKernels {
    static final String MODULE = "/sslj/kernels/ptx/batchnorm.ptx";
    private static final int BLOCK = 256;
    private static final DevicePtr NONE = new DevicePtr(0, 0);

    private final GpuContext ctx;

    BatchNormKernels(GpuContext ctx) {
        this.ctx = ctx;
    }

    /** mean[c], var[c] (biased) of x [n, c, s]. */
    void stats(DevicePtr x, DevicePtr mean, DevicePtr var, int n, int c, int s) {
        ctx.runtime.launch(ctx.kernel(MODULE, "channelStats"), Dim3.of(c), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(x).ptr(mean).ptr(var).i32(n).i32(c).i32(s));
    }

    /** y = (x − mean) · invstd · gamma + beta per channel; gamma and beta null together (no affine). */
    void apply(DevicePtr x, DevicePtr mean, DevicePtr invstd, DevicePtr gamma, DevicePtr beta, DevicePtr y, int n, int c, int s) {
        long total = (long) n * c * s;
        ctx.runtime.launch(ctx.kernel(MODULE, "channelApply"), Dim3.of((int) ((total + BLOCK - 1) / BLOCK)), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(x).ptr(mean).ptr(invstd).ptr(gamma == null ? NONE : gamma).ptr(beta == null ? NONE : beta).ptr(y)
                        .i32((int) total).i32(c).i32(s));
    }

    /** runningMean, runningVar [c] ← running·(1 − m) + batch·m, the batch variance times {@code unbias} first. */
    void runningUpdate(DevicePtr runningMean, DevicePtr runningVar, DevicePtr batchMean, DevicePtr batchVar, int c, float momentum, float unbias) {
        ctx.runtime.launch(ctx.kernel(MODULE, "runningUpdate"), Dim3.of((c + BLOCK - 1) / BLOCK), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(runningMean).ptr(runningVar).ptr(batchMean).ptr(batchVar).i32(c).f32(1f - momentum).f32(momentum).f32(unbias));
    }

    /** var[c] = 1/invstd[c]² − eps: the biased variance back from the invstd cuDNN saves. */
    void varFromInvstd(DevicePtr invstd, DevicePtr var, int c, float eps) {
        ctx.runtime.launch(ctx.kernel(MODULE, "varFromInvstd"), Dim3.of((c + BLOCK - 1) / BLOCK), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(invstd).ptr(var).i32(c).f32(eps));
    }

    /** dx, dgamma[c], dbeta[c] from g and x [n, c, s]; gamma null = 1. */
    void backward(DevicePtr g, DevicePtr x, DevicePtr mean, DevicePtr invstd, DevicePtr gamma,
                  DevicePtr dx, DevicePtr dgamma, DevicePtr dbeta, int n, int c, int s, boolean training) {
        ctx.runtime.launch(ctx.kernel(MODULE, "channelBackward"), Dim3.of(c), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(g).ptr(x).ptr(mean).ptr(invstd).ptr(gamma == null ? NONE : gamma)
                        .ptr(dx).ptr(dgamma).ptr(dbeta).i32(n).i32(c).i32(s).i32(training ? 1 : 0));
    }
}
