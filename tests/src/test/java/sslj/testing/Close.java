package sslj.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import sslj.tensor.Tensor;

/**
 * Elementwise closeness checks for every test suite (tensor, autograd, nn): an element passes when
 * {@code |ref − out| ≤ atol + rtol·|ref|}, as llm.c's {@code validate_result} (dev/cuda/common.h) and
 * NumPy's {@code allclose}. On failure the message names what was checked, shows the first mismatches
 * (flat index, expected, got) and counts them all, so one failing run says where and how badly.
 *
 * <p>NaN matches NaN and an infinity matches the same infinity: ops that must produce them (max with a
 * NaN, log of 0) are checked like any other value.
 */
public final class Close {
    private Close() { }

    /** How many mismatches a failure message lists before it only counts. */
    private static final int SHOWN = 10;

    /** Checks {@code actual} against the reference {@code expected}, element by element. */
    public static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " elements, got " + actual.length);
        }
        StringBuilder firsts = new StringBuilder();
        int bad = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double ref = expected[i], out = actual[i];
            if (matches(ref, out, atol, rtol)) continue;
            if (bad < SHOWN) firsts.append(String.format("%n  [%d] expected %.9g, got %.9g", i, ref, out));
            worst = Math.max(worst, Math.abs(ref - out));
            bad++;
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements differ by more than atol=%g + rtol=%g·|ref| (largest difference %.3g); first:%s",
                    what, bad, expected.length, atol, rtol, worst, firsts));
        }
    }

    /** Checks shape and values of a tensor against a reference given as row-major doubles. */
    public static void assertClose(String what, int[] expectedShape, double[] expected, Tensor actual, double atol, double rtol) {
        if (!Arrays.equals(expectedShape, actual.shape())) {
            fail(what + ": expected shape " + Arrays.toString(expectedShape) + ", got " + Arrays.toString(actual.shape()));
        }
        assertClose(what, expected, actual.toFloatArray(), atol, rtol);
    }

    /** Checks shape and values exactly (for indices, comparisons, copies: results with no rounding). */
    public static void assertExact(String what, int[] expectedShape, double[] expected, Tensor actual) {
        assertClose(what, expectedShape, expected, actual, 0, 0);
    }

    /** Same as {@link #assertClose(String, double[], float[], double, double)} for float references. */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertClose(what, toDouble(expected), actual, atol, rtol);
    }

    /**
     * Compares by norms, as JCuda's samples compare GEMM results ({@code equalByNorm}):
     * ‖ref − out‖₂ ≤ relTol·‖ref‖₂. Right for results that are long sums, where single elements near
     * zero carry the absolute rounding error of the whole sum; pair it with a loose elementwise check
     * to still catch one wrong element.
     */
    public static void assertCloseByNorm(String what, double[] expected, float[] actual, double relTol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " elements, got " + actual.length);
        }
        double diff = 0, ref = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            ref += expected[i] * expected[i];
        }
        if (!(Math.sqrt(diff) <= relTol * Math.sqrt(ref))) { // also fails on NaN
            fail(String.format("%s: relative error norm %.3g exceeds %.3g", what, Math.sqrt(diff / ref), relTol));
        }
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    private static boolean matches(double ref, double out, double atol, double rtol) {
        if (Double.isNaN(ref) || Double.isNaN(out)) return Double.isNaN(ref) && Double.isNaN(out);
        if (Double.isInfinite(ref) || Double.isInfinite(out)) return ref == out;
        return Math.abs(ref - out) <= atol + rtol * Math.abs(ref);
    }
}
