package sslj.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.ops.GemmKernels.Operand;
import sslj.kernels.ops.GemmKernels.Variant;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.testing.Close;

/**
 * The SGEMM kernels on every runtime against a double-precision triple loop. Each case:
 * C is poisoned (NaN) including its padding columns and the gaps between batches, the tiled kernel
 * runs, every element of every batch is checked, every padding element must still be NaN; then the
 * naive kernel and a rerun of the tiled one must give the same bits (both sum p in ascending order
 * with one fma per product, so they agree exactly).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GemmKernelsTest {
    private List<GpuRuntime> runtimes;

    @BeforeAll
    void open() { runtimes = RuntimesUnderTest.all(); }

    @AfterAll
    void close() { runtimes.forEach(GpuRuntime::close); }

    /** One problem: sizes, transposes, extra leading-dimension padding, broadcast operands, a misaligning offset of A. */
    record Case(int batch, int m, int n, int k, boolean ta, boolean tb, int padA, int padB, int padC,
                boolean broadcastA, boolean broadcastB, int offsetA) {
        static Case plain(int m, int n, int k) { return new Case(1, m, n, k, false, false, 0, 0, 0, false, false, 0); }
        Case trans(boolean a, boolean b) { return new Case(batch, m, n, k, a, b, padA, padB, padC, broadcastA, broadcastB, offsetA); }
        @Override public String toString() {
            return String.format("batch %d, %dx%dx%d, trans %s%s, pad %d/%d/%d%s%s, offsetA %d", batch, m, n, k, ta ? "T" : "N", tb ? "T" : "N",
                    padA, padB, padC, broadcastA ? ", A broadcast" : "", broadcastB ? ", B broadcast" : "", offsetA);
        }
    }

    @Test
    void awkwardSizes() {
        for (int[] s : new int[][] {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {129, 67, 131}, {5, 6, 0}, {128, 128, 8}}) {
            check(Case.plain(s[0], s[1], s[2]));
        }
    }

    @Test
    void allFourTransposeCombinations() {
        for (Case base : new Case[] {Case.plain(7, 13, 5), Case.plain(129, 67, 131), Case.plain(36, 68, 20)}) {
            for (int t = 0; t < 4; t++) check(base.trans((t & 1) != 0, (t & 2) != 0));
        }
    }

    @Test
    void leadingDimensionsLargerThanTheRows() {
        // pad 4: rows stay 16-byte aligned (float4 path); pad 3: they do not (scalar path)
        for (int pad : new int[] {3, 4}) {
            for (int t = 0; t < 4; t++) {
                check(new Case(1, 33, 65, 17, (t & 1) != 0, (t & 2) != 0, pad, pad + 1, pad, false, false, 0));
            }
        }
    }

    @Test
    void misalignedBasePointerFallsBackToScalarLoads() {
        check(new Case(1, 40, 36, 24, false, false, 0, 0, 0, false, false, 1));
        check(new Case(1, 40, 36, 24, true, true, 0, 0, 0, false, false, 3));
    }

    @Test
    void batchedWithABroadcastOperand() {
        check(new Case(3, 33, 20, 17, false, false, 0, 0, 1, false, true, 0));   // B shared by all batches
        check(new Case(3, 9, 130, 12, true, false, 1, 0, 0, true, false, 0));    // A shared, transposed
        check(new Case(2, 17, 9, 40, false, true, 0, 2, 4, false, false, 0));
    }

    @Test
    void badArgumentsAreRejectedNamingSgemm() {
        GpuRuntime rt = runtimes.get(0);
        GemmKernels g = new GemmKernels(rt);
        try (Dev d = new Dev(rt)) {
            DevicePtr a = d.alloc(11), b = d.alloc(12), c = d.alloc(16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(1, 3, 4, 4, Operand.of(a, 3), Operand.of(b, 4), c, 4, 0));
            assertTrue(e.getMessage().startsWith("sgemm: leading dimension of A"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(1, 4, 4, 3, Operand.of(a, 3), Operand.of(b, 4), c, 4, 0));
            assertTrue(e.getMessage().contains("sgemm: A") && e.getMessage().contains("allocation"), e.getMessage());
        }
    }

    private void check(Case c) {
        for (GpuRuntime rt : runtimes) {
            try (Dev d = new Dev(rt)) {
                check(rt, d, c);
            } catch (AssertionError e) {
                throw new AssertionError(rt.name() + ", " + c + ": " + e.getMessage(), e);
            }
        }
    }

    private static void check(GpuRuntime rt, Dev d, Case c) {
        int rowsA = c.ta ? c.k : c.m, colsA = c.ta ? c.m : c.k, lda = Math.max(1, colsA + c.padA);
        int rowsB = c.tb ? c.n : c.k, colsB = c.tb ? c.k : c.n, ldb = Math.max(1, colsB + c.padB);
        int ldc = c.n + c.padC;
        long strideA = c.broadcastA ? 0 : (long) rowsA * lda + 5, strideB = c.broadcastB ? 0 : (long) rowsB * ldb + 7;
        long strideC = (long) c.m * ldc + 3;
        float[] ha = Dev.random(1, (int) (c.offsetA + (c.batch - 1) * strideA + rowsA * lda));
        float[] hb = Dev.random(2, (int) ((c.batch - 1) * strideB + rowsB * ldb));
        int cSize = (int) ((c.batch - 1) * strideC + c.m * ldc);

        DevicePtr a = d.upload(ha).offset(4L * c.offsetA), b = d.upload(hb);
        Operand oa = new Operand(a, lda, strideA, c.ta), ob = new Operand(b, ldb, strideB, c.tb);
        GemmKernels gemm = new GemmKernels(rt);

        DevicePtr out = d.poisoned(cSize);
        gemm.sgemm(Variant.TILED, c.batch, c.m, c.n, c.k, oa, ob, out, ldc, strideC);
        float[] tiled = d.download(out, cSize);

        // the reference, and the untouched padding
        for (int bi = 0; bi < c.batch; bi++) {
            double[] ref = new double[c.m * c.n];
            float[] got = new float[c.m * c.n];
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < c.n; j++) {
                    double s = 0;
                    for (int p = 0; p < c.k; p++) {
                        double av = ha[(int) (c.offsetA + bi * strideA + (c.ta ? p * lda + i : i * lda + p))];
                        double bv = hb[(int) (bi * strideB + (c.tb ? j * ldb + p : p * ldb + j))];
                        s += av * bv;
                    }
                    ref[i * c.n + j] = s;
                    got[i * c.n + j] = tiled[(int) (bi * strideC + i * ldc + j)];
                }
            }
            Close.assertClose("batch " + bi, ref, got, 1e-5 * c.k + 1e-6, 1e-4);
        }
        for (int e = 0; e < cSize; e++) {
            long inBatch = e % strideC;
            boolean written = inBatch < (long) c.m * ldc && inBatch % ldc < c.n;
            if (!written && !Float.isNaN(tiled[e])) fail("padding element " + e + " was overwritten with " + tiled[e]);
        }

        DevicePtr out2 = d.poisoned(cSize);
        gemm.sgemm(Variant.NAIVE, c.batch, c.m, c.n, c.k, oa, ob, out2, ldc, strideC);
        assertSameBits("naive vs tiled", tiled, d.download(out2, cSize));
        gemm.sgemm(Variant.TILED, c.batch, c.m, c.n, c.k, oa, ob, out2, ldc, strideC);
        assertSameBits("tiled rerun", tiled, d.download(out2, cSize));
    }

    static void assertSameBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " differs: " + expected[i] + " vs " + actual[i]);
            }
        }
    }
}
