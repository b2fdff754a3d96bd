package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sslj.testing.Close.assertClose;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.emu.PtxEmulator;
import sslj.testing.Devices;

/**
 * The fused optimiser steps ({@link OptimizerSteps}). LARS: the CPU (the backend's composed default)
 * against You et al.'s Algorithm 1 in double precision; every CUDA device (optim.ptx, poisoned scratch)
 * against the CPU on awkward sizes: exactly equal for an excluded parameter (no norms, the same rounded
 * ops), within float rounding of the norms' summation order when adapting. SGD: the CPU against
 * torch.optim.SGD's rule in double precision, every CUDA device bit for bit against the CPU (a NaN
 * buffer on the first step proves it is not read). AdamW likewise (torch.optim.AdamW's rule; bit for bit
 * on the devices). And the launches each costs.
 */
class OptimizerStepsTest {
    static List<Device> cudaDevices() { return Devices.cuda(); }

    /** One case: size, initial θ/g/v from a seed, hyper-parameters. */
    record Case(int n, long seed, float lr, float mu, float wd, float trust, float eps, boolean adapt, boolean zeroTheta, boolean zeroGrad) {
        static Case adapted(int n, float wd) { return new Case(n, 11L * n, 0.8f, 0.9f, wd, 0.001f, 0f, true, false, false); }

        float[][] inputs() {
            Random r = new Random(seed);
            float[] theta = new float[n], grad = new float[n], v = new float[n];
            for (int i = 0; i < n; i++) {
                theta[i] = zeroTheta ? 0f : (float) r.nextGaussian();
                grad[i] = zeroGrad ? 0f : (float) (0.01 * r.nextGaussian());
                v[i] = (float) (0.001 * r.nextGaussian());
            }
            return new float[][] {theta, grad, v};
        }

        /** θ and v after one step on {@code device}, read back. */
        float[][] run(Device device) {
            float[][] in = inputs();
            try (TensorScope scope = TensorScope.open()) {
                Tensor theta = Tensor.of(in[0], n).to(device), grad = Tensor.of(in[1], n).to(device), v = Tensor.of(in[2], n).to(device);
                OptimizerSteps.lars(theta, grad, v, lr, mu, wd, trust, eps, adapt);
                return new float[][] {theta.toFloatArray(), v.toFloatArray()};
            }
        }

        /** θ and v after one step, in double precision from the float inputs. */
        double[][] reference() {
            float[][] in = inputs();
            double pn = 0, gn = 0;
            for (int i = 0; i < n; i++) {
                pn += (double) in[0][i] * in[0][i];
                gn += (double) in[1][i] * in[1][i];
            }
            pn = Math.sqrt(pn);
            gn = Math.sqrt(gn);
            double local = !adapt ? 1 : pn > 0 && gn > 0 ? trust * pn / (gn + wd * pn + eps) : 1, decay = adapt ? wd : 0;
            double[] theta = new double[n], v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = mu * in[2][i] + lr * local * (in[1][i] + decay * in[0][i]);
                theta[i] = in[0][i] - v[i];
            }
            return new double[][] {theta, v};
        }
    }

    static final List<Case> CASES = List.of(
            Case.adapted(1, 1e-6f), Case.adapted(31, 0f), Case.adapted(257, 0.1f), Case.adapted(1000, 1.5e-6f),
            Case.adapted(4099, 1e-4f), Case.adapted(70_001, 1e-6f),
            new Case(257, 5, 0.3f, 0.9f, 0.1f, 0.02f, 1e-3f, true, false, false),       // ε and a large trust coefficient
            new Case(1000, 6, 0.3f, 0.9f, 0.1f, 0.001f, 0f, false, false, false),       // excluded: no λ, no decay
            new Case(70_001, 7, 1.2f, 0.9f, 0f, 0.001f, 0f, false, false, false),
            new Case(33, 8, 0.3f, 0.9f, 0.1f, 0.001f, 0f, true, true, false),           // ‖θ‖ = 0: λ = 1
            new Case(33, 9, 0.3f, 0.9f, 0.1f, 0.001f, 0f, true, false, true),           // ‖g‖ = 0: λ = 1, the step is the decay
            new Case(64, 10, 0.5f, 0f, 1e-6f, 0.001f, 0f, true, false, false));        // no momentum

    @Test
    void theCpuFollowsAlgorithmOneInDoublePrecision() {
        for (Case c : CASES) {
            float[][] got = c.run(Device.CPU);
            double[][] want = c.reference();
            assertClose(c + ": theta", want[0], got[0], 1e-7, 1e-5);
            assertClose(c + ": v", want[1], got[1], 1e-9, 1e-5);
        }
    }

    @Test
    void aStepByHand() {
        // θ = (3, 4): ‖θ‖ = 5; g = (0, 1): ‖g‖ = 1; η 0.1, wd 0.2: λ = 0.1·5/(1 + 0.2·5) = 0.25;
        // lr 2: s = (g + 0.2θ)·0.5 = (0.3, 0.9); v = 0.9·(1, -1) + s = (1.2, -0.0); θ = (1.8, 4.0)
        Tensor theta = Tensor.of(new float[] {3, 4}, 2), grad = Tensor.of(new float[] {0, 1}, 2), v = Tensor.of(new float[] {1, -1}, 2);
        OptimizerSteps.lars(theta, grad, v, 2f, 0.9f, 0.2f, 0.1f, 0f, true);
        assertClose("v", new double[] {1.2, 0.0}, v.toFloatArray(), 1e-6, 1e-6);
        assertClose("theta", new double[] {1.8, 4.0}, theta.toFloatArray(), 1e-6, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void everyCudaDeviceMatchesTheCpu(Device device) {
        CudaBackend backend = (CudaBackend) device.backend();
        backend.setPoisonResults(true);   // the norms' scratch starts as NaN: an unwritten norm poisons every element
        try {
            for (Case c : CASES) {
                float[][] cpu = c.run(Device.CPU), dev = c.run(device);
                if (!c.adapt || c.zeroTheta || c.zeroGrad) {
                    assertArrayEquals(cpu[0], dev[0], 0f, c + ": theta on " + device + " (no norms: the same ops, the same bits)");
                    assertArrayEquals(cpu[1], dev[1], 0f, c + ": v on " + device);
                } else {
                    assertClose(c + ": theta on " + device, toDouble(cpu[0]), dev[0], 1e-7, 1e-5);
                    assertClose(c + ": v on " + device, toDouble(cpu[1]), dev[1], 1e-9, 1e-5);
                }
            }
        } finally {
            backend.setPoisonResults(false);
        }
    }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void aStridedThetaTakesTheComposedPathAndAgrees(Device device) {
        float[] t = new float[6 * 7], g = new float[6 * 7], v0 = new float[6 * 7];
        Random r = new Random(3);
        for (int i = 0; i < t.length; i++) { t[i] = (float) r.nextGaussian(); g[i] = (float) (0.1 * r.nextGaussian()); }
        float[][] out = new float[2][];
        for (Device d : List.of(Device.CPU, device)) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor base = Tensor.of(t, 6, 7).to(d), theta = base.transpose(0, 1);   // [7, 6], strided
                Tensor grad = Tensor.of(g, 7, 6).to(d), v = Tensor.of(v0, 7, 6).to(d);
                OptimizerSteps.lars(theta, grad, v, 0.5f, 0.9f, 1e-4f, 0.001f, 0f, true);
                float[] back = base.toFloatArray();
                if (d == Device.CPU) out[0] = back;
                else out[1] = back;
            }
        }
        assertClose("strided theta on " + device, toDouble(out[0]), out[1], 1e-7, 1e-5);
    }

    /** Kernels the emulator launches while {@code op} runs. */
    static long launches(Runnable op) {
        PtxEmulator rt = (PtxEmulator) ((CudaBackend) Devices.emulated().backend()).runtime();
        long before = rt.launches();
        op.run();
        return rt.launches() - before;
    }

    /** θ = (1, 2, 3) and g = (0.1, 0.2, 0.3) on the emulator, then zeroed state tensors of the same shape. */
    static Tensor[] onTheEmulator(int states) {
        Device emu = Devices.emulated();
        Tensor[] t = new Tensor[2 + states];
        t[0] = Tensor.of(new float[] {1, 2, 3}, 3).to(emu);
        t[1] = Tensor.of(new float[] {0.1f, 0.2f, 0.3f}, 3).to(emu);
        for (int i = 0; i < states; i++) t[2 + i] = Tensor.zeros(emu, 3);
        return t;
    }

    @Test
    void anAdaptedParameterCostsTwoLaunchesAnExcludedOne() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor[] t = onTheEmulator(1);
            assertEquals(2, launches(() -> OptimizerSteps.lars(t[0], t[1], t[2], 0.1f, 0.9f, 1e-6f, 0.001f, 0f, true)),
                    "adapted: the norms, then the update");
            assertEquals(1, launches(() -> OptimizerSteps.lars(t[0], t[1], t[2], 0.1f, 0.9f, 1e-6f, 0.001f, 0f, false)),
                    "excluded: the update alone");
        }
    }

    // ---------------------------------------------------------------- SGD

    /** One SGD case: size, seed, hyper-parameters, whether the buffer's first step. */
    record SgdCase(int n, long seed, float lr, float mu, float dampening, float wd, boolean nesterov, boolean first) {
        float[][] inputs() {
            Random r = new Random(seed);
            float[] theta = new float[n], grad = new float[n], buf = new float[n];
            for (int i = 0; i < n; i++) {
                theta[i] = (float) r.nextGaussian();
                grad[i] = (float) (0.1 * r.nextGaussian());
                buf[i] = first ? Float.NaN : (float) (0.05 * r.nextGaussian());   // the first step must not read it
            }
            return new float[][] {theta, grad, buf};
        }

        float[][] run(Device device) {
            float[][] in = inputs();
            try (TensorScope scope = TensorScope.open()) {
                Tensor theta = Tensor.of(in[0], n).to(device), grad = Tensor.of(in[1], n).to(device);
                Tensor buf = mu == 0 ? null : Tensor.of(in[2], n).to(device);
                OptimizerSteps.sgd(theta, grad, buf, lr, mu, dampening, wd, nesterov, first);
                return new float[][] {theta.toFloatArray(), buf == null ? new float[0] : buf.toFloatArray()};
            }
        }

        /** torch.optim.SGD's rule in double precision from the float inputs. */
        double[][] reference() {
            float[][] in = inputs();
            double[] theta = new double[n], buf = new double[mu == 0 ? 0 : n];
            for (int i = 0; i < n; i++) {
                double g = in[1][i] + wd * (double) in[0][i], d = g;
                if (mu != 0) {
                    buf[i] = first ? g : mu * in[2][i] + (1 - dampening) * g;
                    d = nesterov ? g + mu * buf[i] : buf[i];
                }
                theta[i] = in[0][i] - lr * d;
            }
            return new double[][] {theta, buf};
        }
    }

    static final List<SgdCase> SGD_CASES = List.of(
            new SgdCase(1, 1, 0.03f, 0.9f, 0f, 1e-4f, false, true), new SgdCase(257, 2, 0.03f, 0.9f, 0f, 1e-4f, false, false),
            new SgdCase(70_001, 3, 0.3f, 0.9f, 0f, 5e-4f, false, false), new SgdCase(1000, 4, 0.1f, 0.9f, 0.1f, 0f, false, false),
            new SgdCase(1000, 5, 0.1f, 0.9f, 0f, 1e-4f, true, false), new SgdCase(1000, 6, 0.1f, 0.9f, 0f, 1e-4f, true, true),
            new SgdCase(4099, 7, 0.5f, 0f, 0f, 1e-4f, false, false));                 // plain SGD: no buffer

    @Test
    void sgdOnTheCpuFollowsTorchsRuleInDoublePrecision() {
        for (SgdCase c : SGD_CASES) {
            float[][] got = c.run(Device.CPU);
            double[][] want = c.reference();
            assertClose(c + ": theta", want[0], got[0], 1e-7, 1e-5);
            assertClose(c + ": buf", want[1], got[1], 3e-8, 1e-5);   // buf = μ·b + g cancels: float rounding of 0.1-sized terms
        }
    }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void sgdOnEveryCudaDeviceGivesTheCpusBits(Device device) {
        for (SgdCase c : SGD_CASES) {
            float[][] cpu = c.run(Device.CPU), dev = c.run(device);
            assertArrayEquals(cpu[0], dev[0], 0f, c + ": theta on " + device);
            assertArrayEquals(cpu[1], dev[1], 0f, c + ": buf on " + device);
        }
    }

    @Test
    void anSgdStepIsOneLaunch() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor[] t = onTheEmulator(1);
            assertEquals(1, launches(() -> OptimizerSteps.sgd(t[0], t[1], t[2], 0.1f, 0.9f, 0f, 1e-4f, true, false)));
        }
    }

    @Test
    void sgdBadArgumentsAreNamed() {
        Tensor theta = Tensor.zeros(3), grad = Tensor.zeros(3), buf = Tensor.zeros(3);
        message("needs a momentum buffer", () -> OptimizerSteps.sgd(theta, grad, null, 0.1f, 0.9f, 0f, 0f, false, false));
        message("buf has shape [2]", () -> OptimizerSteps.sgd(theta, grad, Tensor.zeros(2), 0.1f, 0.9f, 0f, 0f, false, false));
        message("share storage", () -> OptimizerSteps.sgd(theta, theta, buf, 0.1f, 0.9f, 0f, 0f, false, false));
        message("nesterov", () -> OptimizerSteps.sgd(theta, grad, buf, 0.1f, 0.9f, 0.1f, 0f, true, false));
        message("dampening", () -> OptimizerSteps.sgd(theta, grad, buf, 0.1f, 0.9f, 2f, 0f, false, false));
        message("lr", () -> OptimizerSteps.sgd(theta, grad, buf, -1f, 0.9f, 0f, 0f, false, false));
    }

    // ---------------------------------------------------------------- AdamW

    /** θ, m, v after {@code steps} AdamW steps from seeded values (m and v from zero) on {@code device}. */
    static float[][] adamW(Device device, int n, double lr, double wd, int steps) {
        Random r = new Random(n);
        float[] t = new float[n];
        float[][] grads = new float[steps][n];
        for (int i = 0; i < n; i++) t[i] = (float) r.nextGaussian();
        for (float[] g : grads) for (int i = 0; i < n; i++) g[i] = (float) (0.1 * r.nextGaussian());
        try (TensorScope scope = TensorScope.open()) {
            Tensor theta = Tensor.of(t, n).to(device), m = Tensor.zeros(device, n), v = Tensor.zeros(device, n);
            for (int s = 1; s <= steps; s++) {
                Tensor grad = Tensor.of(grads[s - 1], n).to(device);
                OptimizerSteps.adamW(theta, grad, m, v, OptimizerSteps.AdamWScalars.of(lr, 0.9, 0.999, 1e-8, wd, s));
            }
            return new float[][] {theta.toFloatArray(), m.toFloatArray(), v.toFloatArray()};
        }
    }

    /** The same in double precision: torch.optim.AdamW's rule. */
    static double[][] adamWReference(int n, double lr, double wd, int steps) {
        Random r = new Random(n);
        double[] theta = new double[n], m = new double[n], v = new double[n];
        float[][] grads = new float[steps][n];
        for (int i = 0; i < n; i++) theta[i] = (float) r.nextGaussian();
        for (float[] g : grads) for (int i = 0; i < n; i++) g[i] = (float) (0.1 * r.nextGaussian());
        for (int s = 1; s <= steps; s++) {
            double bc1 = 1 - Math.pow(0.9, s), bc2 = 1 - Math.pow(0.999, s);
            for (int i = 0; i < n; i++) {
                double g = grads[s - 1][i];
                theta[i] *= 1 - lr * wd;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                theta[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + 1e-8);
            }
        }
        return new double[][] {theta, m, v};
    }

    @Test
    void adamWOnTheCpuFollowsTorchsRuleInDoublePrecision() {
        for (int n : new int[] {1, 257, 4099}) {
            for (double wd : new double[] {0, 0.05}) {
                float[][] got = adamW(Device.CPU, n, 1e-3, wd, 3);
                double[][] want = adamWReference(n, 1e-3, wd, 3);
                assertClose("adamW n " + n + " wd " + wd + ": theta", want[0], got[0], 1e-6, 1e-5);
                assertClose("adamW n " + n + " wd " + wd + ": m", want[1], got[1], 1e-8, 1e-5);
                assertClose("adamW n " + n + " wd " + wd + ": v", want[2], got[2], 1e-10, 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void adamWOnEveryCudaDeviceGivesTheCpusBits(Device device) {
        for (int n : new int[] {1, 257, 70_001}) {
            for (double wd : new double[] {0, 0.05}) {
                float[][] cpu = adamW(Device.CPU, n, 1e-3, wd, 3), dev = adamW(device, n, 1e-3, wd, 3);
                for (int k = 0; k < 3; k++) assertArrayEquals(cpu[k], dev[k], 0f, "adamW n " + n + " wd " + wd + " result " + k + " on " + device);
            }
        }
    }

    @Test
    void anAdamWStepIsOneLaunchAndItsArgumentsAreChecked() {
        OptimizerSteps.AdamWScalars k = OptimizerSteps.AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0.01, 1);
        try (TensorScope scope = TensorScope.open()) {
            Tensor[] t = onTheEmulator(2);
            assertEquals(1, launches(() -> OptimizerSteps.adamW(t[0], t[1], t[2], t[3], k)));
            message("m has shape [2]", () -> OptimizerSteps.adamW(t[0], t[1], Tensor.zeros(Devices.emulated(), 2), t[3], k));
            message("share storage", () -> OptimizerSteps.adamW(t[0], t[1], t[2], t[2], k));
        }
        message("step t", () -> OptimizerSteps.AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0.01, 0));
        message("betas", () -> OptimizerSteps.AdamWScalars.of(1e-3, 1.0, 0.999, 1e-8, 0.01, 1));
        message("lr", () -> OptimizerSteps.AdamWScalars.of(-1e-3, 0.9, 0.999, 1e-8, 0.01, 1));
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor theta = Tensor.zeros(3), grad = Tensor.zeros(3), v = Tensor.zeros(3);
        message("shape [4]", () -> OptimizerSteps.lars(theta, Tensor.zeros(4), v, 0.1f, 0.9f, 0f, 0.001f, 0f, true));
        message("v has shape [3, 1]", () -> OptimizerSteps.lars(theta, grad, Tensor.zeros(3, 1), 0.1f, 0.9f, 0f, 0.001f, 0f, true));
        message("share storage", () -> OptimizerSteps.lars(theta, grad, theta, 0.1f, 0.9f, 0f, 0.001f, 0f, true));
        message("lr", () -> OptimizerSteps.lars(theta, grad, v, -0.1f, 0.9f, 0f, 0.001f, 0f, true));
        message("lr", () -> OptimizerSteps.lars(theta, grad, v, Float.NaN, 0.9f, 0f, 0.001f, 0f, true));
        message("momentum", () -> OptimizerSteps.lars(theta, grad, v, 0.1f, 1f, 0f, 0.001f, 0f, true));
        message("weightDecay", () -> OptimizerSteps.lars(theta, grad, v, 0.1f, 0.9f, -1f, 0.001f, 0f, true));
        message("trust", () -> OptimizerSteps.lars(theta, grad, v, 0.1f, 0.9f, 0f, 0f, 0f, true));
        message("eps", () -> OptimizerSteps.lars(theta, grad, v, 0.1f, 0.9f, 0f, 0.001f, Float.POSITIVE_INFINITY, true));
        try (TensorScope scope = TensorScope.open()) {
            Tensor onEmu = Tensor.zeros(Devices.emulated(), 3);
            message("move it with .to(device)", () -> OptimizerSteps.lars(theta, grad, onEmu, 0.1f, 0.9f, 0f, 0.001f, 0f, true));
        }
    }

    private static void message(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
