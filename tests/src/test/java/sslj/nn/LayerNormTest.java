package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

class LayerNormTest {
    /** Per row of length d: (x − mean) / √(var + eps) · w + b, population variance, in double. */
    private static double[] reference(float[] x, int d, float[] w, float[] b, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < d; i++) mean += x[r * d + i];
            mean /= d;
            for (int i = 0; i < d; i++) var += (x[r * d + i] - mean) * (x[r * d + i] - mean);
            var /= d;
            for (int i = 0; i < d; i++) {
                double v = (x[r * d + i] - mean) / Math.sqrt(var + eps);
                y[r * d + i] = w == null ? v : v * w[i] + b[i];
            }
        }
        return y;
    }

    @Test void forwardMatchesDoubleReference() {
        Generator gen = new Generator(10);
        LayerNorm ln = new LayerNorm(6);
        // non-trivial affine parameters, so the test sees them used
        ln.namedParameters().get("weight").data().copy_(Tensor.randn(gen, 6));
        ln.namedParameters().get("bias").data().copy_(Tensor.randn(gen, 6));
        Tensor x = Tensor.randn(gen, 2, 3, 6).mul(3f).add(1f);
        Close.assertClose("layernorm", new int[] {2, 3, 6},
                reference(x.toFloatArray(), 6, ln.namedParameters().get("weight").data().toFloatArray(),
                        ln.namedParameters().get("bias").data().toFloatArray(), 1e-5),
                ln.forward(Variable.constant(x)).data(), 1e-5, 1e-4);
    }

    @Test void overTwoTrailingDimsWithoutAffine() {
        LayerNorm ln = new LayerNorm(new int[] {2, 3}, 1e-3f, false);
        assertTrue(ln.namedParameters().isEmpty());
        Tensor x = Tensor.randn(new Generator(11), 4, 2, 3);
        Close.assertClose("no affine", new int[] {4, 2, 3}, reference(x.toFloatArray(), 6, null, null, 1e-3),
                ln.forward(Variable.constant(x)).data(), 1e-5, 1e-4);
    }

    @Test void gradientsOfInputWeightAndBias() {
        Generator gen = new Generator(12);
        LayerNorm ln = new LayerNorm(5);
        ln.namedParameters().get("weight").data().copy_(Tensor.randn(gen, 5));
        ln.namedParameters().get("bias").data().copy_(Tensor.randn(gen, 5));
        ModuleGradCheck.check(ln, Tensor.randn(gen, 3, 5));
    }

    @Test void wrongTrailingShapeIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4).forward(Variable.constant(Tensor.zeros(2, 3))));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
