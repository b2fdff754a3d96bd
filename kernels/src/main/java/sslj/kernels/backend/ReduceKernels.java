package sslj.kernels.backend;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.KernelArgs;
import sslj.tensor.ReduceOp;

/**
 * The launcher of reduce.ptx. Every kernel there reads a contiguous tensor as [outer, len, inner]
 * and gives one block to each of the outer·inner rows of len elements (see the PTX banner).
 */
final class ReduceKernels {
    static final String MODULE = "/sslj/kernels/ptx/reduce.ptx";

    private final GpuContext ctx;

    ReduceKernels(GpuContext ctx) {
        this.ctx = ctx;
    }

    /** The smallest power-of-two block, 32 to 256 threads, that covers a row of {@code len}. */
    static int blockFor(long len) {
        int b = 32;
        while (b < len && b < 256) b *= 2;
        return b;
    }

    /** out[r] = op over row r of x seen as [outer, len, inner]. */
    void reduce(ReduceOp op, DevicePtr out, DevicePtr x, int outer, int len, int inner) {
        KernelArgs args = KernelArgs.of().ptr(out).ptr(x).i32(outer * inner).i32(len).i32(inner).i32(code(op));
        launch("rowReduce", outer, len, inner, args);
    }

    void argmax(DevicePtr out, DevicePtr x, int outer, int len, int inner) {
        launch("rowArgmax", outer, len, inner, KernelArgs.of().ptr(out).ptr(x).i32(outer * inner).i32(len).i32(inner));
    }

    void softmax(DevicePtr out, DevicePtr x, int outer, int len, int inner, boolean log) {
        launch("rowSoftmax", outer, len, inner,
                KernelArgs.of().ptr(out).ptr(x).i32(outer * inner).i32(len).i32(inner).i32(log ? 1 : 0));
    }

    void l2Normalize(DevicePtr out, DevicePtr x, int outer, int len, int inner, float eps) {
        launch("rowL2Normalize", outer, len, inner,
                KernelArgs.of().ptr(out).ptr(x).i32(outer * inner).i32(len).i32(inner).f32(eps));
    }

    private void launch(String name, int outer, int len, int inner, KernelArgs args) {
        long rows = (long) outer * inner;
        if (rows == 0) return;
        if (rows > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ": " + rows + " rows are too many for one launch");
        GpuKernel k = ctx.kernel(MODULE, name);
        ctx.runtime.launch(k, Dim3.of((int) rows), Dim3.of(blockFor(len)), 0, args);
    }

    static int code(ReduceOp op) {
        return switch (op) {
            case SUM -> 0; case MEAN -> 1; case MAX -> 2; case MIN -> 3; case LOGSUMEXP -> 4;
        };
    }
}
