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
import org.openjdk.jmh.annotations.Warmup;
import sslj.tensor.Generator;
import sslj.tensor.NtXent;
import sslj.tensor.Tensor;
import sslj.tensor.cpu.CpuNtXent;

/**
 * NT-Xent forward + backward on the CPU at (2N, D): the fused op (tiled, online log-sum-exp, never the
 * 2N×2N matrix) against the materialised formulation a framework runs (S = z zᵀ/τ, mask the diagonal,
 * log-softmax, pick the positives; backward through softmax and two matmuls), built from this
 * engine's own tensor ops. Besides the time, setup prints one line with the bytes of the largest
 * temporaries each version needs (fused: packed copies of z and per-thread tiles, O(N·D); materialised:
 * the 2N×2N logits, log-probabilities, probabilities and their gradient, O(N²)).
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar NtXentBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
public class NtXentBench {
    @Param({"512", "2048", "4096"})
    public int rows;

    @Param({"128"})
    public int dim;

    private static final float TAU = 0.1f;
    private Tensor z;
    private Tensor diagMask;
    private Tensor posIndex;

    @Setup(Level.Trial)
    public void setup() {
        z = Tensor.randn(new Generator(42), rows, dim).l2Normalize(1);
        float[] mask = new float[rows * rows];
        for (int i = 0; i < rows; i++) mask[i * rows + i] = Float.NEGATIVE_INFINITY;
        diagMask = Tensor.of(mask, rows, rows);
        float[] pos = new float[rows];
        for (int i = 0; i < rows; i++) pos[i] = (i + rows / 2) % rows;
        posIndex = Tensor.of(pos, rows, 1);
        System.out.printf("%n[NtXentBench] 2N=%d D=%d: fused temporaries %.2f MiB, materialised %.2f MiB (ratio %.1fx)%n",
                rows, dim, fusedBytes() / 1048576.0, materialisedBytes() / 1048576.0, (double) materialisedBytes() / fusedBytes());
    }

    private long fusedBytes() { return CpuNtXent.workspaceBytes(rows, dim) + 4L * rows; }

    /** S, S masked, log-softmax, softmax / its gradient: four 2N×2N float arrays live at the peak. */
    private long materialisedBytes() { return 4L * 4 * rows * rows; }

    @Benchmark
    public float fused() {
        Tensor[] f = NtXent.forward(z, TAU);
        Tensor g = NtXent.backward(z, f[1], TAU, 1f);
        return f[0].item() + g.get(0, 0);
    }

    @Benchmark
    public float materialised() {
        // forward: logits with -inf on the diagonal, log-softmax, mean of −logp at the positives
        Tensor s = z.matmul(z.t()).mul(1f / TAU).add(diagMask);
        Tensor logp = s.logSoftmax(1);
        float loss = -logp.gather(1, posIndex).mean().item();
        // backward: dS = (softmax − onehot(pos)) / 2N, dz = (dS + dSᵀ) z / τ
        Tensor p = logp.exp();
        Tensor onehot = Tensor.zeros(rows, rows).scatterAdd(1, posIndex, Tensor.ones(rows, 1));
        Tensor ds = p.sub(onehot).mul(1f / rows);
        Tensor g = ds.add(ds.t()).matmul(z).mul(1f / TAU);
        return loss + g.get(0, 0);
    }
}
