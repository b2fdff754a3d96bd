package sslj.bench;

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
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.runtime.GpuEvent;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.tensor.Window2d;

/**
 * Conv2d forward + backward-data + backward-filter on the real GPU for the 3×3 layers of a CIFAR-stem
 * ResNet-18 at batch 256 ([256, C, S, S] → C, stride 1, padding 1), cuDNN against our im2col + GEMM
 * path (param {@code path}). Needs a GPU (and cuDNN for path=cudnn): otherwise setup throws an
 * {@link IllegalStateException} saying why.
 *
 * <p>Each call enqueues the three ops between two GPU events and waits for the second; the time to
 * report is the GPU-event time, printed per iteration ("[GpuConvBench] layer ... cudnn fwd+bwd X ms")
 * and for the trial. The JMH score (ms/op, wall clock) includes the host wait.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GpuConvBench {
    /** Channels x spatial size of the layer: [256, C, S, S] * [C, C, 3, 3]. */
    @Param({"64x32", "128x16", "256x8", "512x4"})
    public String layer;

    @Param({"cudnn", "im2col"})
    public String path;

    @Param({"256"})
    public int batch;

    private CudaBackend backend;
    private Tensor x, w, dy;
    private final Window2d win = Window2d.square(3, 1, 1, 1);
    private double iterMs, trialMs;
    private int iterCalls, trialCalls;

    @Setup
    public void setUp() {
        JCudaRuntime.Availability probe = JCudaRuntime.probe();
        if (!probe.available()) throw new IllegalStateException("GpuConvBench needs a real GPU: " + probe.reason());
        Device dev = Device.cuda();
        backend = (CudaBackend) dev.backend();
        backend.setCudnnEnabled("cudnn".equals(path));
        if (!path.equals(backend.convPath())) {
            throw new IllegalStateException("GpuConvBench path=" + path + " but the backend's convolutions take " + backend.convPath()
                    + " (see the [sslj] line above for why)");
        }
        String[] cs = layer.split("x");
        int c = Integer.parseInt(cs[0]), s = Integer.parseInt(cs[1]);
        Generator gen = new Generator(1);
        x = Tensor.randn(gen, batch, c, s, s).to(dev);
        w = Tensor.randn(gen, c, c, 3, 3).mul((float) (1 / Math.sqrt(9.0 * c))).to(dev);
        dy = Tensor.randn(gen, batch, c, s, s).to(dev);
        backend.synchronize();
    }

    @Benchmark
    public void forwardBackward() {
        try (TensorScope scope = TensorScope.open(); GpuEvent start = backend.runtime().recordEvent()) {
            x.conv2d(w, win);
            dy.conv2dBackwardData(w, win, x.size(2), x.size(3));
            x.conv2dBackwardFilter(dy, win);
            try (GpuEvent end = backend.runtime().recordEvent()) {
                iterMs += backend.runtime().elapsedMillis(start, end);
                iterCalls++;
            }
        }
    }

    @TearDown(Level.Iteration)
    public void reportIteration() {
        if (iterCalls > 0) {
            System.out.printf("[GpuConvBench] layer [%d, %s] 3x3 %s fwd+bwd %.3f ms (GPU events, mean of %d)%n", batch, layer, path, iterMs / iterCalls, iterCalls);
        }
        trialMs += iterMs;
        trialCalls += iterCalls;
        iterMs = 0;
        iterCalls = 0;
    }

    @TearDown
    public void tearDown() {
        if (trialCalls > 0) {
            System.out.printf("[GpuConvBench] layer [%d, %s] 3x3 %s fwd+bwd %.3f ms per call (GPU events, warm-up included)%n",
                    batch, layer, path, trialMs / trialCalls);
        }
        if (backend != null && "cudnn".equals(path)) System.out.print("[GpuConvBench] cuDNN algorithms:\n" + backend.convAlgorithms());
        if (x != null) { x.release(); w.release(); dy.release(); }
        if (backend != null) backend.setCudnnEnabled(!"false".equalsIgnoreCase(System.getProperty("sslj.cudnn", "true")));
    }
}
