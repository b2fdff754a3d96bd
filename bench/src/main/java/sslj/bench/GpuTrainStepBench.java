package sslj.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sslj.autograd.Variable;
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.nn.BatchNorm1d;
import sslj.nn.MLP;
import sslj.nn.ResNet;
import sslj.nn.contrastive.NtXentLoss;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * One SimCLR-shaped training step on the real GPU ("cuda"): two views of 64 one-channel 28×28 images →
 * ResNet-18 (width 16, small-image stem, feature 128) → SimCLR projection MLP (128 → 128 → 64, BN) →
 * NtXentLoss (τ = 0.5) → backward → SGD step; the step ends with a synchronize, so the time is the whole
 * step. Param {@code path}: convolutions on cuDNN or on im2col + GEMM. Needs a GPU: otherwise setup
 * throws an {@link IllegalStateException} saying why. Prints "[GpuTrainStepBench] ... X ms per step"
 * per iteration (wall clock of synchronised steps, the JMH score too).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GpuTrainStepBench {
    @Param({"cudnn", "im2col"})
    public String path;

    @Param({"64"})
    public int batch;

    private CudaBackend backend;
    private ResNet encoder;
    private MLP head;
    private NtXentLoss loss;
    private SGD opt;
    private Tensor view1, view2;
    private long iterNanos;
    private int iterSteps;

    @Setup
    public void setUp() {
        JCudaRuntime.Availability probe = JCudaRuntime.probe();
        if (!probe.available()) throw new IllegalStateException("GpuTrainStepBench needs a real GPU: " + probe.reason());
        Device dev = Device.cuda();
        backend = (CudaBackend) dev.backend();
        backend.setCudnnEnabled("cudnn".equals(path));
        if (!path.equals(backend.convPath())) {
            throw new IllegalStateException("GpuTrainStepBench path=" + path + " but the backend's convolutions take " + backend.convPath());
        }
        Generator gen = new Generator(1);
        encoder = ResNet.resnet18(1, 16, true, gen);
        head = MLP.simclrProjection(encoder.featureDim(), 128, 64, BatchNorm1d::new, gen);
        encoder.to(dev);
        head.to(dev);
        encoder.train(true);
        head.train(true);
        List<Variable> params = new ArrayList<>(encoder.parameters());
        params.addAll(head.parameters());
        opt = new SGD(List.of(ParamGroup.of(params)), 0.05);
        loss = new NtXentLoss(0.5f);
        view1 = Tensor.randn(gen, batch, 1, 28, 28).to(dev);
        view2 = Tensor.randn(gen, batch, 1, 28, 28).to(dev);
        backend.synchronize();
    }

    @Benchmark
    public double step() {
        long t0 = System.nanoTime();
        double l;
        try (TensorScope scope = TensorScope.open()) {
            Variable z1 = head.forward(encoder.forward(Variable.constant(view1)));
            Variable z2 = head.forward(encoder.forward(Variable.constant(view2)));
            Variable value = loss.forward(z1, z2);
            l = value.item();               // as the trainer does: the loss is read every step
            opt.zeroGrad();
            value.backward();
            opt.step();
            opt.zeroGrad();                 // the gradients belong to this step's scope
            backend.synchronize();
        }
        iterNanos += System.nanoTime() - t0;
        iterSteps++;
        return l;
    }

    @TearDown(Level.Iteration)
    public void reportIteration() {
        if (iterSteps > 0) {
            System.out.printf("[GpuTrainStepBench] SimCLR step, ResNet-18 w16, 2x%d views 1x28x28, convs on %s, batch norm on %s: %.2f ms per step (%d steps; %s)%n",
                    batch, path, backend.batchNormPath(), iterNanos / 1e6 / iterSteps, iterSteps, backend.memoryStats());
        }
        iterNanos = 0;
        iterSteps = 0;
    }

    @TearDown
    public void tearDown() {
        if (backend != null && "cudnn".equals(path)) System.out.print("[GpuTrainStepBench] cuDNN algorithms:\n" + backend.convAlgorithms());
        if (backend != null) backend.setCudnnEnabled(!"false".equalsIgnoreCase(System.getProperty("sslj.cudnn", "true")));
    }
}
