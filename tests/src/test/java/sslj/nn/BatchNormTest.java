package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/** BatchNorm1d/2d: forward against double maths, gradients, running statistics, eval mode, errors. */
class BatchNormTest {
    private final Generator gen = new Generator(11);

    /** Per-channel (dim 1) normalisation in double with the given statistics, then γ, β. */
    private static double[] normalise(float[] x, int[] shape, double[] mean, double[] var, float[] g, float[] b, double eps) {
        int c = shape[1], inner = 1;
        for (int d = 2; d < shape.length; d++) inner *= shape[d];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            y[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps) * (g == null ? 1 : g[ch]) + (b == null ? 0 : b[ch]);
        }
        return y;
    }

    /** {mean, biased var, unbiased var} per channel, in double. */
    private static double[][] stats(float[] x, int[] shape) {
        int c = shape[1], inner = 1;
        for (int d = 2; d < shape.length; d++) inner *= shape[d];
        int m = x.length / c;
        double[] mean = new double[c], var = new double[c], unbiased = new double[c];
        for (int i = 0; i < x.length; i++) mean[(i / inner) % c] += x[i] / (double) m;
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            var[ch] += (x[i] - mean[ch]) * (x[i] - mean[ch]) / m;
        }
        for (int ch = 0; ch < c; ch++) unbiased[ch] = var[ch] * m / (m - 1);
        return new double[][] {mean, var, unbiased};
    }

    private void checkTrainForward(BatchNorm bn, int... shape) {
        bn.weight().data().copy_(Tensor.randn(gen, bn.features()));
        bn.bias().data().copy_(Tensor.randn(gen, bn.features()));
        Tensor x = Tensor.randn(gen, shape).mul(3f).add(1f);
        double[][] s = stats(x.toFloatArray(), shape);
        double[] ref = normalise(x.toFloatArray(), shape, s[0], s[1], bn.weight().data().toFloatArray(), bn.bias().data().toFloatArray(), 1e-5);
        Close.assertClose("batch norm train " + java.util.Arrays.toString(shape), shape, ref, bn.forward(Variable.constant(x)).data(), 1e-4, 1e-4);
    }

    @Test void trainForward1d() { checkTrainForward(new BatchNorm1d(5), 6, 5); }
    @Test void trainForward1dSequence() { checkTrainForward(new BatchNorm1d(3), 4, 3, 7); }
    @Test void trainForward2d() { checkTrainForward(new BatchNorm2d(4), 3, 4, 5, 3); }

    @Test void gradients1d() {
        GradCheck.check(v -> NnFunctional.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f),
                Tensor.randn(gen, 5, 3), Tensor.randn(gen, 3), Tensor.randn(gen, 3));
        GradCheck.check(v -> NnFunctional.batchNorm(v[0], null, null, null, null, true, 0.1f, 1e-5f), Tensor.randn(gen, 4, 3));
    }

    @Test void gradients2d() {
        GradCheck.check(v -> NnFunctional.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f),
                Tensor.randn(gen, 2, 3, 3, 2), Tensor.randn(gen, 3), Tensor.randn(gen, 3));
    }

    /**
     * The fused bn → + residual → ReLU by finite differences, for x, γ, β and the residual. β is shifted up (and
     * the residual is positive) so that no value sits within a step of ReLU's kink, where a central difference
     * straddles it; a second check with β shifted down has most values clipped and their gradients zero.
     */
    @Test void gradientsOfTheFusedReluWithAResidual() {
        GradCheck.check(v -> NnFunctional.batchNormRelu(v[0], v[1], v[2], v[3], null, null, 0.1f, 1e-5f),
                Tensor.randn(gen, 3, 2, 3, 2), Tensor.randn(gen, 2).mul(0.2f), Tensor.randn(gen, 2).mul(0.1f).add(3f),
                Tensor.rand(gen, 3, 2, 3, 2).add(0.5f));
        GradCheck.check(v -> NnFunctional.batchNormRelu(v[0], v[1], v[2], null, null, null, 0.1f, 1e-5f),
                Tensor.randn(gen, 2, 3, 2, 2), Tensor.randn(gen, 3).mul(0.2f), Tensor.randn(gen, 3).mul(0.1f).add(-3f));
    }

    /** forwardRelu in training updates the running statistics as forward does, and in eval (with and without gradients) gives the composed bn, add, relu's bits. */
    @SuppressWarnings("try")
    @Test void forwardReluKeepsTheRunningStatisticsAndEvalComposes() {
        BatchNorm2d fused = new BatchNorm2d(3), plain = new BatchNorm2d(3);
        Tensor x = Tensor.randn(gen, 4, 3, 2, 2).mul(2f).add(1f), r = Tensor.randn(gen, 4, 3, 2, 2);
        Variable y = fused.forwardRelu(Variable.constant(x), Variable.constant(r));
        Variable want = plain.forward(Variable.constant(x)).add(Variable.constant(r)).relu();
        assertArrayEquals(want.data().toFloatArray(), y.data().toFloatArray());
        assertArrayEquals(plain.runningMean().toFloatArray(), fused.runningMean().toFloatArray());
        assertArrayEquals(plain.runningVar().toFloatArray(), fused.runningVar().toFloatArray());
        assertArrayEquals(plain.stateDict().get("num_batches_tracked").toFloatArray(), fused.stateDict().get("num_batches_tracked").toFloatArray());
        fused.eval();
        plain.eval();
        float[] composed = plain.forward(Variable.constant(x)).add(Variable.constant(r)).relu().data().toFloatArray();
        assertArrayEquals(composed, fused.forwardRelu(Variable.constant(x), Variable.constant(r)).data().toFloatArray());
        try (sslj.autograd.NoGrad g = sslj.autograd.NoGrad.enter()) {           // inference: the one-pass fused op
            assertArrayEquals(composed, fused.forwardRelu(Variable.constant(x), Variable.constant(r)).data().toFloatArray());
        }
    }

    @Test void gradients1dSequence() {
        GradCheck.check(v -> NnFunctional.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f),
                Tensor.randn(gen, 3, 2, 4), Tensor.randn(gen, 2), Tensor.randn(gen, 2));
    }

    @Test void gradientsEval() {
        Tensor mean = Tensor.randn(gen, 3), var = Tensor.uniform(gen, 0.5f, 2f, 3);
        GradCheck.check(v -> NnFunctional.batchNorm(v[0], v[1], v[2], mean, var, false, 0.1f, 1e-5f),
                Tensor.randn(gen, 2, 3, 2, 2), Tensor.randn(gen, 3), Tensor.randn(gen, 3));
    }

    /** Three training steps, then the buffers against the hand-computed recurrence (PyTorch's convention). */
    @Test void runningStatisticsFollowPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5f, 0.2f, true);
        int[] shape = {4, 3, 2, 3};
        double[] rm = {0, 0, 0}, rv = {1, 1, 1};
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(gen, shape).mul(2f).add(step);
            double[][] s = stats(x.toFloatArray(), shape);
            for (int c = 0; c < 3; c++) {
                rm[c] = 0.8 * rm[c] + 0.2 * s[0][c];
                rv[c] = 0.8 * rv[c] + 0.2 * s[2][c];        // unbiased variance for the running estimate
            }
            bn.forward(Variable.constant(x));
        }
        Close.assertClose("running_mean", rm, bn.runningMean().toFloatArray(), 1e-5, 1e-5);
        Close.assertClose("running_var", rv, bn.runningVar().toFloatArray(), 1e-5, 1e-5);
        assertEquals(3f, bn.namedBuffers().get("num_batches_tracked").item());
    }

    @Test void evalUsesRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(4);
        bn.forward(Variable.constant(Tensor.randn(gen, 8, 4).mul(3f)));
        bn.weight().data().copy_(Tensor.randn(gen, 4));
        bn.bias().data().copy_(Tensor.randn(gen, 4));
        float[] rm = bn.runningMean().toFloatArray(), rv = bn.runningVar().toFloatArray();
        bn.eval();
        Tensor x = Tensor.randn(gen, 2, 4);
        double[] mean = Close.toDouble(rm), var = Close.toDouble(rv);
        double[] ref = normalise(x.toFloatArray(), x.shape(), mean, var, bn.weight().data().toFloatArray(), bn.bias().data().toFloatArray(), 1e-5);
        Close.assertClose("eval forward", x.shape(), ref, bn.forward(Variable.constant(x)).data(), 1e-5, 1e-5);
        assertArrayEquals(rm, bn.runningMean().toFloatArray());
        assertArrayEquals(rv, bn.runningVar().toFloatArray());
        // A batch of one is fine in eval mode.
        bn.forward(Variable.constant(Tensor.randn(gen, 1, 4)));
    }

    @Test void withoutAffineThereAreNoParameters() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-5f, 0.1f, false);
        assertEquals(0, bn.parameters().size());
        Tensor x = Tensor.randn(gen, 5, 3);
        double[][] s = stats(x.toFloatArray(), x.shape());
        Close.assertClose("no affine", x.shape(), normalise(x.toFloatArray(), x.shape(), s[0], s[1], null, null, 1e-5),
                bn.forward(Variable.constant(x)).data(), 1e-4, 1e-4);
    }

    @Test void namesMatchPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(2);
        assertArrayEquals(new String[] {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"},
                bn.stateDict().keySet().toArray());
        assertArrayEquals(new float[] {1, 1}, bn.weight().data().toFloatArray());
        assertArrayEquals(new float[] {0, 0}, bn.bias().data().toFloatArray());
    }

    @Test void oneValuePerChannelInTrainingIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Variable.constant(Tensor.zeros(1, 3))));
        assertTrue(e.getMessage().contains("Expected more than 1 value per channel when training"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Variable.constant(Tensor.zeros(2, 3))));
        assertTrue(e.getMessage().contains("[N, C, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Variable.constant(Tensor.zeros(2, 4))));
        assertTrue(e.getMessage().contains("C = 3"), e.getMessage());
    }
}
