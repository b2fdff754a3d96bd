package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ReLU;
import sslj.nn.Sequential;
import sslj.nn.optim.AdamW;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.testing.Close;

/**
 * Training on the CUDA backend ("cuda-emu": the same PTX kernels, emulated; and "cuda" when a GPU is present) as the training loops do it,
 * one {@link TensorScope} per step: the state that must outlive a step (parameters, batch-norm running
 * statistics, optimiser slots made lazily on the first update) survives the step scopes, the allocator's
 * bytes in use stop growing after the first step (no leak), and the numbers follow the CPU's.
 *
 * <p>Tolerances: every op of a step is float32 on both sides, but the GPU sums in another order
 * (tiled GEMM, tree reductions), so values agree to ~1e-6 relative per op; after 5 steps of an
 * optimiser that divides by small numbers (AdamW's √v) the parameters agree within 1e-4.
 */
class CudaTrainingTest {
    private static final int STEPS = 5, BATCH = 6, IN = 5, HIDDEN = 8, CLASSES = 3;

    /** What a few steps left behind: the loss per step, the final state, and bytes in use after each step. */
    record Run(double[] losses, Map<String, float[]> state, long[] bytesInUse) { }

    /**
     * Linear (no bias: before batch norm its gradient is 0 up to rounding, which AdamW and LARS would
     * amplify into noise that differs between devices) → BN1d → ReLU → Linear.
     */
    private static Module mlp(Generator gen) {
        return new Sequential(new Linear(IN, HIDDEN, false, gen), new BatchNorm1d(HIDDEN), new ReLU(), new Linear(HIDDEN, CLASSES, gen));
    }

    /** Trains {@code STEPS} steps of the MLP on {@code dev} with the optimiser {@code makeOpt} makes, one scope per step. */
    private static Run train(Device dev, Function<List<ParamGroup>, Optimizer> makeOpt) {
        Generator gen = new Generator(7);
        Module model = mlp(gen).to(dev);
        Optimizer opt = makeOpt.apply(ParamGroup.all(model));
        Generator data = new Generator(8);
        double[] losses = new double[STEPS];
        long[] bytes = new long[STEPS];
        for (int s = 0; s < STEPS; s++) {
            Tensor x = Tensor.randn(data, BATCH, IN), y = Tensor.of(new float[] {0, 1, 2, 2, 1, 0}, BATCH);
            try (TensorScope step = TensorScope.open()) {
                Variable loss = model.forward(Variable.constant(x.to(dev))).crossEntropy(y.to(dev));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                losses[s] = loss.item();
                opt.zeroGrad();
            }
            bytes[s] = dev.backend().memoryInUse();
        }
        Map<String, float[]> state = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> state.put("model/" + k, alive(k, t).toFloatArray()));
        opt.state().forEach((k, t) -> state.put("opt/" + k, alive(k, t).toFloatArray()));
        return new Run(losses, state, bytes);
    }

    private static Tensor alive(String name, Tensor t) {
        assertFalse(t.isReleased(), name + " was released by a step scope");
        return t;
    }

    private static void trainsLikeTheCpu(Device dev, String name, Function<List<ParamGroup>, Optimizer> makeOpt, double tol) {
        Run cpu = train(Device.CPU, makeOpt);
        long before = dev.backend().memoryInUse();
        Run gpu = train(dev, makeOpt);
        Close.assertClose(name + " losses", cpu.losses(), toFloat(gpu.losses()), tol, tol);
        assertEquals(cpu.state().keySet(), gpu.state().keySet(), name + " state names");
        cpu.state().forEach((k, v) -> Close.assertClose(name + " " + k, Close.toDouble(v), gpu.state().get(k), tol, tol));
        // no growth after the first step (which made the optimiser's slots), and nothing left behind by
        // a step beyond parameters, buffers and slots
        long[] b = gpu.bytesInUse();
        for (int s = 1; s < STEPS; s++) assertEquals(b[0], b[s], name + ": bytes in use after step " + (s + 1) + " vs step 1");
        assertTrue(b[0] > before, name + ": the model and the optimiser's state are on the device");
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    static List<Device> devices() { return GpuDevices.all(); }

    @ParameterizedTest
    @MethodSource("devices")
    void sgdWithMomentum(Device dev) {
        trainsLikeTheCpu(dev, "SGD", g -> new SGD(g, 0.1, 0.9, 1e-4), 1e-5);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void adamW(Device dev) {
        trainsLikeTheCpu(dev, "AdamW", g -> new AdamW(g, 0.01), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void lars(Device dev) {
        trainsLikeTheCpu(dev, "LARS", g -> new LARS(g, 0.5, 1e-6), 1e-5);
    }

    /** The slot made by the first update, inside a step scope, is still alive (and used) in the later steps. */
    @Test
    void optimiserSlotsOutliveTheScopeOfTheirFirstUpdate() {
        Device dev = GpuDevices.emulated();
        Variable w = Variable.param(Tensor.of(new float[] {1, 2, 3}, 3).to(dev));
        SGD opt = new SGD(List.of(ParamGroup.of(w)), 0.5, 0.9, 0);
        for (int s = 0; s < 3; s++) {
            try (TensorScope step = TensorScope.open()) {
                w.mul(w).sum().backward();
                opt.step();
                opt.zeroGrad();
            }
        }
        Tensor buf = opt.state().get("state/0.0/momentum_buffer");
        assertFalse(buf.isReleased());
        assertFalse(w.data().isReleased());
    }
}
