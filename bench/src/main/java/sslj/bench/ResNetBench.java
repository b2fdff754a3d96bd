package sslj.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import sslj.autograd.Variable;
import sslj.nn.ResNet;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * One training step's compute of the Fashion-MNIST encoder on the CPU: ResNet-18, small-image stem
 * (or its stride-2 variant), width 16 (feature 128), a batch of 32 one-channel 28×28 images; forward, a scalar loss (Σ feature²),
 * backward. Time per step; no optimiser update (the parameters' gradients are dropped each step).
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar ResNetBench
 * -f 1 -wi 2 -i 5}; or without JMH, for a quick figure:
 * {@code java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar sslj.bench.ResNetBench [steps [width [batch [stem]]]]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class ResNetBench {
    @Param({"16"})
    public int width;

    @Param({"32"})
    public int batch;

    /** The stem: SMALL (3×3 stride 1) or SMALL_STRIDE2 (the CPU runs' stem, feature maps at half the side). */
    @Param({"SMALL"})
    public String stem;

    private ResNet net;
    private Tensor images;

    @Setup
    public void setup() {
        Generator gen = new Generator(1);
        net = ResNet.resnet18(1, width, ResNet.Stem.valueOf(stem), gen);
        images = Tensor.randn(gen, batch, 1, 28, 28);
    }

    /** Forward only, in training mode (batch statistics), as the key encoder of MoCo runs. */
    @Benchmark
    public Tensor forward() {
        return net.forward(Variable.constant(images)).data();
    }

    /** Forward + backward: the encoder's share of one SSL training step. */
    @Benchmark
    public Tensor forwardBackward() {
        Variable feature = net.forward(Variable.constant(images));
        feature.square().sum().backward();
        Tensor g = net.parameters().get(0).grad();
        net.zeroGrad();
        return g;
    }

    /** A quick measurement without JMH: {@code [steps [width [batch [stem]]]]} timed steps after 3 warm-up steps. */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ResNetBench b = new ResNetBench();
        b.width = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        b.batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        b.stem = args.length > 3 ? args[3] : "SMALL";
        b.setup();
        for (int i = 0; i < 3; i++) b.forwardBackward();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) b.forward();
        long t1 = System.nanoTime();
        for (int i = 0; i < steps; i++) b.forwardBackward();
        long t2 = System.nanoTime();
        System.out.printf("ResNet-18 width %d stem %s, batch %d of 1x28x28: forward %.1f ms, forward+backward %.1f ms per step (%d steps, %d threads)%n",
                b.width, b.stem, b.batch, (t1 - t0) / 1e6 / steps, (t2 - t1) / 1e6 / steps, steps, Runtime.getRuntime().availableProcessors());
    }
}
