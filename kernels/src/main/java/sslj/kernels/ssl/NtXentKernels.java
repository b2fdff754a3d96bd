package sslj.kernels.ssl;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launches the fused NT-Xent kernels of {@code nt_xent.ptx} (DESIGN.md §4) on one {@link GpuRuntime}:
 * the building blocks that the CUDA backend's ntXentForward / ntXentBackward call.
 *
 * <pre>
 *   forward   nt_xent_forward  grid ceil(2N/32) x 128 threads: lse [2N], rowLoss [2N]
 *             nt_xent_mean     1 x 256 threads:                 loss = mean(rowLoss), fixed order
 *   backward  nt_xent_backward grid ceil(2N/32) x ceil(D/128), 128 threads: grad [2N, D]
 * </pre>
 *
 * Every pointer is a float32 device buffer; z is [2N, D] row-major with normalised rows (the caller
 * normalises). No atomics: the same inputs give the same bits on every run. The module is loaded once
 * per runtime (the runtime caches it by path).
 */
public final class NtXentKernels {
    public static final String MODULE = "/sslj/kernels/ptx/nt_xent.ptx";
    private static final int THREADS = 128, ROWS_PER_BLOCK = 32, DIMS_PER_BLOCK = 128, MEAN_THREADS = 256;
    private static final double LOG2E = 1.0 / Math.log(2.0);

    private final GpuRuntime rt;
    private final GpuKernel forward, mean, backward;

    public NtXentKernels(GpuRuntime rt) {
        this.rt = rt;
        GpuModule m = rt.loadModule(MODULE);
        forward = rt.kernel(m, "nt_xent_forward");
        mean = rt.kernel(m, "nt_xent_mean");
        backward = rt.kernel(m, "nt_xent_backward");
    }

    /**
     * loss (1 float) = mean NT-Xent of z [rows, dim]; lse [rows] for {@link #backward}; rowLoss [rows] is
     * a workspace (afterwards it holds each row's loss).
     */
    public void forward(DevicePtr z, int rows, int dim, float tau, DevicePtr loss, DevicePtr lse, DevicePtr rowLoss) {
        check("forward", rows, dim, tau);
        need("forward", "z", z, (long) rows * dim);
        need("forward", "loss", loss, 1);
        need("forward", "lse", lse, rows);
        need("forward", "rowLoss", rowLoss, rows);
        rt.launch(forward, Dim3.of(blocks(rows, ROWS_PER_BLOCK)), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(z).ptr(lse).ptr(rowLoss).i32(rows).i32(dim).f32((float) (LOG2E / tau)));
        rt.launch(mean, Dim3.of(1), Dim3.of(MEAN_THREADS), 0, KernelArgs.of().ptr(rowLoss).ptr(loss).i32(rows));
    }

    /** grad [rows, dim] = gradScale · dLoss/dz, from z and the lse that {@link #forward} wrote. */
    public void backward(DevicePtr z, DevicePtr lse, int rows, int dim, float tau, float gradScale, DevicePtr grad) {
        check("backward", rows, dim, tau);
        if (!Float.isFinite(gradScale)) throw new IllegalArgumentException("NtXentKernels.backward: gradScale must be finite, got " + gradScale);
        need("backward", "z", z, (long) rows * dim);
        need("backward", "lse", lse, rows);
        need("backward", "grad", grad, (long) rows * dim);
        float outScale = (float) (gradScale / ((double) rows * tau));
        rt.launch(backward, Dim3.of(blocks(rows, ROWS_PER_BLOCK), blocks(dim, DIMS_PER_BLOCK)), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(z).ptr(lse).ptr(grad).i32(rows).i32(dim).f32((float) (LOG2E / tau)).f32(outScale));
    }

    private static int blocks(int n, int per) { return (n + per - 1) / per; }

    private static void check(String op, int rows, int dim, float tau) {
        if (rows < 2 || rows % 2 != 0) {
            throw new IllegalArgumentException("NtXentKernels." + op + ": rows must be 2N, even and >= 2, got " + rows);
        }
        if (dim < 1) throw new IllegalArgumentException("NtXentKernels." + op + ": dim must be >= 1, got " + dim);
        if ((long) rows * dim > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("NtXentKernels." + op + ": rows * dim = " + (long) rows * dim + " exceeds 2^31 - 1 elements");
        }
        if (!(tau > 0f) || !Float.isFinite(tau)) {
            throw new IllegalArgumentException("NtXentKernels." + op + ": temperature must be finite and > 0, got " + tau);
        }
    }

    private static void need(String op, String name, DevicePtr p, long floats) {
        if (p == null) throw new IllegalArgumentException("NtXentKernels." + op + ": " + name + " is null");
        if (p.bytes() < 4 * floats) {
            throw new IllegalArgumentException("NtXentKernels." + op + ": " + name + " holds " + p.bytes() + " bytes, needs "
                    + 4 * floats + " (" + floats + " floats)");
        }
    }
}
