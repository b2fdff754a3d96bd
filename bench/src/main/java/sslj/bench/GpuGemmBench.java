package sslj.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import sslj.kernels.ops.GemmKernels;
import sslj.kernels.ops.GemmKernels.Operand;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuEvent;

/**
 * Square SGEMM C = A·B on the real GPU with our PTX kernels (gemm.ptx), n = 1024, 2048, 4096.
 * Needs a GPU: without one, setup throws an {@link IllegalStateException} saying why.
 *
 * <p>Each call enqueues {@link #REPS} GEMMs between two GPU events and waits for the second, so
 * the GPU time is measured by the device itself ({@code cuEventElapsedTime}), not by the host clock.
 * Results: the counter {@code gflop} is the work as a wall-clock rate (GFLOP/s, including launch
 * overhead and the host wait); the GFLOP/s by GPU events, the number to report, is printed at the
 * end of each iteration and of the trial ("GPU events: ... GFLOP/s"). (A JMH EVENTS counter cannot
 * carry a ratio: JMH sums such counters over the iterations.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GpuGemmBench {
    private static final int REPS = 5;

    @Param({"1024", "2048", "4096"})
    public int n;

    @Param({"TILED"})
    public String variant;

    private JCudaRuntime gpu;
    private GemmKernels gemm;
    private DevicePtr a, b, c;
    private GemmKernels.Variant kind;
    /** Work and GPU-event time of the current iteration and of the whole trial. */
    private double iterFlop, iterSeconds, trialFlop, trialSeconds;

    /** GFLOP done, reported by JMH as a wall-clock rate: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() { gflop = 0; }
    }

    @Setup
    public void setUp() {
        JCudaRuntime.Availability probe = JCudaRuntime.probe();
        if (!probe.available()) throw new IllegalStateException("GpuGemmBench needs a real GPU: " + probe.reason());
        gpu = new JCudaRuntime();
        gemm = new GemmKernels(gpu);
        kind = GemmKernels.Variant.valueOf(variant);
        long floats = (long) n * n;
        a = gpu.malloc(4 * floats);
        b = gpu.malloc(4 * floats);
        c = gpu.malloc(4 * floats);
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) row[j] = ((i * 31 + j * 17) % 13 - 6) / 8f;
            gpu.copyToDevice(a.offset(4L * i * n), row, 0, n);
            gpu.copyToDevice(b.offset(4L * i * n), row, 0, n);
        }
        gpu.synchronize();
    }

    @TearDown(Level.Iteration)
    public void reportIteration() {
        if (iterSeconds > 0) System.out.printf("GPU events: %.0f GFLOP/s%n", iterFlop / iterSeconds / 1e9);
        trialFlop += iterFlop;
        trialSeconds += iterSeconds;
        iterFlop = 0;
        iterSeconds = 0;
    }

    @TearDown
    public void tearDown() {
        if (trialSeconds > 0) {
            System.out.printf("GpuGemmBench n=%d %s: GPU events: %.0f GFLOP/s (warm-up included)%n", n, variant, trialFlop / trialSeconds / 1e9);
        }
        if (gpu == null) return;
        gpu.free(a);
        gpu.free(b);
        gpu.free(c);
        gpu.close();
    }

    @Benchmark
    public void sgemm(Work work) {
        try (GpuEvent start = gpu.recordEvent()) {
            for (int r = 0; r < REPS; r++) {
                gemm.sgemm(kind, 1, n, n, n, Operand.of(a, n), Operand.of(b, n), c, n, 0);
            }
            try (GpuEvent end = gpu.recordEvent()) {
                double seconds = gpu.elapsedMillis(start, end) / 1e3;
                double flop = 2.0 * n * n * n * REPS;
                iterFlop += flop;
                iterSeconds += seconds;
                work.gflop += flop / 1e9;
            }
        }
    }
}
