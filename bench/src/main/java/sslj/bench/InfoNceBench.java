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
import sslj.tensor.InfoNce;
import sslj.tensor.Tensor;

/**
 * MoCo's queue InfoNCE on the CPU, forward + backward (dq), N = 256, D = 128, K ∈ {4096, 65536}:
 * the fused tiled op ({@link InfoNce}) against the materialised formulation with ordinary tensor ops
 * (l_pos = Σ q⊙k, l_neg = q queueᵀ, cat, log-softmax; backward softmax − onehot, then a GEMM), which
 * stores the N×(K+1) logits and their softmax (2·N·(K+1)·4 bytes live at once: 134 MB at K = 65536),
 * where the fused op holds N floats of LSE, at most 8 partial N×D gradients and one 256-key tile per
 * thread. Run with {@code -prof gc}: gc.alloc.rate.norm is the bytes each path allocates per op.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar InfoNceBench -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InfoNceBench {
    @Param({"4096", "65536"})
    public int k;

    public static final int N = 256, D = 128;
    public static final float TAU = 0.07f;

    private Tensor q, key, queue;

    @Setup
    public void setup() {
        Generator g = new Generator(42);
        q = Tensor.randn(g, N, D).l2Normalize(1);
        key = Tensor.randn(g, N, D).l2Normalize(1);
        queue = Tensor.randn(g, k, D).l2Normalize(1);
    }

    @Benchmark
    public Tensor fused() {
        Tensor[] f = InfoNce.queueForward(q, key, queue, TAU);
        return InfoNce.queueBackward(q, key, queue, f[1], TAU, 1f);
    }

    @Benchmark
    public Tensor materialised() {
        Tensor pos = q.mul(key).sum(new int[] {1}, true);              // [N, 1]
        Tensor neg = q.matmul(queue.t());                               // [N, K]
        Tensor logits = Tensor.cat(1, pos, neg).div(TAU);               // [N, K+1]
        Tensor logp = logits.logSoftmax(1);
        Tensor loss = logp.narrow(1, 0, 1).mean().neg();
        // backward: dlogits = (softmax − onehot(0)) / N, dq = dlogits[:, 0] k + dlogits[:, 1:] queue, times 1/τ
        Tensor p = logp.exp();
        Tensor dpos = p.narrow(1, 0, 1).sub(1f);
        Tensor dq = dpos.mul(key).add(p.narrow(1, 1, k).matmul(queue)).mul(1f / (N * TAU));
        return loss.add(dq.sum());
    }
}
