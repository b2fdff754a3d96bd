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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import sslj.tensor.Tensor;

/**
 * Elementwise add of two 16M-float tensors, a memory-bound op: each element reads 8 bytes and
 * writes 4, so {@code gbytes} counts 3·4·16M bytes per call and JMH reports it as GB/s.
 *
 * <p>{@code tensorAdd} is what a user gets (a.add(b): a new 64 MB output each call, the contiguous
 * fast path, both cores); {@code plainLoopInto} is one thread of {@code y[i] = a[i] + b[i]} into a
 * preallocated array, the baseline for what a single core's memory bandwidth allows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx4g"})
public class ElementwiseBench {
    private static final int N = 16 << 20;
    private static final double GB_PER_CALL = 3.0 * 4 * N / 1e9;

    private Tensor a, b;
    private float[] fa, fb, fy;

    /** Bytes moved, reported by JMH as a rate: GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbytes;

        @Setup(Level.Iteration)
        public void reset() { gbytes = 0; }
    }

    @Setup
    public void setUp() {
        fa = new float[N];
        fb = new float[N];
        fy = new float[N];
        for (int i = 0; i < N; i++) {
            fa[i] = i * 0.5f;
            fb[i] = 1f - i;
        }
        a = Tensor.of(fa, N);
        b = Tensor.of(fb, N);
    }

    @Benchmark
    public Tensor tensorAdd(Bytes bytes) {
        bytes.gbytes += GB_PER_CALL;
        return a.add(b);
    }

    @Benchmark
    public float[] plainLoopInto(Bytes bytes) {
        bytes.gbytes += GB_PER_CALL;
        for (int i = 0; i < N; i++) fy[i] = fa[i] + fb[i];
        return fy;
    }
}
