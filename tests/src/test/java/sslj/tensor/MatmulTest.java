package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.tensor.Inputs.Input;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * Matrix products with PyTorch's rank rules, every operand layout the GEMM may see (row-major,
 * transposed, narrowed with a leading dimension larger than the width, stepped, stride-0 broadcast,
 * permuted batches) and awkward sizes that leave tails in any blocking scheme.
 *
 * <p>Tolerance: an output element is a k-term float32 dot product of standard normals; its rounding
 * error grows like √k·2^-24·√k (random-walk accumulation of products of size ~1), about 1e-5 for
 * k = 129, and up to k²·2^-24 ≈ 1e-3 in the worst case. The elementwise check uses atol = rtol = 1e-4
 * (catches any wrong element); the norm check (‖ref − out‖ ≤ 1e-5·‖ref‖) catches small systematic errors.
 */
class MatmulTest {
    private static final double ATOL = 1e-4, RTOL = 1e-4, NORM_TOL = 1e-5;

    private static void check(String what, Input a, Input b) {
        Nd expected = Reference.matmul(a.ref(), b.ref());
        Tensor out = a.tensor().matmul(b.tensor());
        String w = what + " a " + a.layout() + " " + Arrays.toString(a.ref().shape()) + " · b " + b.layout() + " " + Arrays.toString(b.ref().shape());
        Close.assertClose(w, expected.shape(), expected.data(), out, ATOL, RTOL);
        Close.assertCloseByNorm(w, expected.data(), out.toFloatArray(), NORM_TOL);
    }

    /** Every layout of a against every layout of b. */
    private static void checkAllLayouts(String what, long seed, int[] aShape, int[] bShape) {
        List<Input> as = Inputs.layouts(seed, aShape), bs = Inputs.layouts(seed + 1, bShape);
        for (Input a : as) {
            for (Input b : bs) check(what, a, b);
        }
    }

    @Test
    void handWorkedProducts() {
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}}), b = Tensor.of(new float[][] {{5, 6}, {7, 8}});
        assertArrayEquals(new float[] {19, 22, 43, 50}, a.matmul(b).toFloatArray());
        assertArrayEquals(new float[] {26, 30, 38, 44}, a.t().matmul(b).toFloatArray());
        assertArrayEquals(new float[] {17, 23, 39, 53}, a.matmul(b.t()).toFloatArray());
        Tensor dot = Tensor.of(1f, 2f, 3f).matmul(Tensor.of(4f, 5f, 6f));
        assertEquals(0, dot.dim());
        assertEquals(32f, dot.item());
    }

    @Test
    void matrixTimesMatrixAtAwkwardSizes() {
        int[][] mkn = {{1, 1, 1}, {1, 7, 1}, {3, 1, 7}, {7, 33, 3}, {33, 7, 129}, {129, 33, 7}, {129, 129, 129}};
        long seed = 60;
        for (int[] s : mkn) checkAllLayouts("2-d·2-d", seed += 2, new int[] {s[0], s[1]}, new int[] {s[1], s[2]});
    }

    @Test
    void largeEnoughToSplitRowsOverThreads() {
        // 129 × 257 × 257 (and transposed operands): enough work per row that the GEMM splits rows
        // over threads, with a ragged last block. k = 257: atol 1e-4 still exceeds √k·k·2^-24.
        List<Input> as = Inputs.layouts(75, 129, 257).subList(0, 2), bs = Inputs.layouts(76, 257, 257).subList(0, 2);
        for (Input a : as) {
            for (Input b : bs) check("large", a, b);
        }
    }

    @Test
    void vectorOperandsFollowPyTorchRules() {
        checkAllLayouts("1-d·1-d", 80, new int[] {33}, new int[] {33});
        checkAllLayouts("1-d·2-d", 82, new int[] {33}, new int[] {33, 7});
        checkAllLayouts("2-d·1-d", 84, new int[] {7, 33}, new int[] {33});
        checkAllLayouts("1-d·3-d", 86, new int[] {7}, new int[] {3, 7, 5});
        checkAllLayouts("3-d·1-d", 88, new int[] {3, 5, 7}, new int[] {7});
        assertArrayEquals(new int[] {7}, Tensor.zeros(33).matmul(Tensor.zeros(33, 7)).shape());
        assertArrayEquals(new int[] {7}, Tensor.zeros(7, 33).matmul(Tensor.zeros(33)).shape());
        assertArrayEquals(new int[] {3, 5}, Tensor.zeros(7).matmul(Tensor.zeros(3, 7, 5)).shape());
    }

    @Test
    void batchedAndBroadcastBatches() {
        checkAllLayouts("3-d·3-d", 90, new int[] {3, 7, 33}, new int[] {3, 33, 5});
        checkAllLayouts("2-d·3-d", 92, new int[] {7, 33}, new int[] {3, 33, 5});
        checkAllLayouts("3-d·2-d", 94, new int[] {3, 7, 33}, new int[] {33, 5});
        checkAllLayouts("4-d·3-d broadcast", 96, new int[] {2, 1, 3, 4}, new int[] {5, 4, 2});
        checkAllLayouts("3-d·4-d broadcast", 98, new int[] {5, 4, 2}, new int[] {2, 1, 2, 3});
        assertArrayEquals(new int[] {2, 5, 3, 2}, Tensor.zeros(2, 1, 3, 4).matmul(Tensor.zeros(5, 4, 2)).shape());
    }

    @Test
    void transposedOperandsOfEveryShape() {
        // a.t() and b.t() are column-major views that the GEMM reads with its transpose flags.
        Generator gen = new Generator(70);
        for (int[] s : new int[][] {{1, 7, 3}, {7, 1, 3}, {7, 3, 1}, {33, 129, 7}}) {
            int m = s[0], k = s[1], n = s[2];
            Tensor at = Tensor.randn(gen, k, m), bt = Tensor.randn(gen, n, k);
            Nd atr = Reference.of(at.toFloatArray(), k, m), btr = Reference.of(bt.toFloatArray(), n, k);
            Input a = new Input("a.t()", at.t(), Reference.transpose(atr, 0, 1));
            Input b = new Input("b.t()", bt.t(), Reference.transpose(btr, 0, 1));
            Tensor ac = at.t().contiguous(), bc = bt.t().contiguous();
            check("a.t()·b.t()", a, b);
            check("a.t()·b", a, new Input("contiguous", bc, Reference.transpose(btr, 0, 1)));
            check("a·b.t()", new Input("contiguous", ac, Reference.transpose(atr, 0, 1)), b);
        }
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        Tensor c = Tensor.zeros(3, 0).matmul(Tensor.zeros(0, 4));
        assertArrayEquals(new int[] {3, 4}, c.shape());
        assertArrayEquals(new float[12], c.toFloatArray());
        assertArrayEquals(new int[] {0, 4}, Tensor.zeros(0, 3).matmul(Tensor.zeros(3, 4)).shape());
    }
}
