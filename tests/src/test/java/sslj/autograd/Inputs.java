package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Test inputs from a fixed seed, and a forward-value comparison. */
final class Inputs {
    private final Generator gen;

    Inputs(long seed) { gen = new Generator(seed); }

    /** Standard normal values. */
    Tensor randn(int... shape) { return Tensor.randn(gen, shape); }

    /** Uniform in [lo, hi): e.g. positive inputs for log and sqrt. */
    Tensor uniform(float lo, float hi, int... shape) { return Tensor.uniform(gen, lo, hi, shape); }

    /** Values with 0.2 ≤ |x| < 1.5 and random signs: at least 0.2 from the kink of relu, abs, clamp at 0. */
    Tensor awayFromZero(int... shape) {
        Tensor magnitude = Tensor.uniform(gen, 0.2f, 1.5f, shape);
        Tensor sign = Tensor.randn(gen, shape).sign();
        return magnitude.mul(sign);
    }

    /** Distinct values 0.1 apart in random order (no near-ties for max), centred on 0. */
    Tensor distinct(int... shape) {
        Tensor probe = Tensor.rand(gen, shape);
        int n = probe.numel();
        return Tensor.rand(gen, n).argsort(0, false).mul(0.1f).sub(0.05f * n).reshape(shape);
    }

    /** Whole-number indices in [0, bound) as float32, for indexSelect / gather / crossEntropy. */
    Tensor indices(int bound, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = gen.nextInt(bound);
        return Tensor.of(v, shape);
    }

    /** Asserts that two tensors have the same shape and values within 1e-5 (relative). */
    static void assertValues(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= 1e-5f + 1e-5f * Math.abs(e[i]))) {
                throw new AssertionError("element " + i + ": expected " + e[i] + ", got " + a[i]);
            }
        }
    }
}
