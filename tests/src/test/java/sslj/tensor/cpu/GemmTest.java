package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gemm against a double-precision triple loop, on every path: the public entry (direct loop for
 * small problems, threaded blocked GEMM otherwise), the blocked GEMM forced on every size, and the entry
 * with A packed beforehand (Gemm.pack, as a convolution's weights), each with the Vector API
 * micro-kernel (when this JVM has the module) and the scalar one.
 */
class GemmTest {
    /** A path through the GEMM: all of them take the sgemm arguments. */
    interface Path {
        void sgemm(boolean ta, boolean tb, int m, int n, int k, float[] a, int ao, int lda,
                   float[] b, int bo, int ldb, float[] c, int co, int ldc);
    }

    static List<Arguments> paths() {
        List<Arguments> out = new ArrayList<>();
        GemmKernel scalar = new GemmKernel.Scalar();
        out.add(Arguments.of("entry/scalar", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                -> Gemm.sgemm(scalar, ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)));
        out.add(Arguments.of("blocked/scalar", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                -> BlockedGemm.run(scalar, ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)));
        out.add(Arguments.of("packed/scalar", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                -> Gemm.sgemm(Gemm.pack(scalar, ta, a, ao, lda, m, k), tb, n, b, bo, ldb, c, co, ldc)));
        out.add(Arguments.of("direct", (Path) Gemm::direct));
        if (CpuFeatures.VECTOR_API) {
            GemmKernel vector = GemmKernel.best();
            out.add(Arguments.of("entry/vector", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                    -> Gemm.sgemm(vector, ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)));
            out.add(Arguments.of("blocked/vector", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                    -> BlockedGemm.run(vector, ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)));
            out.add(Arguments.of("packed/vector", (Path) (ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)
                    -> Gemm.sgemm(Gemm.pack(vector, ta, a, ao, lda, m, k), tb, n, b, bo, ldb, c, co, ldc)));
        }
        return out;
    }

    /**
     * m, n, k: awkward sizes, edge tiles on every side, sizes crossing the KC / MC / NC blocks, and
     * two big enough for the entry to use two threads (when the pool has them): 200×70×600 split
     * into row strips (m &gt; n), 70×300×200 into column strips.
     */
    static final int[][] SIZES = {
        {1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {127, 129, 131}, {1, 300, 70}, {300, 1, 70},
        {64, 64, 64}, {200, 70, 600}, {70, 300, 200}, {9, 4100, 3}, {8, 32, 257},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments p : paths()) {
            for (int[] s : SIZES) {
                for (int t = 0; t < 4; t++) out.add(Arguments.of(p.get()[0], p.get()[1], s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} m={2} n={3} k={4} transA={5} transB={6}")
    @MethodSource("cases")
    void matchesDoubleReference(String name, Path path, int m, int n, int k, boolean ta, boolean tb) {
        check(path, m, n, k, ta, tb, 31L * m + 7L * n + k, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void nanAndInfPropagate(String name, Path path) {
        for (int t = 0; t < 4; t++) check(path, 37, 41, 300, (t & 1) != 0, (t & 2) != 0, 5, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void emptySumIsZero(String name, Path path) {
        Assumptions.assumeFalse(name.startsWith("blocked"), "BlockedGemm requires k > 0; the entry handles k = 0");
        float[] c = new float[6];
        java.util.Arrays.fill(c, Float.NaN);
        path.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, c, 0, 3);
        for (float v : c) assertEquals(0f, v);
    }

    @Test
    void zeroTimesInfIsNaN() { // never skip a zero of A: 0·Inf must give NaN, as in the naive loop
        int m = 40, n = 40, k = 40;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        b[3] = Float.POSITIVE_INFINITY; // B(0, 3)
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n);
        for (int i = 0; i < m; i++) assertTrue(Float.isNaN(c[i * n + 3]), "row " + i);
        assertEquals(0f, c[0]);
    }

    /**
     * Runs one GEMM on operands embedded at an offset with padded leading dimensions (the padding
     * and C itself filled with NaN, so a read of the wrong element or a C that is accumulated into
     * instead of overwritten shows up) and compares with the double reference.
     *
     * <p>Tolerance. A float32 dot product of length k has a rounding error bounded by k·eps·Σ|a·b|
     * (eps = 2^-24) in the worst case; with rounding errors that behave like a random walk, as they
     * do for these random inputs, it grows like √k·eps·Σ|a·b|. We allow 8·√k·eps·Σ|a·b| per element:
     * several standard deviations above the typical error, far below any real bug (a missed or
     * doubled term changes the result by ~|a·b|, i.e. by ~1/k of Σ|a·b|, not by ~eps).
     */
    static void check(Path path, int m, int n, int k, boolean ta, boolean tb, long seed, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
        int lda = ac + 3, ldb = bc + 5, ldc = n + 2, ao = 7, bo = 11, co = 5;
        float[] a = filled(ao + ar * lda, Float.NaN), b = filled(bo + br * ldb, Float.NaN), c = filled(co + m * ldc, Float.NaN);
        for (int r = 0; r < ar; r++) for (int q = 0; q < ac; q++) a[ao + r * lda + q] = (float) (rnd.nextDouble() * 2 - 1);
        for (int r = 0; r < br; r++) for (int q = 0; q < bc; q++) b[bo + r * ldb + q] = (float) (rnd.nextDouble() * 2 - 1);
        if (specials) {
            a[ao + (ta ? 3 * lda + 2 : 2 * lda + 3)] = Float.NaN;          // A(2, 3) = NaN: row 2 of C is NaN
            b[bo + (tb ? 5 * ldb + 7 : 7 * ldb + 5)] = Float.POSITIVE_INFINITY; // B(7, 5) = +Inf: column 5 is ±Inf
        }
        path.sgemm(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        double eps = Math.ulp(1f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double x = a[ao + (ta ? p * lda + i : i * lda + p)], y = b[bo + (tb ? j * ldb + p : p * ldb + j)];
                    ref += x * y;
                    mag += Math.abs(x * y);
                }
                float got = c[co + i * ldc + j];
                boolean ok = Double.isNaN(ref) ? Float.isNaN(got)
                        : Double.isInfinite(ref) ? got == ref
                        : Math.abs(got - ref) <= 8 * Math.sqrt(k) * eps * mag + 1e-30;
                if (!ok) fail(String.format("C(%d,%d) = %s, reference %s (m=%d n=%d k=%d transA=%b transB=%b)", i, j, got, ref, m, n, k, ta, tb));
            }
            for (int j = n; j < ldc && i < m - 1; j++) assertTrue(Float.isNaN(c[co + i * ldc + j]), "wrote past row end");
        }
    }

    private static float[] filled(int size, float v) {
        float[] x = new float[size];
        java.util.Arrays.fill(x, v);
        return x;
    }
}
