package sslj.tensor.cpu;

/**
 * Single-precision GEMM on row-major storage: C = op(A) · op(B), with op(A) M×K and op(B) K×N.
 * A is read as A[i][p] = a[aOff + i·lda + p] (or a[aOff + p·lda + i] when transA); likewise B.
 * C is written (not accumulated) at c[cOff + i·ldc + j].
 */
final class Gemm {
    private Gemm() { }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        CpuParallel.forRange(m, Math.max(1, (1 << 16) / Math.max(1, n * Math.max(1, k) / 64)), (lo, hi) -> {
            float[] row = new float[n];
            for (int i = lo; i < hi; i++) {
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                    } else {
                        int bo = bOff + p * ldb;
                        for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
                    }
                }
                System.arraycopy(row, 0, c, cOff + i * ldc, n);
            }
        });
    }
}
