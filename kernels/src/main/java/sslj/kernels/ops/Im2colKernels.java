package sslj.kernels.ops;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;
import sslj.tensor.Window2d;

/**
 * Launches {@code ptx/im2col.ptx}: unfold (im2col) and fold (col2im) for a 2-d convolution, in the
 * layout of PyTorch's {@code F.unfold} / {@code F.fold}:
 * <pre>
 *   x    [N, C, H, W]                      contiguous
 *   cols [N, C·kh·kw, Hout·Wout]           row (c·kh + i)·kw + j, column oh·Wout + ow
 *   cols[n][(c·kh + i)·kw + j][oh·Wout + ow] = x[n][c][oh·sh − ph + i·dh][ow·sw − pw + j·dw]  (pad outside: 0, or −∞ for max-pooling)
 * </pre>
 * so that a convolution is {@code W[Cout, C·kh·kw] · cols[n]} (a batched SGEMM with the weight's batch
 * stride 0, see {@link GemmKernels}) and its input gradient is {@code fold(Wᵀ · dY[n])}.
 * fold writes (does not accumulate into) x; each pixel sums its contributions in (i, j) order, with no
 * atomics, so both are deterministic.
 */
public final class Im2colKernels {
    /** The PTX module, a classpath resource. */
    public static final String PTX = "/sslj/kernels/ptx/im2col.ptx";
    private static final int BLOCK = 256;

    private final GpuRuntime runtime;
    private final GpuKernel im2col, col2im;

    public Im2colKernels(GpuRuntime runtime) {
        this.runtime = runtime;
        GpuModule m = runtime.loadModule(PTX);
        im2col = runtime.kernel(m, "im2col");
        col2im = runtime.kernel(m, "col2im");
    }

    /** unfold: x [n, c, h, w] → cols [n, c·kh·kw, outH·outW], zero outside the image. */
    public void im2col(DevicePtr x, DevicePtr cols, int n, int c, int h, int w, Window2d win) {
        im2col(x, cols, n, c, h, w, win, 0f);
    }

    /** unfold with {@code pad} at the positions outside the image (−∞ makes a max-pool's padding never win). */
    public void im2col(DevicePtr x, DevicePtr cols, int n, int c, int h, int w, Window2d win, float pad) {
        long total = check("im2col", x, cols, n, c, h, w, win);
        if (total == 0) return;
        runtime.launch(im2col, grid(total), Dim3.of(BLOCK), 0, args(x, cols, n, c, h, w, win).f32(pad));
    }

    /** fold: cols [n, c·kh·kw, outH·outW] → x [n, c, h, w], summing overlapping windows; x is overwritten. */
    public void col2im(DevicePtr cols, DevicePtr x, int n, int c, int h, int w, Window2d win) {
        check("col2im", x, cols, n, c, h, w, win);
        long pixels = (long) n * c * h * w;
        if (pixels == 0) return;
        runtime.launch(col2im, grid(pixels), Dim3.of(BLOCK), 0, args(x, cols, n, c, h, w, win));
    }

    /** Checks sizes and allocations; returns the number of elements of cols. */
    private static long check(String op, DevicePtr x, DevicePtr cols, int n, int c, int h, int w, Window2d win) {
        if (n < 0 || c < 0 || h < 1 || w < 1) throw new IllegalArgumentException(op + ": bad input size [" + n + ", " + c + ", " + h + ", " + w + "]");
        int oh = win.outH(h), ow = win.outW(w);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": " + win + " leaves no output position for a " + h + "×" + w + " input (output " + oh + "×" + ow + ")");
        }
        long pixels = (long) n * c * h * w, total = (long) n * c * win.kh() * win.kw() * oh * ow;
        if (pixels >= 1L << 31 || total >= 1L << 31) throw new IllegalArgumentException(op + ": more than 2^31 elements (32-bit indexing)");
        if (4 * pixels > x.bytes()) throw new IllegalArgumentException(op + ": x needs " + pixels + " floats, its allocation has " + x.bytes() / 4);
        if (4 * total > cols.bytes()) throw new IllegalArgumentException(op + ": cols needs " + total + " floats, its allocation has " + cols.bytes() / 4);
        return total;
    }

    private static KernelArgs args(DevicePtr x, DevicePtr cols, int n, int c, int h, int w, Window2d win) {
        return KernelArgs.of().ptr(x).ptr(cols).i32(n).i32(c).i32(h).i32(w).i32(win.kh()).i32(win.kw())
                .i32(win.strideH()).i32(win.strideW()).i32(win.padH()).i32(win.padW()).i32(win.dilH()).i32(win.dilW())
                .i32(win.outH(h)).i32(win.outW(w));
    }

    private static Dim3 grid(long total) { return Dim3.of((int) ((total + BLOCK - 1) / BLOCK)); }
}
