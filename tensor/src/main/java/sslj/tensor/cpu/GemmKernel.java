package sslj.tensor.cpu;

/**
 * A GEMM micro-kernel: the innermost piece of {@link BlockedGemm}, computing one MR×NR tile of C from
 * a packed sliver of A (kc columns of MR rows, stored [p][r]: {@code ap[ai + p·MR + r]}) and a packed
 * sliver of B (kc rows of NR columns, stored [p][j]: {@code bp[bi + p·NR + j]}):
 * <pre>  C[r][j] += Σ_p A[r][p] · B[p][j]      (r &lt; MR, j &lt; NR)</pre>
 * The kernel always accumulates into C (the driver zeroes C first): one code path, no branch, and a
 * smaller method, which matters because C2 stops inlining Vector API calls past a node budget
 * (NodeCountInliningCutoff); a vector op left un-inlined is boxed and runs ~10x slower.
 *
 * <p>Two implementations: {@link VectorGemmKernel} (FloatVector, loaded only when the Vector API is
 * present) and {@link Scalar} (plain Java, always available).
 */
interface GemmKernel {
    /** Rows of the C tile (and of each packed A sliver). */
    int mr();

    /** Columns of the C tile (and of each packed B sliver). */
    int nr();

    void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc);

    /** The kernel for this JVM: the vector one when jdk.incubator.vector is available, else the scalar one. */
    static GemmKernel best() {
        return CpuFeatures.VECTOR_API ? VectorGemmKernel.create() : new Scalar();
    }

    /**
     * The scalar fallback: a 4×8 tile whose 32 sums live in a small local array (the same
     * structure as the vector kernel, which C2 partly auto-vectorises). No jdk.incubator.vector
     * class is touched.
     */
    final class Scalar implements GemmKernel {
        private static final int MR = 4, NR = 8;

        @Override public int mr() { return MR; }
        @Override public int nr() { return NR; }

        @Override
        public void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc) {
            float[] acc = new float[MR * NR]; // escape analysis scalar-replaces this small array
            for (int p = 0; p < kc; p++) {
                int ao = ai + p * MR, bo = bi + p * NR;
                for (int r = 0; r < MR; r++) {
                    float av = ap[ao + r];
                    for (int j = 0; j < NR; j++) acc[r * NR + j] += av * bp[bo + j];
                }
            }
            for (int r = 0; r < MR; r++) {
                int co = ci + r * ldc;
                for (int j = 0; j < NR; j++) c[co + j] += acc[r * NR + j];
            }
        }
    }
}
