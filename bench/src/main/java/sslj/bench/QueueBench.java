package sslj.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import sslj.tensor.Generator;
import sslj.tensor.Momentum;
import sslj.tensor.Tensor;

/**
 * MoCo's enqueue on the CPU: 256 keys of D = 128 into a 65536 × 128 queue (MoCo v1/v2 on ImageNet),
 * the pointer advancing each call so the wrap-around is exercised, with and without normalising on
 * the way in. Beside it the op-by-op formulation MoCo's Python uses, queue[ptr:ptr+N] = keys (a
 * narrow + copy_, valid only while the block does not wrap: ptr stays a multiple of N).
 * Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar QueueBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class QueueBench {
    private static final int K = 65536, D = 128;

    @Param({"256"})
    public int n;

    private Tensor queue, keys;
    private int ptr, slicePtr;

    @Setup
    public void setup() {
        queue = Tensor.zeros(K, D);
        keys = Tensor.randn(new Generator(3), n, D);
        ptr = 100;                                   // not a multiple of n: the block wraps now and then
    }

    @Benchmark
    public int enqueue() {
        ptr = Momentum.enqueue(queue, keys, ptr, false);
        return ptr;
    }

    @Benchmark
    public int enqueueNormalized() {
        ptr = Momentum.enqueue(queue, keys, ptr, true);
        return ptr;
    }

    @Benchmark
    public Tensor sliceCopy() {
        Tensor r = queue.narrow(0, slicePtr, n).copy_(keys);
        slicePtr = (slicePtr + n) % K;
        return r;
    }
}
