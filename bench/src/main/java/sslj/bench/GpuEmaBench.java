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
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuEvent;
import sslj.kernels.ssl.MomentumKernels;

/**
 * The EMA kernel (momentum.ptx emaUpdate) on a real GPU at ResNet-18 / ResNet-50 arena sizes, against
 * the device's own copy bandwidth: a device-to-device copy of 6n bytes (6n read + 6n written = the
 * EMA's 12n bytes of traffic) in the same bench. Target (issue 5): EMA ≥ 85% of the copy's GB/s.
 *
 * <p>Each JMH invocation enqueues {@link #REPS} launches between two GPU events and synchronises; the
 * iteration teardown prints the event-timed μs per launch and GB/s = 12n bytes / time for both.
 * Run on the GPU machine: {@code java --add-modules=jdk.incubator.vector -jar benchmarks.jar GpuEmaBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class GpuEmaBench {
    static final int REPS = 20;

    @Param({"11200000", "25600000"})
    public int n;

    private JCudaRuntime gpu;
    private MomentumKernels kernels;
    private DevicePtr target, online, copySrc, copyDst;
    private double emaMs, copyMs;
    private long emaRuns, copyRuns;

    @Setup
    public void setup() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        if (!a.available()) throw new IllegalStateException("GpuEmaBench needs a CUDA GPU: " + a.reason());
        gpu = new JCudaRuntime();
        kernels = new MomentumKernels(gpu);
        target = gpu.malloc(4L * n);
        online = gpu.malloc(4L * n);
        copySrc = gpu.malloc(6L * n);
        copyDst = gpu.malloc(6L * n);
        gpu.memset32(target, Float.floatToRawIntBits(1f), n);
        gpu.memset32(online, Float.floatToRawIntBits(2f), n);
        gpu.memset32(copySrc, 0, 6L * n / 4);
        gpu.synchronize();
    }

    @Setup(Level.Iteration)
    public void reset() { emaMs = copyMs = 0; emaRuns = copyRuns = 0; }

    @TearDown(Level.Iteration)
    public void report() {
        double bytes = 12.0 * n;
        if (emaRuns > 0) {
            double ms = emaMs / emaRuns;
            System.out.printf("%n  gpu ema  n=%d: %.1f us/launch, %.0f GB/s (12n bytes)%n", n, ms * 1e3, bytes / (ms * 1e6));
        }
        if (copyRuns > 0) {
            double ms = copyMs / copyRuns;
            System.out.printf("%n  gpu copy 6n bytes (n=%d): %.1f us, %.0f GB/s (12n bytes of traffic)%n", n, ms * 1e3, bytes / (ms * 1e6));
        }
    }

    @TearDown
    public void tearDown() {
        if (gpu != null) gpu.close();
    }

    @Benchmark
    public void ema() {
        GpuEvent start = gpu.recordEvent();
        for (int i = 0; i < REPS; i++) kernels.ema(target, online, n, 0.996f);
        GpuEvent end = gpu.recordEvent();
        emaMs += gpu.elapsedMillis(start, end) / REPS;
        emaRuns++;
    }

    @Benchmark
    public void copyReference() {
        GpuEvent start = gpu.recordEvent();
        for (int i = 0; i < REPS; i++) gpu.copyDeviceToDevice(copyDst, copySrc, 6L * n);
        GpuEvent end = gpu.recordEvent();
        copyMs += gpu.elapsedMillis(start, end) / REPS;
        copyRuns++;
    }
}
