package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Inputs.Input;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * Reductions over one, several, all and negative dims, with and without keepdim, on every layout;
 * logsumexp's stability; var's correction; argmax's ties.
 *
 * <p>Tolerance: a sum of up to a few thousand float32 inputs differs from the double reference by the
 * accumulation error; this backend accumulates in double, but a float32 accumulator (a GPU kernel, a
 * vectorised loop) is a legitimate implementation, so the bound is set for that: n·2^-24·Σ|x| with
 * n ≲ 1000 and Σ|x| ≲ 1000 gives atol 1e-4 on sums, and rtol 1e-5.
 */
class ReductionTest {
    private static final double ATOL = 1e-4, RTOL = 1e-5;

    interface Reduce { Tensor apply(Tensor x, int[] dims, boolean keepdim); }

    record Op(String name, Reduce op, ToDoubleFunction<double[]> ref) {
        @Override public String toString() { return name; }
    }

    static Stream<Op> ops() {
        return Stream.of(
                new Op("sum", Tensor::sum, Reference::sum),
                new Op("mean", Tensor::mean, Reference::mean),
                new Op("max", Tensor::max, Reference::max),
                new Op("min", Tensor::min, Reference::min),
                new Op("logsumexp", Tensor::logsumexp, Reference::logsumexp),
                new Op("var(correction 0)", (x, d, k) -> x.var(d, 0, k), v -> Reference.var(v, 0)),
                new Op("var(correction 1)", (x, d, k) -> x.var(d, 1, k), v -> Reference.var(v, 1)));
    }

    /** A shape and the dim lists to reduce it over ({} means all dims). */
    private static final Object[][] CASES = {
        {new int[] {129}, new int[][] {{0}, {-1}, {}}},
        {new int[] {7, 33}, new int[][] {{0}, {1}, {-1}, {-2}, {0, 1}, {}}},
        {new int[] {3, 1, 7}, new int[][] {{0}, {1}, {2}, {0, 2}, {-1, -3}, {}}},
        {new int[] {2, 3, 5, 7}, new int[][] {{1}, {3}, {1, 3}, {0, 1, 2}, {0, 2, 3}, {-2}, {0, 3}, {}}},
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void reductionMatchesTheReferenceOnEveryLayoutAndDimSet(Op op) {
        long seed = 40;
        for (Object[] c : CASES) {
            int[] shape = (int[]) c[0];
            for (Input in : Inputs.layouts(seed++, shape)) {
                for (int[] dims : (int[][]) c[1]) {
                    for (boolean keepdim : new boolean[] {false, true}) {
                        Nd expected = Reference.reduce(in.ref(), dims, keepdim, op.ref);
                        String what = op.name + " " + in.layout() + " " + Arrays.toString(shape) + " dims " + Arrays.toString(dims) + " keepdim " + keepdim;
                        Close.assertClose(what, expected.shape(), expected.data(), op.op.apply(in.tensor(), dims, keepdim), ATOL, RTOL);
                    }
                }
            }
        }
    }

    @Test
    void manyOutputsSplitOverThreads() {
        for (Input in : Inputs.layouts(45, 4099, 33).subList(0, 2)) {
            for (int[] dims : new int[][] {{1}, {0}, {}}) {
                Nd e = Reference.reduce(in.ref(), dims, false, Reference::sum);
                Close.assertClose("sum large " + in.layout() + " " + Arrays.toString(dims), e.shape(), e.data(), in.tensor().sum(dims), 1e-3, RTOL);
            }
        }
    }

    @Test
    void noArgumentReductionsGiveScalars() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(0, x.sum().dim());
        assertEquals(21f, x.sum().item());
        assertEquals(3.5f, x.mean().item());
        assertEquals(6f, x.max().item());
        assertEquals(1f, x.min().item());
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0).toFloatArray());
        assertArrayEquals(new float[] {2, 5}, x.mean(1).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, x.sum(new int[] {1}, true).shape());
        assertEquals(21f, x.sum(0, 1).item());
    }

    @Test
    void reductionsOfAScalarAreTheScalar() {
        assertEquals(4f, Tensor.scalar(4f).sum().item());
        assertEquals(4f, Tensor.scalar(4f).max().item());
    }

    @Test
    void sumOverAnEmptyDimIsZeroAndMaxRefuses() {
        Tensor e = Tensor.zeros(3, 0);
        assertArrayEquals(new float[] {0, 0, 0}, e.sum(1).toFloatArray());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.max(new int[] {1}, false));
        assertTrue(ex.getMessage().contains("max") && ex.getMessage().contains("empty"), ex.getMessage());
    }

    @Test
    void logsumexpNeverOverflows() {
        Tensor x = Tensor.of(new float[] {1000, 1000, -1000, -1000, 1000, -1000}, 3, 2);
        // log(e^a + e^a) = a + log 2; e^-1000 is negligible beside e^1000.
        double ln2 = Math.log(2);
        Close.assertClose("logsumexp", new int[] {3}, new double[] {1000 + ln2, -1000 + ln2, 1000}, x.logsumexp(new int[] {1}, false), 0, 1e-6);
        float inf = Float.POSITIVE_INFINITY;
        Tensor allNegInf = Tensor.of(-inf, -inf, -inf);
        assertEquals(-inf, allNegInf.logsumexp(new int[] {0}, false).item(), "log Σ e^-inf = log 0 = -inf, not NaN");
        assertEquals(inf, Tensor.of(1f, inf).logsumexp(new int[] {0}, false).item());
        Close.assertClose("logsumexp with -inf", new int[] {}, new double[] {2}, Tensor.of(2f, -inf).logsumexp(new int[] {0}, false), 0, 1e-7);
    }

    @Test
    void maxAndMinPropagateNaN() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {Float.NaN, 6}, x.max(new int[] {1}, false).toFloatArray());
        assertArrayEquals(new float[] {Float.NaN, 4}, x.min(new int[] {1}, false).toFloatArray());
        assertTrue(Float.isNaN(x.sum().item()));
    }

    @Test
    void varWithHandWorkedNumbers() {
        Tensor x = Tensor.of(2f, 4f, 4f, 4f, 5f, 5f, 7f, 9f); // mean 5, Σ(x − 5)² = 32
        assertEquals(4f, x.var(new int[] {0}, 0, false).item(), 1e-6f);
        assertEquals(32f / 7, x.var(new int[] {0}, 1, false).item(), 1e-6f);
        assertArrayEquals(new int[] {1}, x.var(new int[] {0}, 1, true).shape());
        // var is shift-invariant: adding 1000 loses float digits of x but not of the variance's scale.
        assertEquals(4f, x.add(1000f).var(new int[] {0}, 0, false).item(), 1e-3f);
    }

    @Test
    void argmaxTakesTheFirstOfTies() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 0, 2, 2, 2, 1, 5, 3, 3, 1}, 3, 4); // ties in rows and columns
        assertArrayEquals(new float[] {1, 0, 0}, x.argmax(1, false).toFloatArray());
        assertArrayEquals(new int[] {3, 1}, x.argmax(1, true).shape());
        assertArrayEquals(new float[] {1, 0, 0}, x.argmax(-1, true).toFloatArray());
        assertArrayEquals(new float[] {2, 0, 0, 1}, x.argmax(0, false).toFloatArray());
        // On the transpose: column j of x.t() is row j of x.
        assertArrayEquals(new float[] {1, 0, 0}, x.t().argmax(0, false).toFloatArray());
        assertArrayEquals(new float[] {1}, Tensor.of(0f, Float.NaN, 9f).argmax(0, true).toFloatArray(), "NaN counts as largest");
    }

    @Test
    void argmaxMatchesTheReferenceOnLayouts() {
        for (Input in : Inputs.layouts(55, 3, 7, 33)) {
            for (int dim = 0; dim < 3; dim++) {
                final int d = dim;
                Nd expected = Reference.reduce(in.ref(), new int[] {d}, false, v -> {
                    int best = 0;
                    for (int j = 1; j < v.length; j++) if (v[j] > v[best]) best = j;
                    return best;
                });
                Close.assertExact("argmax " + in.layout() + " dim " + d, expected.shape(), expected.data(), in.tensor().argmax(d, false));
            }
        }
    }
}
