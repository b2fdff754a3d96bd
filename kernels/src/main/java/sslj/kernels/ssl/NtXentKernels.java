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
 *   forward   nt_xent_forward  grid (ceil(2N/64), splits), 128 threads: per split (m, S, t_pos) per row
 *             nt_xent_merge    ceil(2N/256) x 256:  lse [2N], rowLoss [2N] (splits merged in order)
 *             nt_xent_mean     1 x 256 threads:     loss = mean(rowLoss), fixed order
 *   backward  nt_xent_backward grid (ceil(2N/32), splits, ceil(D/128)), 128 threads: per split Σ_j G_ij z_j
 *             nt_xent_grad     ceil(2N·D/256) x 256: grad = scale (Σ_splits − 2 z_pos)
 * </pre>
 *
 * The columns j are split into {@link #forwardSplits} / {@link #backwardSplits} ranges so that small batches still launch enough
 * blocks to fill a GPU (about 1024); the split count depends on 2N only, so a given input gives the
 * same bits on every run. The caller provides the workspaces ({@link #forwardWorkspaceFloats},
 * {@link #backwardWorkspaceFloats}): O(N·D) like everything else.
 *
 * Every pointer is a float32 device buffer; z is [2N, D] row-major with normalised rows (the caller
 * normalises). No atomics: the same inputs give the same bits on every run. The module is loaded once
 * per runtime (the runtime caches it by path).
 */
public final class NtXentKernels {
    public static final String MODULE = "/sslj/kernels/ptx/nt_xent.ptx";
    private static final int THREADS = 128, FWD_ROWS = 64, BWD_ROWS = 32, DIMS_PER_BLOCK = 128, MEAN_THREADS = 256;
    private static final double LOG2E = 1.0 / Math.log(2.0);

    private final GpuRuntime rt;
    private static final int COL_TILE = 64, TARGET_BLOCKS = 1024, MAX_SPLITS = 8;
    private final GpuKernel forward, merge, mean, backward, grad;

    public NtXentKernels(GpuRuntime rt) {
        this.rt = rt;
        GpuModule m = rt.loadModule(MODULE);
        forward = rt.kernel(m, "nt_xent_forward");
        merge = rt.kernel(m, "nt_xent_merge");
        mean = rt.kernel(m, "nt_xent_mean");
        backward = rt.kernel(m, "nt_xent_backward");
        grad = rt.kernel(m, "nt_xent_grad");
    }

    /** Columns per split: a multiple of the 64-column tile, chosen so that about 1024 blocks run. */
    static int splitCols(int rows, int rowsPerBlock) {
        int tiles = blocks(rows, COL_TILE), rowBlocks = blocks(rows, rowsPerBlock);
        int want = Math.max(1, Math.min(MAX_SPLITS, blocks(TARGET_BLOCKS, rowBlocks)));
        return blocks(tiles, Math.min(want, tiles)) * COL_TILE;
    }

    /** How many column splits the forward uses for 2N = rows (64 rows a block). */
    public static int forwardSplits(int rows) { return blocks(rows, splitCols(rows, FWD_ROWS)); }

    /** How many column splits the backward uses for 2N = rows (32 rows a block). */
    public static int backwardSplits(int rows) { return blocks(rows, splitCols(rows, BWD_ROWS)); }

    /** Floats of the forward's workspace: 3 partials per row and split, then the row losses. */
    public static long forwardWorkspaceFloats(int rows) { return (3L * forwardSplits(rows) + 1) * rows; }

    /** Floats of the backward's workspace: one partial gradient per split. */
    public static long backwardWorkspaceFloats(int rows, int dim) { return (long) backwardSplits(rows) * rows * dim; }

    /**
     * loss (1 float) = mean NT-Xent of z [rows, dim]; lse [rows] for {@link #backward}; work holds
     * {@link #forwardWorkspaceFloats} floats (afterwards its last rows floats are each row's loss).
     */
    public void forward(DevicePtr z, int rows, int dim, float tau, DevicePtr loss, DevicePtr lse, DevicePtr work) {
        check("forward", rows, dim, tau);
        need("forward", "z", z, (long) rows * dim);
        need("forward", "loss", loss, 1);
        need("forward", "lse", lse, rows);
        need("forward", "work", work, forwardWorkspaceFloats(rows));
        int cols = splitCols(rows, FWD_ROWS), splits = forwardSplits(rows);
        DevicePtr rowLoss = work.offset(4L * 3 * splits * rows);
        rt.launch(forward, Dim3.of(blocks(rows, FWD_ROWS), splits), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(z).ptr(work).i32(rows).i32(dim).f32((float) (LOG2E / tau)).i32(cols));
        rt.launch(merge, Dim3.of(blocks(rows, MEAN_THREADS)), Dim3.of(MEAN_THREADS), 0,
                KernelArgs.of().ptr(work).ptr(lse).ptr(rowLoss).i32(rows).i32(splits));
        rt.launch(mean, Dim3.of(1), Dim3.of(MEAN_THREADS), 0, KernelArgs.of().ptr(rowLoss).ptr(loss).i32(rows));
    }

    /**
     * grad [rows, dim] = gradScale · dLoss/dz, from z and the lse that {@link #forward} wrote; work holds
     * {@link #backwardWorkspaceFloats} floats.
     */
    public void backward(DevicePtr z, DevicePtr lse, int rows, int dim, float tau, float gradScale, DevicePtr grad, DevicePtr work) {
        check("backward", rows, dim, tau);
        if (!Float.isFinite(gradScale)) throw new IllegalArgumentException("NtXentKernels.backward: gradScale must be finite, got " + gradScale);
        need("backward", "z", z, (long) rows * dim);
        need("backward", "lse", lse, rows);
        need("backward", "grad", grad, (long) rows * dim);
        need("backward", "work", work, backwardWorkspaceFloats(rows, dim));
        if (backwardWorkspaceFloats(rows, dim) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("NtXentKernels.backward: splits * rows * dim exceeds 2^31 - 1 floats");
        }
        int cols = splitCols(rows, BWD_ROWS), splits = backwardSplits(rows);
        float outScale = (float) (gradScale / ((double) rows * tau));
        rt.launch(backward, new Dim3(blocks(rows, BWD_ROWS), splits, blocks(dim, DIMS_PER_BLOCK)), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(z).ptr(lse).ptr(work).i32(rows).i32(dim).f32((float) (LOG2E / tau)).i32(cols));
        rt.launch(this.grad, Dim3.of(blocks(rows * dim, MEAN_THREADS)), Dim3.of(MEAN_THREADS), 0,
                KernelArgs.of().ptr(work).ptr(z).ptr(grad).i32(rows).i32(dim).i32(splits).f32(outScale));
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
