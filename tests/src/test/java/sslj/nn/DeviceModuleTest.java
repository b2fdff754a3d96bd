package sslj.nn;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.testing.DeviceCases;
import sslj.testing.DeviceRun;
import sslj.testing.Devices;

/**
 * Every nn layer, forward and backward, on each CUDA device ({@link Devices#cuda()}: "cuda-emu" always,
 * the real GPU when present) against the CPU backend: the same module (built on the CPU from a fixed
 * seed, then {@code module.to(device)}) and the same inputs; compared are the outputs, the gradients
 * w.r.t. the input and every parameter, and the buffers (BatchNorm's running statistics after a training
 * step). The per-layer suites beside this one check the CPU against references and gradcheck.
 *
 * <p>Tolerances: float32 with reductions in a different order on the device (GEMM tiles, convolution
 * sums over C·k·k, batch statistics, softmax), so {@code |cpu − dev| ≤ atol + rtol·|cpu|} with atol
 * 1e-5 and rtol 1e-4; the normalisation layers divide by a batch standard deviation, which multiplies
 * the rounding of their inputs, and get atol 1e-4.
 */
class DeviceModuleTest {
    static final double ATOL = 1e-5, RTOL = 1e-4;

    private static final DeviceCases CASES = new DeviceCases(104729L);

    private static void add(String name, Function<DeviceRun, Map<String, Tensor>> body) { add(name, ATOL, body); }

    private static void add(String name, double atol, Function<DeviceRun, Map<String, Tensor>> body) { CASES.add(name, atol, RTOL, body); }

    /** One training-mode forward (updating the running statistics) then, in eval mode, the compared forward. */
    private static Variable evalAfterOneStep(Module m, Variable warmup, Variable x) {
        m.train(true);
        Variable.constant(m.forward(warmup).data());
        m.eval();
        return m.forward(x);
    }

    static {
        add("Linear", r -> {
            Linear l = r.module("linear", new Linear(7, 3, r.gen()));
            Linear nb = r.module("nobias", new Linear(3, 1, false, r.gen()));
            Variable x = r.randn("x", 5, 7), x3 = r.randn("x3", 2, 3, 7);
            return r.lossAndGrads(l.forward(x), nb.forward(l.forward(x3)));
        });
        add("LayerNorm", 1e-4, r -> {
            LayerNorm ln = r.module("ln", new LayerNorm(7));
            LayerNorm ln2 = r.module("ln2", new LayerNorm(new int[] {3, 7}, 1e-5f, true));
            LayerNorm plain = r.module("plain", new LayerNorm(new int[] {7}, 1e-5f, false));
            Variable x = r.randn("x", 3, 7), y = r.randn("y", 2, 3, 7);
            return r.lossAndGrads(ln.forward(x), ln2.forward(y), plain.forward(y.mul(3f).add(1f)));
        });
        add("Conv2d", r -> {
            Conv2d c = r.module("conv", new Conv2d(3, 5, 3, 2, 1, 1, true, r.gen()));
            Conv2d d = r.module("dilated", new Conv2d(3, 1, 3, 1, 0, 2, false, r.gen()));
            Conv2d one = r.module("pointwise", new Conv2d(1, 3, 1, r.gen()));
            Variable x = r.randn("x", 2, 3, 7, 7), z = r.randn("z", 1, 1, 3, 7);
            return r.lossAndGrads(c.forward(x), d.forward(x), one.forward(z));
        });
        add("BatchNorm1d train", 1e-4, r -> {
            BatchNorm1d bn = r.module("bn", new BatchNorm1d(7));
            BatchNorm1d bn3 = r.module("bn3", new BatchNorm1d(3, 1e-5f, 0.1f, false));
            Variable x = r.randn("x", 5, 7), y = r.randn("y", 2, 3, 7);
            return r.lossAndGrads(bn.forward(x.mul(2f).add(0.5f)), bn3.forward(y));
        });
        add("BatchNorm1d eval", 1e-4, r -> {
            BatchNorm1d bn = r.module("bn", new BatchNorm1d(7));
            Variable w = Variable.constant(r.on(Tensor.randn(r.gen(), 5, 7).mul(2f).add(1f)));
            return r.lossAndGrads(evalAfterOneStep(bn, w, r.randn("x", 3, 7)));
        });
        add("BatchNorm2d train", 1e-4, r -> {
            BatchNorm2d bn = r.module("bn", new BatchNorm2d(3));
            Variable x = r.randn("x", 2, 3, 5, 7);
            return r.lossAndGrads(bn.forward(x.mul(1.5f).sub(0.3f)));
        });
        add("BatchNorm2d eval", 1e-4, r -> {
            BatchNorm2d bn = r.module("bn", new BatchNorm2d(3));
            Variable w = Variable.constant(r.on(Tensor.randn(r.gen(), 2, 3, 5, 5).mul(2f).add(1f)));
            return r.lossAndGrads(evalAfterOneStep(bn, w, r.randn("x", 1, 3, 7, 3)));
        });
        add("MaxPool2d/AvgPool2d", r -> {
            Variable x = r.randn("x", 2, 3, 7, 7);
            return r.lossAndGrads(new MaxPool2d(3, 2, 1).forward(x), new MaxPool2d(2).forward(x),
                    new AvgPool2d(2).forward(x), new AvgPool2d(3, 2, 1).forward(x));
        });
        add("MLP", 1e-4, r -> {
            MLP mlp = r.module("mlp", new MLP(3, 7, 5, 3, BatchNorm1d::new, null, r.gen()));
            MLP v3 = r.module("v3", MLP.mocoV3Projection(7, 5, 3, BatchNorm1d::new, f -> new BatchNorm1d(f, 1e-5f, 0.1f, false), r.gen()));
            Variable x = r.randn("x", 4, 7);
            return r.lossAndGrads(mlp.forward(x), v3.forward(x));
        });
        add("MultiHeadAttention", r -> {
            MultiHeadAttention mha = r.module("mha", new MultiHeadAttention(6, 2, r.gen()));
            MultiHeadAttention one = r.module("one", new MultiHeadAttention(3, 1, r.gen()));
            Variable x = r.randn("x", 2, 3, 6), y = r.randn("y", 1, 7, 3);
            return r.lossAndGrads(mha.forward(x), one.forward(y));
        });
    }

    static Stream<Arguments> cases() { return CASES.arguments(); }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesTheCpu(String name, Device device) { CASES.check(name, device); }
}
