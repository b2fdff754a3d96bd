package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

class LinearTest {
    /** y[n][o] = Σ_i x[n][i] W[o][i] + b[o] in double. */
    private static double[] reference(float[] x, float[] w, float[] b, int rows, int in, int out) {
        double[] y = new double[rows * out];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += (double) x[n * in + i] * w[o * in + i];
                y[n * out + o] = s;
            }
        }
        return y;
    }

    @Test void forwardMatchesDoubleReferenceFor2dAndBatchedInput() {
        Generator gen = new Generator(1);
        Linear lin = new Linear(5, 3, gen);
        assertArrayEquals(new int[] {3, 5}, lin.weight().shape(), "weight stored [out, in] as PyTorch");
        Tensor x = Tensor.randn(gen, 4, 5);
        float[] w = lin.weight().data().toFloatArray(), b = lin.bias().data().toFloatArray();
        Close.assertClose("2-d", new int[] {4, 3}, reference(x.toFloatArray(), w, b, 4, 5, 3), lin.forward(Variable.constant(x)).data(), 1e-5, 1e-5);
        Tensor x3 = Tensor.randn(gen, 2, 3, 5);
        Close.assertClose("[2, 3, 5]", new int[] {2, 3, 3}, reference(x3.toFloatArray(), w, b, 6, 5, 3), lin.forward(Variable.constant(x3)).data(), 1e-5, 1e-5);
    }

    @Test void withoutBias() {
        Generator gen = new Generator(2);
        Linear lin = new Linear(4, 2, false, gen);
        assertNull(lin.bias());
        assertTrue(lin.namedParameters().keySet().equals(java.util.Set.of("weight")));
        Tensor x = Tensor.randn(gen, 3, 4);
        Close.assertClose("no bias", new int[] {3, 2}, reference(x.toFloatArray(), lin.weight().data().toFloatArray(), null, 3, 4, 2),
                lin.forward(Variable.constant(x)).data(), 1e-5, 1e-5);
    }

    @Test void defaultInitIsUniformWithinOneOverSqrtFanIn() {
        Linear lin = new Linear(16, 64, new Generator(3));
        double bound = 1 / Math.sqrt(16);
        for (float v : lin.weight().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : lin.bias().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        float max = lin.weight().data().abs().max().item();
        assertTrue(max > 0.9 * bound, "draws fill the range, max |w| = " + max);
    }

    @Test void gradientsOfInputWeightAndBias() {
        Generator gen = new Generator(4);
        ModuleGradCheck.check(new Linear(4, 3, gen), Tensor.randn(gen, 5, 4));
        ModuleGradCheck.check(new Linear(3, 2, false, gen), Tensor.randn(gen, 2, 2, 3));
    }

    @Test void wrongInputWidthNamesBothSizes() {
        Linear lin = new Linear(4, 3, new Generator(5));
        var e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Variable.constant(Tensor.zeros(2, 5))));
        assertTrue(e.getMessage().contains("Linear(4 -> 3)") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }
}
