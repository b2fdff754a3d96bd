package sslj.kernels.ops;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launches the SGEMM kernels of {@code ptx/gemm.ptx}: for b in [0, batch),
 * {@code C[b] = op(A[b]) · op(B[b])}, with the same storage convention as the CPU's
 * {@code sslj.tensor.cpu.Gemm.sgemm} (row-major, leading dimensions, a transpose flag per operand),
 * plus a batch stride per operand (0 broadcasts it). {@code CpuMatmul} hands transposed views to its
 * GEMM with the transpose flag and no copy; a GPU backend does the same with these arguments.
 *
 * <pre>
 *   op(A)[i][p] = a[b·strideA + (transA ? p·lda + i : i·lda + p)]     op(A) is m×k
 *   op(B)[p][j] = b[b·strideB + (transB ? j·ldb + p : p·ldb + j)]     op(B) is k×n
 *   C[i][j]     = c[b·strideC + i·ldc + j]                             written, never read
 * </pre>
 *
 * One launch per call, asynchronous on the runtime's stream. k = 0 writes zeros; m = 0, n = 0 or
 * batch = 0 launches nothing. The result is deterministic (fixed summation order, no atomics).
 * Arguments are checked before launching: a leading dimension smaller than the row, or an operand
 * whose last element lies past its allocation, is an {@link IllegalArgumentException} naming sgemm.
 */
public final class GemmKernels {
    /** The PTX module, a classpath resource. */
    public static final String PTX = "/sslj/kernels/ptx/gemm.ptx";

    /** Which kernel of gemm.ptx runs (the numbered variants of its banner). */
    public enum Variant {
        /** One thread per output element, no shared memory: the readable reference. */
        NAIVE,
        /** 128×128 block tiles, BK = 8 in shared memory, 8×8 register blocking, float4 loads. */
        TILED
    }

    private static final int FLAG_TRANS_A = 1, FLAG_TRANS_B = 2, FLAG_VEC_A = 4, FLAG_VEC_B = 8, FLAG_VEC_C = 16;
    private static final int TILE = 128;

    private final GpuRuntime runtime;
    private final GpuKernel naive;
    private final GpuKernel tiled;

    /** Loads gemm.ptx on {@code runtime} (once per runtime: the runtime caches modules). */
    public GemmKernels(GpuRuntime runtime) {
        this.runtime = runtime;
        GpuModule module = runtime.loadModule(PTX);
        this.naive = runtime.kernel(module, "sgemmNaive");
        this.tiled = runtime.kernel(module, "sgemmTiled");
    }

    /** One GEMM operand: where batch 0 starts, its leading dimension, its batch stride (floats), transposed or not. */
    public record Operand(DevicePtr ptr, int ld, long batchStride, boolean trans) {
        /** A row-major matrix with leading dimension {@code ld}, not batched. */
        public static Operand of(DevicePtr ptr, int ld) { return new Operand(ptr, ld, 0, false); }
    }

    /** {@link #sgemm(Variant, int, int, int, int, Operand, Operand, DevicePtr, int, long)} with the tiled kernel. */
    public void sgemm(int batch, int m, int n, int k, Operand a, Operand b, DevicePtr c, int ldc, long strideC) {
        sgemm(Variant.TILED, batch, m, n, k, a, b, c, ldc, strideC);
    }

    /**
     * Enqueues {@code C[i] = op(A[i]) · op(B[i])} for i in [0, batch).
     *
     * @param a       op(A) is m×k; {@code a.trans()} means memory holds the k×m matrix
     * @param b       op(B) is k×n; {@code b.trans()} means memory holds the n×k matrix
     * @param c       output, m×n per batch, row-major with leading dimension {@code ldc}
     * @param strideC floats between consecutive outputs of the batch
     */
    public void sgemm(Variant variant, int batch, int m, int n, int k, Operand a, Operand b, DevicePtr c, int ldc, long strideC) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size (batch " + batch + ", m " + m + ", n " + n + ", k " + k + ")");
        }
        if (batch > 65535) throw new IllegalArgumentException("sgemm: batch " + batch + " exceeds the grid's z limit 65535");
        if (batch == 0 || m == 0 || n == 0) return;
        checkOperand("A", a, a.trans() ? k : m, a.trans() ? m : k, batch);
        checkOperand("B", b, b.trans() ? n : k, b.trans() ? k : n, batch);
        checkOperand("C", new Operand(c, ldc, strideC, false), m, n, batch);
        if (strideC == 0 && batch > 1) throw new IllegalArgumentException("sgemm: C's batch stride is 0 with batch " + batch + " (outputs would overlap)");

        int flags = (a.trans() ? FLAG_TRANS_A : 0) | (b.trans() ? FLAG_TRANS_B : 0)
                | (vectorisable(a.ptr(), a.ld(), a.batchStride()) ? FLAG_VEC_A : 0)
                | (vectorisable(b.ptr(), b.ld(), b.batchStride()) ? FLAG_VEC_B : 0)
                | (vectorisable(c, ldc, strideC) ? FLAG_VEC_C : 0);
        KernelArgs args = KernelArgs.of().ptr(a.ptr()).ptr(b.ptr()).ptr(c)
                .i32(m).i32(n).i32(k).i32(a.ld()).i32(b.ld()).i32(ldc)
                .i64(a.batchStride()).i64(b.batchStride()).i64(strideC).i32(flags);
        if (variant == Variant.NAIVE) {
            runtime.launch(naive, new Dim3(ceil(n, 16), ceil(m, 16), batch), Dim3.of(16, 16), 0, args);
        } else {
            runtime.launch(tiled, new Dim3(ceil(n, TILE), ceil(m, TILE), batch), Dim3.of(256), 0, args);
        }
    }

    /**
     * A rows×cols matrix (as stored) with leading dimension ld: ld ≥ cols, every element of every
     * batch inside the allocation, and per-batch element indices below 2^32 (the kernels index
     * within a matrix with 32-bit arithmetic; batch offsets are 64-bit).
     */
    private static void checkOperand(String name, Operand x, int rows, int cols, int batch) {
        if (x.ld() < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + x.ld() + ", less than its row length " + cols);
        }
        if (x.batchStride() < 0) throw new IllegalArgumentException("sgemm: negative batch stride of " + name + ": " + x.batchStride());
        if (rows == 0 || cols == 0) return;
        long lastInMatrix = (long) (rows - 1) * x.ld() + cols - 1;
        if (lastInMatrix >= (1L << 32) - 4) {
            throw new IllegalArgumentException("sgemm: " + name + " spans " + (lastInMatrix + 1) + " floats; the kernels index a matrix with 32 bits");
        }
        long lastByte = 4 * ((batch - 1) * x.batchStride() + lastInMatrix) + 4;
        if (lastByte > x.ptr().bytes()) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "×" + cols + ", ld " + x.ld() + ", batch stride "
                    + x.batchStride() + ", batch " + batch + ") needs " + lastByte + " bytes but its allocation has " + x.ptr().bytes());
        }
    }

    /** float4 accesses are legal when every row of every batch starts on a 16-byte boundary. */
    private static boolean vectorisable(DevicePtr p, int ld, long batchStride) {
        return p.address() % 16 == 0 && ld % 4 == 0 && batchStride % 4 == 0;
    }

    private static int ceil(int x, int d) { return (x + d - 1) / d; }
}
