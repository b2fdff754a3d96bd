package sslj.bench;

import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;
import sslj.tensor.cpu.Gemm;

/**
 * Square SGEMM C = A·B (n×n, row-major, no transposes) through {@link Gemm#sgemm}.
 *
 * <p>The "gflop" column is the answer: an auxiliary counter that adds 2n³/1e9 per call and that JMH
 * divides by the measured time, i.e. GFLOP/s. {@code oneThread} forks the JVM with
 * -Dsslj.threads=1 (CpuParallel's pool size), {@code allThreads} with the default (every core).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int size;

    private float[] a, b, c;

    /** GFLOP done, reported by JMH as a rate: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() { gflop = 0; }
    }

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
    }

    private void gemm(Flops f) {
        Gemm.sgemm(false, false, size, size, size, a, 0, size, b, 0, size, c, 0, size);
        f.gflop += 2.0 * size * size * size / 1e9;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsslj.threads=1"})
    public void oneThread(Flops f) { gemm(f); }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
    public void allThreads(Flops f) { gemm(f); }
}
