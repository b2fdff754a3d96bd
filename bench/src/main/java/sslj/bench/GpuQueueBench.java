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
 * The queue enqueue kernel (momentum.ptx queueEnqueue) on a real GPU: 256 × 128 keys into a
 * 65536 × 128 queue, plain and normalised on the way in, the pointer advancing (and wrapping) every
 * launch; plus the InstDisc memory-bank update of 256 rows of 128 in a 1.28M-row bank. Event-timed
 * μs per launch printed per iteration, averaged over {@link #REPS} launches.
 * Run on the GPU machine: {@code java --add-modules=jdk.incubator.vector -jar benchmarks.jar GpuQueueBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class GpuQueueBench {
    static final int K = 65536, D = 128, REPS = 50, BANK = 1_281_167;

    @Param({"256"})
    public int n;

    private JCudaRuntime gpu;
    private MomentumKernels kernels;
    private DevicePtr queue, keys, bank, idx;
    private int ptr = 100;
    private double ms;
    private long runs;
    private String what = "";

    @Setup
    public void setup() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        if (!a.available()) throw new IllegalStateException("GpuQueueBench needs a CUDA GPU: " + a.reason());
        gpu = new JCudaRuntime();
        kernels = new MomentumKernels(gpu);
        queue = gpu.malloc(4L * K * D);
        keys = gpu.malloc(4L * n * D);
        bank = gpu.malloc(4L * BANK * D);
        idx = gpu.malloc(4L * n);
        gpu.memset32(queue, 0, (long) K * D);
        gpu.memset32(keys, Float.floatToRawIntBits(0.5f), (long) n * D);
        gpu.memset32(bank, Float.floatToRawIntBits(0.1f), (long) BANK * D);
        float[] ix = new float[n];
        for (int i = 0; i < n; i++) ix[i] = (float) ((i * 4999L) % BANK);
        gpu.copyToDevice(idx, ix, 0, n);
        gpu.synchronize();
    }

    @Setup(Level.Iteration)
    public void reset() { ms = 0; runs = 0; }

    @TearDown(Level.Iteration)
    public void report() {
        if (runs > 0) System.out.printf("%n  gpu %s n=%d D=%d: %.2f us/launch (events)%n", what, n, D, ms / runs * 1e3);
    }

    @TearDown
    public void tearDown() {
        if (gpu != null) gpu.close();
    }

    private void timed(String name, Runnable launch) {
        what = name;
        GpuEvent start = gpu.recordEvent();
        for (int i = 0; i < REPS; i++) launch.run();
        GpuEvent end = gpu.recordEvent();
        ms += gpu.elapsedMillis(start, end) / REPS;
        runs++;
    }

    @Benchmark
    public void enqueue() { timed("enqueue", () -> ptr = kernels.enqueue(queue, K, D, keys, n, ptr, false)); }

    @Benchmark
    public void enqueueNormalized() { timed("enqueue+normalise", () -> ptr = kernels.enqueue(queue, K, D, keys, n, ptr, true)); }

    @Benchmark
    public void memoryBankUpdate() { timed("memory bank update", () -> kernels.memoryBankUpdate(bank, BANK, D, idx, keys, n, 0.5f, false)); }
}
