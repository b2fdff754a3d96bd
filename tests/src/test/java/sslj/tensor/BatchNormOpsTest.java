package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import sslj.testing.Close;
import sslj.testing.Devices;

/**
 * Batch normalisation's per-channel ops (BatchNormOps): the fused CPU loops against a double-precision
 * oracle written from the formulas (awkward shapes, a strided input, with and without γ/β, training
 * and eval backward), the composed reference against the same oracle, the CUDA backend (emulated in CI)
 * against the CPU, and the error messages.
 */
class BatchNormOpsTest {
    private static final float EPS = 1e-5f;

    static int[][] shapes() { return new int[][] {{2, 3}, {3, 5, 7}, {2, 4, 5, 3}, {5, 1, 3, 3}, {1, 3, 2, 33}}; }

    /** The oracle: {y, dx, dγ, dβ} in double for x, g, γ, β (γ/β null = 1/0), training or with given statistics. */
    private static double[][] oracle(float[] x, float[] g, int[] shape, float[] gamma, float[] beta, float[] fixedMean, float[] fixedVar) {
        int c = shape[1], inner = 1;
        for (int d = 2; d < shape.length; d++) inner *= shape[d];
        int m = x.length / c;
        double[] mean = new double[c], var = new double[c];
        if (fixedMean == null) {
            for (int i = 0; i < x.length; i++) mean[(i / inner) % c] += x[i] / (double) m;
            for (int i = 0; i < x.length; i++) {
                int ch = (i / inner) % c;
                var[ch] += (x[i] - mean[ch]) * (x[i] - mean[ch]) / m;
            }
        } else {
            for (int ch = 0; ch < c; ch++) { mean[ch] = fixedMean[ch]; var[ch] = fixedVar[ch]; }
        }
        double[] y = new double[x.length], xhat = new double[x.length], dgamma = new double[c], dbeta = new double[c], dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            xhat[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + EPS);
            y[i] = xhat[i] * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
            dbeta[ch] += g[i];
            dgamma[ch] += g[i] * xhat[i];
        }
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            double scale = (gamma == null ? 1 : gamma[ch]) / Math.sqrt(var[ch] + EPS);
            dx[i] = fixedMean == null ? scale * (g[i] - dbeta[ch] / m - xhat[i] * dgamma[ch] / m) : scale * g[i];
        }
        return new double[][] {y, dx, dgamma, dbeta, mean, var};
    }

    private static Tensor rand(long seed, float scale, float shift, int... shape) {
        return Tensor.randn(new Generator(seed), shape).mul(scale).add(shift);
    }

    @Test
    void fusedCpuAndComposedMatchTheOracle() {
        for (int[] shape : shapes()) {
            int c = shape[1];
            Tensor x = rand(1, 3f, 2f, shape), g = rand(2, 1f, 0f, shape), gamma = rand(3, 1f, 1f, c), beta = rand(4, 1f, 0f, c);
            for (boolean affine : new boolean[] {true, false}) {
                Tensor ga = affine ? gamma : null, be = affine ? beta : null;
                double[][] want = oracle(x.toFloatArray(), g.toFloatArray(), shape, affine ? gamma.toFloatArray() : null, affine ? beta.toFloatArray() : null, null, null);
                String what = java.util.Arrays.toString(shape) + (affine ? " affine" : "");
                for (boolean fused : new boolean[] {true, false}) {
                    String w = what + (fused ? " fused" : " composed");
                    Tensor[] st = fused ? BatchNormOps.stats(x) : BatchNormOps.composedStats(x);
                    Close.assertClose("mean " + w, new int[] {c}, want[4], st[0], 1e-5, 1e-5);
                    Close.assertClose("var " + w, new int[] {c}, want[5], st[1], 1e-5, 1e-5);
                    Tensor invstd = st[1].add(EPS).rsqrt();
                    Tensor y = fused ? BatchNormOps.apply(x, st[0], invstd, ga, be) : BatchNormOps.composedApply(x, st[0], invstd, ga, be);
                    Close.assertClose("y " + w, shape, want[0], y, 1e-5, 1e-4);
                    Tensor[] d = fused ? BatchNormOps.backward(g, x, st[0], invstd, ga, true) : BatchNormOps.composedBackward(g, x, st[0], invstd, ga, true);
                    Close.assertClose("dx " + w, shape, want[1], d[0], 1e-5, 1e-4);
                    Close.assertClose("dgamma " + w, new int[] {c}, want[2], d[1], 1e-4, 1e-4);
                    Close.assertClose("dbeta " + w, new int[] {c}, want[3], d[2], 1e-4, 1e-4);
                }
                Tensor[] step = BatchNormOps.forwardTraining(x, ga, be, EPS);      // the one-call training forward
                Close.assertClose("forwardTraining y " + what, shape, want[0], step[0], 1e-5, 1e-4);
                Close.assertClose("forwardTraining mean " + what, new int[] {c}, want[4], step[1], 1e-5, 1e-5);
                Close.assertClose("forwardTraining var " + what, new int[] {c}, want[5], step[2], 1e-5, 1e-5);
                double[] invstd = new double[c];
                for (int ch = 0; ch < c; ch++) invstd[ch] = 1 / Math.sqrt(want[5][ch] + EPS);
                Close.assertClose("forwardTraining invstd " + what, new int[] {c}, invstd, step[3], 1e-5, 1e-5);
            }
        }
    }

    /**
     * bn → + residual → ReLU in one call (forwardTrainingRelu / backwardRelu): against the oracle of the three
     * steps (z = bn(x) + r, y = max(0, z), g' = g·[y > 0], then the batch norm backward of g'), with and without
     * a residual, on 1×1 and 2×2 planes, odd channel counts, one image, and planes that are not whole vectors.
     */
    @Test
    void fusedReluWithAResidualMatchesTheOracle() {
        int[][] shapes = {{5, 3, 1, 1}, {2, 5, 2, 2}, {1, 3, 2, 33}, {3, 17, 4, 4}, {2, 16, 7, 7}, {4, 9}};   // 1×1 planes: 5 images (m = 2 is all cancellation)
        long seed = 20;
        for (int[] shape : shapes) {
            int c = shape[1];
            Tensor x = rand(seed++, 3f, 2f, shape), g = rand(seed++, 1f, 0f, shape), r = rand(seed++, 1f, 0f, shape);
            Tensor gamma = rand(seed++, 1f, 1f, c), beta = rand(seed++, 1f, 0f, c);
            for (boolean withResidual : new boolean[] {true, false}) {
                String what = java.util.Arrays.toString(shape) + (withResidual ? " with a residual" : "");
                Tensor res = withResidual ? r : null;
                double[] bn = oracle(x.toFloatArray(), g.toFloatArray(), shape, gamma.toFloatArray(), beta.toFloatArray(), null, null)[0];
                float[] rs = r.toFloatArray(), gs = g.toFloatArray();
                double[] y = new double[bn.length];
                float[] masked = new float[bn.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = Math.max(0, bn[i] + (withResidual ? rs[i] : 0));
                    masked[i] = y[i] > 0 ? gs[i] : 0f;
                }
                double[][] back = oracle(x.toFloatArray(), masked, shape, gamma.toFloatArray(), beta.toFloatArray(), null, null);
                Tensor[] step = BatchNormOps.forwardTrainingRelu(x, gamma, beta, EPS, res);
                Close.assertClose("y " + what, shape, y, step[0], 1e-5, 1e-4);
                Close.assertClose("mean " + what, new int[] {c}, back[4], step[1], 1e-5, 1e-5);
                Tensor[] d = BatchNormOps.backwardRelu(g, step[0], x, step[1], step[3], gamma, withResidual);
                Close.assertClose("dx " + what, shape, back[1], d[0], 1e-5, 1e-4);
                Close.assertClose("dgamma " + what, new int[] {c}, back[2], d[1], 1e-4, 1e-4);
                Close.assertClose("dbeta " + what, new int[] {c}, back[3], d[2], 1e-4, 1e-4);
                if (withResidual) {
                    double[] want = new double[masked.length];
                    for (int i = 0; i < want.length; i++) want[i] = masked[i];
                    Close.assertClose("residual gradient " + what, shape, want, d[3], 0, 0);
                } else {
                    assertEquals(3, d.length, "no residual gradient asked for");
                }
                // the composed ops, one after another, give the same bits
                Tensor composed = BatchNormOps.apply(x, step[1], step[3], gamma, beta);
                if (withResidual) composed = composed.add(r);
                org.junit.jupiter.api.Assertions.assertArrayEquals(composed.relu().toFloatArray(), step[0].toFloatArray(), "fused = apply, add, relu " + what);
            }
        }
    }

    @Test
    void evalBackwardAndAStridedInput() {
        int[] shape = {3, 4, 5, 6};
        Tensor base = rand(5, 2f, -1f, 3, 5, 6, 4);
        Tensor x = base.permute(0, 3, 1, 2);                     // [3, 4, 5, 6], channels strided
        Tensor g = rand(6, 1f, 0f, shape), gamma = rand(7, 1f, 1f, 4), beta = rand(8, 1f, 0f, 4);
        float[] rm = {0.5f, -1f, 0f, 2f}, rv = {1f, 0.25f, 4f, 0.01f};
        Tensor mean = Tensor.of(rm), invstd = Tensor.of(rv).add(EPS).rsqrt();
        double[][] want = oracle(x.toFloatArray(), g.toFloatArray(), shape, gamma.toFloatArray(), beta.toFloatArray(), rm, rv);
        Close.assertClose("eval y of a strided x", shape, want[0], BatchNormOps.apply(x, mean, invstd, gamma, beta), 1e-5, 1e-4);
        Close.assertClose("forwardInference y of a strided x", shape, want[0], BatchNormOps.forwardInference(x, mean, Tensor.of(rv), gamma, beta, EPS), 1e-5, 1e-4);
        double[][] plain = oracle(x.toFloatArray(), g.toFloatArray(), shape, null, null, rm, rv);
        Close.assertClose("forwardInference y without affine", shape, plain[0], BatchNormOps.forwardInference(x, mean, Tensor.of(rv), null, null, EPS), 1e-5, 1e-4);
        double[] relu = new double[want[0].length];
        float[] gs = g.toFloatArray();
        for (int i = 0; i < relu.length; i++) relu[i] = Math.max(0, want[0][i] + gs[i]);
        Close.assertClose("forwardInferenceRelu y of a strided x, g as the residual", shape, relu,
                BatchNormOps.forwardInferenceRelu(x, mean, Tensor.of(rv), gamma, beta, EPS, g), 1e-5, 1e-4);
        Tensor[] d = BatchNormOps.backward(g, x, mean, invstd, gamma, false);
        Close.assertClose("eval dx", shape, want[1], d[0], 1e-5, 1e-4);
        Close.assertClose("eval dgamma", new int[] {4}, want[2], d[1], 1e-4, 1e-4);
        Close.assertClose("eval dbeta", new int[] {4}, want[3], d[2], 1e-4, 1e-4);
        double[][] trained = oracle(x.toFloatArray(), g.toFloatArray(), shape, null, null, null, null);
        Close.assertClose("stats of a strided x", new int[] {4}, trained[4], BatchNormOps.stats(x)[0], 1e-5, 1e-5);
    }

    static java.util.List<Device> cudaDevices() { return Devices.cuda(); }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void theCudaBackendMatchesTheCpu(Device dev) {
        ((sslj.kernels.backend.CudaBackend) dev.backend()).setPoisonResults(true);   // an unwritten result element stays NaN
        // 84 values per channel (fewer than a block's 256 threads), then 330 (threads fold several), a strided x
        for (int[] shape : new int[][] {{3, 5, 4, 7}, {3, 2, 10, 11}}) {
            theCudaBackendMatchesTheCpu(dev, shape);
        }
        Tensor strided = rand(13, 1f, 0f, 4, 6, 3).permute(0, 2, 1);
        Devices.assertMatchesCpu("batch norm of a strided x", dev, d -> {
            Tensor[] st = BatchNormOps.stats(strided.to(d));
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("mean", st[0]);
            out.put("y", BatchNormOps.apply(strided.to(d), st[0], st[1].add(EPS).rsqrt(), null, null));
            out.put("eval dx", BatchNormOps.backward(strided.to(d).mul(2f), strided.to(d), st[0], st[1].add(EPS).rsqrt(), null, false)[0]);
            return out;
        }, 1e-4, 1e-4);
    }

    private void theCudaBackendMatchesTheCpu(Device dev, int[] shape) {
        theCudaBackendMatchesTheCpu(dev, shape, true);
    }

    /** Every batch-norm op, and the one-call training forward with a training backward fed by it, on dev and on the CPU. */
    private void theCudaBackendMatchesTheCpu(Device dev, int[] shape, boolean affine) {
        int c = shape[1];
        Tensor x = rand(9, 2f, 1f, shape), g = rand(10, 1f, 0f, shape), gamma = rand(11, 1f, 1f, c), beta = rand(12, 1f, 0f, c);
        Devices.assertMatchesCpu("batch norm ops " + java.util.Arrays.toString(shape) + (affine ? "" : " without affine"), dev, d -> {
            Tensor xd = x.to(d), gd = g.to(d), ga = affine ? gamma.to(d) : null, be = affine ? beta.to(d) : null;
            Tensor[] st = BatchNormOps.stats(xd);
            Tensor invstd = st[1].add(EPS).rsqrt();
            Tensor[] back = BatchNormOps.backward(gd, xd, st[0], invstd, ga, true);
            Tensor[] step = BatchNormOps.forwardTraining(xd, ga, be, EPS);
            Tensor[] stepBack = BatchNormOps.backward(gd, xd, step[1], step[3], ga, true);
            Tensor runningMean = st[0].mul(0.5f).add(0.25f), runningVar = st[1].mul(1.5f).add(0.1f);   // not the batch's
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("forwardInference y", BatchNormOps.forwardInference(xd, runningMean, runningVar, ga, be, EPS));
            out.put("mean", st[0]);
            out.put("var", st[1]);
            out.put("y", BatchNormOps.apply(xd, st[0], invstd, ga, be));
            out.put("dx", back[0]);
            out.put("dgamma", back[1]);
            out.put("dbeta", back[2]);
            out.put("forwardTraining y", step[0]);
            out.put("forwardTraining mean", step[1]);
            out.put("forwardTraining var", step[2]);
            out.put("forwardTraining invstd", step[3]);
            out.put("dx after forwardTraining", stepBack[0]);
            out.put("dgamma after forwardTraining", stepBack[1]);
            if (affine) {                                   // bn → + residual → ReLU: the Backend's composed default on a GPU
                Tensor[] fused = BatchNormOps.forwardTrainingRelu(xd, ga, be, EPS, gd.mul(0.5f));
                Tensor[] fusedBack = BatchNormOps.backwardRelu(gd, fused[0], xd, fused[1], fused[3], ga, true);
                out.put("relu y", fused[0]);
                out.put("relu dx", fusedBack[0]);
                out.put("relu dgamma", fusedBack[1]);
                out.put("relu residual gradient", fusedBack[3]);
                out.put("relu eval y", BatchNormOps.forwardInferenceRelu(xd, runningMean, runningVar, ga, be, EPS, gd));
            }
            return out;
        }, 1e-4, 1e-4);
    }

    /**
     * On a real GPU with cuDNN, the training forward and backward and the eval forward go through cuDNN (CudnnBatchNorm) and stay
     * there: training-sized layers (a ResNet's [N, C, H, W], a head's BatchNorm1d [N, C]) and the awkward test
     * shapes, with and without affine, match the CPU, and no call failed over to batchnorm.ptx (which would
     * match too and hide the failure). Skipped on the emulator, which has no cuDNN.
     */
    @ParameterizedTest
    @MethodSource("cudaDevices")
    void cudnnCarriesTheTrainingStepOnARealGpu(Device dev) {
        sslj.kernels.backend.CudaBackend backend = (sslj.kernels.backend.CudaBackend) dev.backend();
        org.junit.jupiter.api.Assumptions.assumeTrue("cudnn".equals(backend.batchNormPath()), dev + ": batch norm is not on cuDNN here");
        backend.setPoisonResults(true);
        try {
            for (int[] shape : new int[][] {{64, 32, 28, 28}, {256, 64}, {3, 5, 4, 7}, {1, 3, 2, 33}, {128, 256, 4, 4}}) {
                for (boolean affine : new boolean[] {true, false}) {
                    theCudaBackendMatchesTheCpu(dev, shape, affine);
                    assertEquals("cudnn", backend.batchNormPath(), "cuDNN batch norm failed on " + java.util.Arrays.toString(shape) + " and fell back");
                }
            }
        } finally {
            backend.setPoisonResults(false);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = Tensor.zeros(2, 3, 4), c3 = Tensor.ones(3);
        assertEquals("batchNormStats: expects x of shape [N, C, *], got [5]",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.stats(Tensor.zeros(5))).getMessage());
        assertEquals("batchNormApply: invstd must have shape [3] (one per channel of x [2, 3, 4]), got [4]",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.apply(x, c3, Tensor.ones(4), null, null)).getMessage());
        assertEquals("batchNormApply: give both gamma and beta, or neither",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.apply(x, c3, c3, c3, null)).getMessage());
        assertEquals("batchNormBackward: gradient shape [2, 3] differs from input shape [2, 3, 4]",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.backward(Tensor.zeros(2, 3), x, c3, c3, null, true)).getMessage());
        assertEquals("batchNormForwardTraining: give both gamma and beta, or neither",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardTraining(x, c3, null, EPS)).getMessage());
        assertEquals("batchNormForwardTraining: eps must be > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardTraining(x, null, null, 0f)).getMessage());
        assertEquals("batchNormForwardTraining: beta must have shape [3] (one per channel of x [2, 3, 4]), got [2]",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardTraining(x, c3, Tensor.ones(2), EPS)).getMessage());
        assertEquals("batchNormForwardInference: var is null",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardInference(x, c3, null, null, null, EPS)).getMessage());
        assertEquals("batchNormForwardInference: var must have shape [3] (one per channel of x [2, 3, 4]), got [4]",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardInference(x, c3, Tensor.ones(4), null, null, EPS)).getMessage());
        assertEquals("batchNormForwardInference: eps must be > 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.forwardInference(x, c3, c3, null, null, -1f)).getMessage());
        assertEquals("batchNormApply: mean is null",
                assertThrows(IllegalArgumentException.class, () -> BatchNormOps.apply(x, null, c3, null, null)).getMessage());
    }
}
