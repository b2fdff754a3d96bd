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

    /** As {@link #sgemm} with an explicit micro-kernel, so tests can run the scalar path on any JVM. */
    static void sgemm(GemmKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
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
                BlockedGemm.run(kernel, transA, transB, m, cols, k, a, aOff, lda,
                        b, bOff + (transB ? j0 * ldb : j0), ldb, c, cOff + j0, ldc);
            });
        } else { // one strip of rows per thread, cut at whole MR slivers
            int mr = kernel.mr(), blocks = (m + mr - 1) / mr;
            CpuParallel.forRange(blocks, Math.max(1, blocks / threads), (lo, hi) -> {
                int i0 = lo * mr, rows = Math.min(m, hi * mr) - i0;
                BlockedGemm.run(kernel, transA, transB, rows, n, k, a, aOff + (transA ? i0 : i0 * lda), lda,
                        b, bOff, ldb, c, cOff + i0 * ldc, ldc);
            });
        }
    }

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
