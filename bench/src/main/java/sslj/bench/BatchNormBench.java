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
import sslj.tensor.BatchNormOps;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * One batch-norm layer's training work on the CPU — statistics, apply, backward — fused
 * ({@link BatchNormOps}, CpuBatchNorm) against the same maths composed of generic tensor ops
 * ({@code BatchNormOps.composed*}, what the autograd Function did before). Shapes: the first stage of
 * the Fashion-MNIST ResNet-18 at width 8 ([256, 8, 28, 28], two views of a 128 batch) and a late one
 * ([256, 64, 4, 4]).
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar BatchNormBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchNormBench {
    @Param({"256,8,28,28", "256,64,4,4"})
    public String shape;

    private Tensor x, g, gamma, beta;

    @Setup
    public void setup() {
        String[] p = shape.split(",");
        int[] s = new int[p.length];
        for (int i = 0; i < p.length; i++) s[i] = Integer.parseInt(p[i].trim());
        Generator gen = new Generator(1);
        x = Tensor.randn(gen, s);
        g = Tensor.randn(gen, s);
        gamma = Tensor.randn(gen, s[1]);
        beta = Tensor.randn(gen, s[1]);
    }

    @Benchmark
    public Tensor fused() {
        Tensor[] st = BatchNormOps.stats(x);
        Tensor invstd = st[1].add(1e-5f).rsqrt();
        Tensor y = BatchNormOps.apply(x, st[0], invstd, gamma, beta);
        Tensor[] d = BatchNormOps.backward(g, x, st[0], invstd, gamma, true);
        return d[0].numel() > 0 ? y : d[0];
    }

    @Benchmark
    public Tensor composed() {
        Tensor[] st = BatchNormOps.composedStats(x);
        Tensor invstd = st[1].add(1e-5f).rsqrt();
        Tensor y = BatchNormOps.composedApply(x, st[0], invstd, gamma, beta);
        Tensor[] d = BatchNormOps.composedBackward(g, x, st[0], invstd, gamma, true);
        return d[0].numel() > 0 ? y : d[0];
    }
}
