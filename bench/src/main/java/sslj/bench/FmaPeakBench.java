package sslj.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's FloatVector FMA peak: the ceiling a GEMM is measured against.
 *
 * <p>Twelve independent accumulators are updated in registers (acc = acc·x + y), nothing is loaded
 * or stored in the loop. Why twelve: an FMA has ~4 cycles of latency and a core has two FMA pipes,
 * so at least 8 independent chains are needed to issue two FMAs every cycle; 12 leaves slack and
 * still fits the 32 vector registers. x slightly below 1 and y tiny keep the values normal (no
 * denormal slow path, no overflow). {@code gflop} (GFLOP/s) counts 2 flops per lane per FMA;
 * {@code oneCore} runs one JMH thread, {@code allCores} one per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaPeakBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 1 << 16;
    private static final double GFLOP_PER_CALL = 2.0 * 12 * S.length() * STEPS / 1e9;

    public float x = 0.9999999f, y = 1e-7f, seed = 0.5f;

    /** GFLOP done, reported by JMH as a rate: GFLOP/s (summed over threads). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() { gflop = 0; }
    }

    private float fmaLoop() {
        FloatVector vx = FloatVector.broadcast(S, x), vy = FloatVector.broadcast(S, y);
        FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(vy), a2 = a1.add(vy), a3 = a2.add(vy);
        FloatVector a4 = a3.add(vy), a5 = a4.add(vy), a6 = a5.add(vy), a7 = a6.add(vy);
        FloatVector a8 = a7.add(vy), a9 = a8.add(vy), a10 = a9.add(vy), a11 = a10.add(vy);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(vx, vy); a1 = a1.fma(vx, vy); a2 = a2.fma(vx, vy); a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy); a5 = a5.fma(vx, vy); a6 = a6.fma(vx, vy); a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy); a9 = a9.fma(vx, vy); a10 = a10.fma(vx, vy); a11 = a11.fma(vx, vy);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Benchmark
    @Threads(1)
    public float oneCore(Flops f) {
        f.gflop += GFLOP_PER_CALL;
        return fmaLoop();
    }

    @Benchmark
    @Threads(Threads.MAX)
    public float allCores(Flops f) {
        f.gflop += GFLOP_PER_CALL;
        return fmaLoop();
    }
}
