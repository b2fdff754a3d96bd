package sslj.tensor.cpu;

/**
 * Single-precision GEMM on row-major storage: C = op(A) · op(B), with op(A) M×K and op(B) K×N.
 * A is read as A[i][p] = a[aOff + i·lda + p] (or a[aOff + p·lda + i] when transA); likewise B.
 * C is written (not accumulated) at c[cOff + i·ldc + j]; it is never read, so it may hold garbage.
 *
 * <p>Three ways through, chosen by size:
 * <ol>
 *   <li>k = 0: C = 0 (an empty sum).
 *   <li>small (m·n·k below {@link #SMALL}): a direct triple loop, since packing would cost more
 *       than it saves on a problem that fits in L1 anyway;
 *   <li>otherwise {@link BlockedGemm} (packing + cache blocking + register-blocked micro-kernel),
 *       with C cut into one column (or row) strip per core, each strip an independent GEMM.
 * </ol>
 * Every product is computed, zeros included, so NaN and Inf propagate as in the naive loop.
 */
public final class Gemm {
    private Gemm() { }

    /** Below this many multiply-adds the direct loop wins (no packing, no threads). */
    static final long SMALL = 32 * 1024;

    /**
     * Fewer multiply-adds than this per thread and another thread is not worth waking: handing a
     * task to a parked pool thread costs ~10–20 µs, and 2M multiply-adds take ~20 µs at ~200 GFLOP/s.
     */
    static final long MIN_WORK_PER_THREAD = 2L << 20;

    /** The micro-kernel for this JVM; VectorGemmKernel is loaded only when the Vector API is present. */
    private static final GemmKernel KERNEL = GemmKernel.best();

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        sgemm(KERNEL, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * op(A) [m × k], kept with its packing for the blocked path, for a product repeated with the same A
     * (a convolution's weights, image after image): {@link #sgemm(PackedA, boolean, int, float[], int, int, float[], int, int)}
     * then skips packing A, which on small images cost as much as the multiply.
     */
    record PackedA(GemmKernel kernel, boolean transA, float[] a, int aOff, int lda, int m, int k, float[] packed) { }

    /** A packed once for {@link #sgemm(PackedA, boolean, int, float[], int, int, float[], int, int)}. */
    static PackedA pack(boolean transA, float[] a, int aOff, int lda, int m, int k) {
        return pack(KERNEL, transA, a, aOff, lda, m, k);
    }

    static PackedA pack(GemmKernel kernel, boolean transA, float[] a, int aOff, int lda, int m, int k) {
        float[] packed = m > 0 && k > 0 ? BlockedGemm.packWhole(kernel, transA, a, aOff, lda, m, k) : null;
        return new PackedA(kernel, transA, a, aOff, lda, m, k, packed);
    }

    /** C [A.m × n] = op(A) · op(B), as {@link #sgemm} with A packed beforehand. */
    static void sgemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        product(a.kernel(), a.transA(), a.a(), a.aOff(), a.lda(), a.packed(), transB, a.m(), n, a.k(), b, bOff, ldb, c, cOff, ldc);
    }

    /** As {@link #sgemm} with an explicit micro-kernel, so tests can run the scalar path on any JVM. */
    static void sgemm(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        product(kernel, transA, a, aOff, lda, null, transB, m, n, k, b, bOff, ldb, c, cOff, ldc);
    }

    /** The three ways through; the blocked one reads A from {@code packed} when it is given (packed by the same kernel). */
    private static void product(GemmKernel kernel, boolean transA, float[] a, int aOff, int lda, float[] packed, boolean transB,
                                int m, int n, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        if (work < SMALL) {
            direct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        int threads = (int) Math.max(1, Math.min(CpuParallel.threads(), work / MIN_WORK_PER_THREAD));
        if (n >= m) { // one strip of columns per thread, cut at whole NR slivers
            int nr = kernel.nr(), blocks = (n + nr - 1) / nr;
            CpuParallel.forRange(blocks, Math.max(1, blocks / threads), (lo, hi) -> {
                int j0 = lo * nr, cols = Math.min(n, hi * nr) - j0;
                int bj = bOff + (transB ? j0 * ldb : j0);
                if (packed != null) BlockedGemm.runPacked(kernel, packed, roundUp(m, kernel.mr()), 0, transB, m, cols, k, b, bj, ldb, c, cOff + j0, ldc);
                else BlockedGemm.run(kernel, transA, transB, m, cols, k, a, aOff, lda, b, bj, ldb, c, cOff + j0, ldc);
            });
        } else { // one strip of rows per thread, cut at whole MR slivers
            int mr = kernel.mr(), blocks = (m + mr - 1) / mr;
            CpuParallel.forRange(blocks, Math.max(1, blocks / threads), (lo, hi) -> {
                int i0 = lo * mr, rows = Math.min(m, hi * mr) - i0;
                if (packed != null) BlockedGemm.runPacked(kernel, packed, roundUp(m, mr), i0, transB, rows, n, k, b, bOff, ldb, c, cOff + i0 * ldc, ldc);
                else BlockedGemm.run(kernel, transA, transB, rows, n, k, a, aOff + (transA ? i0 : i0 * lda), lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc);
            });
        }
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }

    /** The plain i-p-j loop: one row of C at a time, accumulated in place. */
    static void direct(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (transB) {
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * ldb + p];
                } else {
                    int bo = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bo + j];
                }
            }
        }
    }
}
