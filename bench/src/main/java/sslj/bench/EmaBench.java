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
import sslj.tensor.Generator;
import sslj.tensor.Momentum;
import sslj.tensor.Tensor;

/**
 * The EMA θ_t ← m θ_t + (1 − m) θ_o over a whole parameter arena on the CPU, at ResNet-18 (11.2M) and
 * ResNet-50 (25.6M) sizes. Target (issue 5): 11.2M floats in ≤ 2.0 ms on the 2-core machine.
 * Bandwidth = 3 · 4 · n bytes / time (read target, read online, write target); each iteration's
 * teardown prints it. Beside the fused op:
 * <ul>
 *   <li>{@code unfused}: the op-by-op tensor formulation target.copy_(target·m + online·(1 − m)), three
 *       temporaries of n floats (12n bytes allocated per call, 32n bytes moved);</li>
 *   <li>{@code copyReference}: System.arraycopy of 1.5n floats (12n bytes moved, as the EMA), the
 *       single-threaded copy bandwidth of this machine as a yardstick.</li>
 * </ul>
 * Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar EmaBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmaBench {
    @Param({"11200000", "25600000"})
    public int n;

    private Tensor target, online;
    private float[] copySrc, copyDst;
    private long nanos, calls;

    @Setup
    public void setup() {
        target = Tensor.randn(new Generator(1), n);
        online = Tensor.randn(new Generator(2), n);
        copySrc = new float[n + n / 2];
        copyDst = new float[n + n / 2];
    }

    @Setup(Level.Iteration)
    public void reset() { nanos = 0; calls = 0; }

    @TearDown(Level.Iteration)
    public void report() {
        if (calls > 0) {
            double ms = nanos / 1e6 / calls;
            System.out.printf("%n  ema n=%d: %.3f ms/call, %.1f GB/s (12n bytes)%n", n, ms, 12.0 * n / (ms * 1e6));
        }
    }

    @Benchmark
    public Tensor fused() {
        long t0 = System.nanoTime();
        Momentum.ema(target, online, 0.996f);
        nanos += System.nanoTime() - t0;
        calls++;
        return target;
    }

    @Benchmark
    public Tensor unfused() {
        return target.copy_(target.mul(0.996f).add(online.mul(1f - 0.996f)));
    }

    @Benchmark
    public float[] copyReference() {
        System.arraycopy(copySrc, 0, copyDst, 0, copySrc.length);
        return copyDst;
    }
}
