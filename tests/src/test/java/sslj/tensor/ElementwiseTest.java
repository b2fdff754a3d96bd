package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Inputs.Input;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * Unary and binary elementwise ops against double-precision references, over awkward sizes and every
 * input layout, plus NumPy broadcasting in both directions and across ranks.
 *
 * <p>Tolerance: the kernels evaluate in float32 or round a double result to float32, so a correct
 * result is within a couple of float ulps (2^-23 ≈ 1.2e-7 relative) of the double reference;
 * rtol = 1e-6 allows that with margin and still catches any real formula or indexing error.
 * atol = 1e-7 covers results that round to or near zero.
 */
class ElementwiseTest {
    private static final double ATOL = 1e-7, RTOL = 1e-6;

    /** Awkward sizes: no power of two, no multiple of a vector width, plus a 1-element edge. */
    private static final int[][] SHAPES = {{1}, {129}, {7, 33}, {3, 1, 7}, {2, 3, 5, 7}};

    // ------------------------------------------------------------------ unary

    /** One unary op: how to call it, the reference, and its input domain (NaN lo: standard normal). */
    record Unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, float lo, float hi) {
        @Override public String toString() { return name; }
    }

    private static Unary normalIn(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref) {
        return new Unary(name, op, ref, Float.NaN, Float.NaN);
    }

    static final double GELU_K = Math.sqrt(2 / Math.PI);

    /** GELU, tanh approximation (Hendrycks and Gimpel 2016, eq. 3). */
    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x)));
    }

    static Stream<Unary> unaryOps() {
        return Stream.of(
                normalIn("neg", Tensor::neg, x -> -x),
                normalIn("exp", Tensor::exp, Math::exp),
                new Unary("log", Tensor::log, Math::log, 0.01f, 10f),
                new Unary("sqrt", Tensor::sqrt, Math::sqrt, 0f, 10f),
                new Unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), 0.01f, 10f),
                normalIn("abs", Tensor::abs, Math::abs),
                normalIn("sign", Tensor::sign, Math::signum),
                new Unary("reciprocal", Tensor::reciprocal, x -> 1 / x, 0.1f, 10f),
                normalIn("square", Tensor::square, x -> x * x),
                normalIn("relu", Tensor::relu, x -> Math.max(x, 0)),
                normalIn("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x))),
                normalIn("tanh", Tensor::tanh, Math::tanh),
                normalIn("gelu", Tensor::gelu, ElementwiseTest::gelu),
                // The derivative as a central difference of the double reference: with h = 1e-4 the
                // truncation error (h²/6·|gelu'''| ≲ 1e-9) and cancellation (1e-16/h) are far below RTOL.
                normalIn("geluGrad", Tensor::geluGrad, x -> (gelu(x + 1e-4) - gelu(x - 1e-4)) / 2e-4),
                new Unary("pow 2.5", x -> x.pow(2.5f), x -> Math.pow(x, 2.5), 0f, 3f),
                normalIn("pow 3", x -> x.pow(3f), x -> x * x * x),
                normalIn("pow -1", x -> x.add(5f).pow(-1f), x -> 1 / (x + 5)),
                normalIn("add 1.5", x -> x.add(1.5f), x -> x + 1.5),
                normalIn("sub 0.25", x -> x.sub(0.25f), x -> x - 0.25),
                normalIn("mul -3", x -> x.mul(-3f), x -> x * -3),
                normalIn("div 7", x -> x.div(7f), x -> x / 7),
                normalIn("clamp", x -> x.clamp(-0.5f, 0.7f), x -> Math.min(Math.max(x, -0.5), 0.7)),
                normalIn("clampMin", x -> x.clampMin(0.1f), x -> Math.max(x, 0.1)),
                normalIn("clampMax", x -> x.clampMax(0.1f), x -> Math.min(x, 0.1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryMatchesTheReferenceInEveryLayout(Unary u) {
        long seed = 1;
        for (int[] shape : SHAPES) {
            for (Input in : Inputs.uniformLayouts(seed++, u.lo, u.hi, shape)) {
                Nd expected = Reference.map(in.ref(), u.ref);
                // geluGrad's reference is itself a finite difference (≈1e-9 error), hence the looser atol.
                double atol = u.name.equals("geluGrad") ? 1e-6 : ATOL;
                Close.assertClose(u.name + " " + in.layout() + " " + Arrays.toString(shape), expected.shape(), expected.data(),
                        u.op.apply(in.tensor()), atol, RTOL);
            }
        }
    }

    @Test
    void largeInputsSplitOverThreadsGiveTheSameAnswer() {
        // 257·519 = 133 383 elements: several of the backend's 32 768-element chunks, so every thread
        // works on a range with a non-zero start (the offsets the small cases never exercise).
        for (Input in : Inputs.layouts(7, 257, 519).subList(0, 2)) { // contiguous, transposed
            Nd e = Reference.map(in.ref(), Math::exp);
            Close.assertClose("exp large " + in.layout(), e.shape(), e.data(), in.tensor().exp(), ATOL, RTOL);
            Tensor row = Tensor.randn(new Generator(8), 519);
            Nd s = Reference.zip(in.ref(), Reference.of(row.toFloatArray(), 519), (a, b) -> a - b);
            Close.assertClose("sub row large " + in.layout(), s.shape(), s.data(), in.tensor().sub(row), ATOL, RTOL);
        }
    }

    @Test
    void handWorkedUnaryValues() {
        Tensor x = Tensor.of(-2f, -0.5f, 0f, 1f, 3f);
        assertArrayEquals(new float[] {0, 0, 0, 1, 3}, x.relu().toFloatArray());
        assertArrayEquals(new float[] {-1, -1, 0, 1, 1}, x.sign().toFloatArray());
        assertArrayEquals(new float[] {2, 0.5f, 0, 1, 3}, x.abs().toFloatArray());
        assertArrayEquals(new float[] {4, 0.25f, 0, 1, 9}, x.square().toFloatArray());
        assertArrayEquals(new float[] {-0.5f, -0.5f, 0f, 0.7f, 0.7f}, x.clamp(-0.5f, 0.7f).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.25f}, Tensor.of(4f, 16f).rsqrt().toFloatArray());
        assertArrayEquals(new float[] {0.5f}, Tensor.of(0f).sigmoid().toFloatArray());
        // gelu(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.841192, worked by hand.
        assertArrayEquals(new float[] {0f, 0.841192f}, Tensor.of(0f, 1f).gelu().toFloatArray(), 1e-6f);
    }

    @Test
    void saturatingFunctionsStayFiniteAtExtremes() {
        Tensor big = Tensor.of(-100f, 100f, -1e30f, 1e30f);
        // sigmoid(-100) = e^-100 ≈ 3.7e-44 is a float denormal: compare with an absolute tolerance.
        assertArrayEquals(new float[] {0, 1, 0, 1}, big.sigmoid().toFloatArray(), 1e-30f);
        assertArrayEquals(new float[] {-1, 1, -1, 1}, big.tanh().toFloatArray());
        // gelu(x) → x for large x and → 0 (from below) for very negative x.
        assertArrayEquals(new float[] {-0f, 100f}, Tensor.of(-100f, 100f).gelu().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 1f}, Tensor.of(-100f, 100f).geluGrad().toFloatArray(), 1e-6f);
    }

    @Test
    void specialValuesFollowIeee() {
        float[] r = Tensor.of(0f, -1f, Float.NaN).log().toFloatArray();
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN}, r);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY}, Tensor.of(0f).reciprocal().toFloatArray());
        assertTrue(Float.isNaN(Tensor.of(Float.NaN).clamp(0, 1).item()), "clamp keeps NaN, as in PyTorch");
    }

    @Test
    void geluGradIsTheSlopeOfGelu() {
        // A central difference of the float32 gelu itself: h = 1e-2 keeps cancellation error
        // (≈ 1e-7·|gelu| / h ≲ 1e-4 for |x| ≤ 4) and truncation (h²/6·|gelu'''| ≲ 1e-4) both small.
        Tensor x = Tensor.uniform(new Generator(9), -4f, 4f, 129);
        float h = 1e-2f;
        Tensor fd = x.add(h).gelu().sub(x.sub(h).gelu()).div(2 * h);
        Close.assertClose("geluGrad vs finite difference of gelu", Close.toDouble(fd.toFloatArray()), x.geluGrad().toFloatArray(), 1e-3, 1e-3);
    }

    // ------------------------------------------------------------------ binary

    /** One binary op: call, reference, and the interval its right operand is drawn from. */
    record Binary(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, float lo, float hi) {
        @Override public String toString() { return name; }
    }

    static Stream<Binary> binaryOps() {
        float n = Float.NaN;
        return Stream.of(
                new Binary("add", Tensor::add, Double::sum, n, n),
                new Binary("sub", Tensor::sub, (a, b) -> a - b, n, n),
                new Binary("mul", Tensor::mul, (a, b) -> a * b, n, n),
                new Binary("div", Tensor::div, (a, b) -> a / b, 0.5f, 2f),
                new Binary("pow", (a, b) -> a.abs().pow(b), (a, b) -> Math.pow(Math.abs(a), b), -2f, 2f),
                new Binary("maximum", Tensor::maximum, Math::max, n, n),
                new Binary("minimum", Tensor::minimum, Math::min, n, n));
    }

    /** Operand shapes that broadcast: same, row, column, both ways, rank differences, a scalar, a channel. */
    private static final int[][][] BROADCASTS = {
        {{7, 33}, {7, 33}},
        {{7, 33}, {33}},
        {{33}, {7, 33}},
        {{7, 1}, {1, 33}},
        {{3, 1, 7}, {5, 1}},
        {{5, 1}, {3, 1, 7}},
        {{2, 3, 1, 5}, {3, 4, 1}},
        {{3, 7}, {}},
        {{}, {3, 7}},
        {{129}, {1}},
        // A batch-norm channel broadcast each way: the CPU backend coalesces H·W into one row.
        {{4, 3, 5, 6}, {1, 3, 1, 1}},
        {{1, 3, 1, 1}, {4, 3, 5, 6}},
        {{4, 3, 5, 6}, {3, 1, 1}},
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryBroadcastsInEveryLayout(Binary b) {
        long seed = 100;
        for (int[][] shapes : BROADCASTS) {
            List<Input> left = Inputs.layouts(seed++, shapes[0]);
            List<Input> right = Inputs.uniformLayouts(seed++, b.lo, b.hi, shapes[1]);
            // Pair layouts index by index (cycling the shorter list) so both sides get each layout.
            for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
                Input x = left.get(i % left.size()), y = right.get(i % right.size());
                Nd expected = Reference.zip(x.ref(), y.ref(), b.ref);
                String what = b.name + " " + Arrays.toString(shapes[0]) + " " + x.layout() + " with " + Arrays.toString(shapes[1]) + " " + y.layout();
                Close.assertClose(what, expected.shape(), expected.data(), b.op.apply(x.tensor(), y.tensor()), ATOL, RTOL);
            }
        }
    }

    /** Small whole numbers, so that comparisons meet plenty of ties. */
    private static Tensor smallInts(Generator gen, int... shape) {
        float[] v = new float[Reference.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = gen.nextInt(3);
        return Tensor.of(v, shape);
    }

    @Test
    void comparisonsBroadcastAndGiveOneOrZero() {
        Generator gen = new Generator(21);
        record Cmp(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref) { }
        List<Cmp> cmps = List.of(
                new Cmp("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0),
                new Cmp("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0),
                new Cmp("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0),
                new Cmp("le", Tensor::le, (a, b) -> a <= b ? 1 : 0),
                new Cmp("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0),
                new Cmp("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0));
        Tensor a = smallInts(gen, 7, 33), col = smallInts(gen, 7, 3).narrow(1, 1, 1), row = smallInts(gen, 33);
        Nd ar = Reference.of(a.toFloatArray(), 7, 33), colr = Reference.of(col.toFloatArray(), 7, 1), rowr = Reference.of(row.toFloatArray(), 33);
        // col is a strided [7, 1] view (row stride 3, offset 1).
        for (Cmp c : cmps) {
            Nd e1 = Reference.zip(ar, rowr, c.ref), e2 = Reference.zip(colr, ar, c.ref), e3 = Reference.zip(ar, colr, c.ref);
            Close.assertExact(c.name + " [7,33] with [33]", e1.shape(), e1.data(), c.op.apply(a, row));
            Close.assertExact(c.name + " [7,1] with [7,33]", e2.shape(), e2.data(), c.op.apply(col, a));
            Close.assertExact(c.name + " [7,33] with [7,1]", e3.shape(), e3.data(), c.op.apply(a, col));
        }
        assertArrayEquals(new float[] {0, 0, 1}, Tensor.of(1f, 2f, 3f).gt(2f).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0}, Tensor.of(1f, 2f, 3f).lt(2f).toFloatArray());
    }

    @Test
    void comparisonsWithNaNAreFalseExceptNe() {
        Tensor nan = Tensor.of(Float.NaN, Float.NaN), other = Tensor.of(Float.NaN, 1f);
        assertArrayEquals(new float[] {0, 0}, nan.eq(other).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, nan.ne(other).toFloatArray());
        assertArrayEquals(new float[] {0, 0}, nan.lt(other).toFloatArray());
        assertArrayEquals(new float[] {0, 0}, nan.ge(other).toFloatArray());
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        Tensor a = Tensor.of(Float.NaN, 1f, 2f, -0f), b = Tensor.of(0f, Float.NaN, 3f, 5f);
        assertArrayEquals(new float[] {Float.NaN, Float.NaN, 3f, 5f}, a.maximum(b).toFloatArray());
        assertArrayEquals(new float[] {Float.NaN, Float.NaN, 2f, -0f}, a.minimum(b).toFloatArray());
        // The same through the broadcast (stride-0) path.
        Tensor nanRow = Tensor.of(Float.NaN);
        assertArrayEquals(new float[] {Float.NaN, Float.NaN}, Tensor.of(1f, 2f).maximum(nanRow).toFloatArray());
        assertArrayEquals(new float[] {Float.NaN, Float.NaN}, nanRow.minimum(Tensor.of(1f, 2f)).toFloatArray());
    }

    @Test
    void handWorkedBroadcast() {
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1), row = Tensor.of(10f, 20f, 30f);
        assertArrayEquals(new int[] {2, 3}, col.add(row).shape());
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, col.add(row).toFloatArray());
        assertArrayEquals(new float[] {-9, -19, -29, -8, -18, -28}, col.sub(row).toFloatArray());
        assertArrayEquals(new float[] {9, 19, 29, 8, 18, 28}, row.sub(col).toFloatArray());
        assertArrayEquals(new float[] {8, 4}, Tensor.of(2f, 4f).pow(Tensor.of(3f, 1f)).toFloatArray());
    }

    @Test
    void whereBroadcastsAllThreeOperands() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1}, 3, 1);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
        Tensor b = Tensor.scalar(-1f);
        Tensor w = Tensor.where(cond, a, b);
        assertArrayEquals(new int[] {3, 4}, w.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, -1, -1, -1, -1, 1, 2, 3, 4}, w.toFloatArray());
    }

    @Test
    void whereMatchesTheReferenceOnViews() {
        Generator gen = new Generator(31);
        for (Input c : Inputs.layouts(32, 7, 33)) {
            Tensor cond = c.tensor().gt(0f); // a fresh contiguous mask from a possibly strided input
            Nd condRef = Reference.map(c.ref(), v -> v > 0 ? 1 : 0);
            Tensor a = Tensor.randn(gen, 33, 7).t(), b = Tensor.randn(gen, 7, 1);
            Nd ar = Reference.transpose(Reference.of(a.t().contiguous().toFloatArray(), 33, 7), 0, 1), br = Reference.of(b.toFloatArray(), 7, 1);
            double[] e = new double[7 * 33];
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 33; j++) e[i * 33 + j] = condRef.at(i, j) != 0 ? ar.at(i, j) : br.at(i, 0);
            }
            Close.assertExact("where " + c.layout(), new int[] {7, 33}, e, Tensor.where(cond, a, b));
        }
    }

    @Test
    void shapesThatDoNotBroadcastAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3]"), e.getMessage());
    }
}
