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
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.ssl.InfoNceKernels;

/**
 * The InfoNCE PTX kernels on a real GPU, forward + backward, synchronised after each op (fp32):
 * MoCo's queue form at N = 256, D = 128, K ∈ {4096, 65536}, and the symmetric in-batch form (CLIP) at
 * N ∈ {256, 1024, 4096}, D = 128. Compare with bench/gpu/torch_info_nce.py (same sizes, CUDA events).
 *
 * <p>Run on the GPU machine: {@code java --add-modules=jdk.incubator.vector -jar benchmarks.jar GpuInfoNceBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GpuInfoNceBench {
    static final int D = 128;

    /** Opens the GPU or explains why it cannot. */
    static GpuRuntime open() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        if (!a.available()) throw new IllegalStateException("GpuInfoNceBench needs a CUDA GPU: " + a.reason());
        return new JCudaRuntime();
    }

    static DevicePtr random(GpuRuntime rt, int rows, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[rows * D];
        for (int i = 0; i < rows; i++) {
            double ss = 0;
            for (int p = 0; p < D; p++) { x[i * D + p] = (float) r.nextGaussian(); ss += x[i * D + p] * x[i * D + p]; }
            for (int p = 0; p < D; p++) x[i * D + p] /= (float) Math.sqrt(ss);
        }
        DevicePtr ptr = rt.malloc(4L * x.length);
        rt.copyToDevice(ptr, x, 0, x.length);
        return ptr;
    }

    /** JMH state for the MoCo v1/v2 queue variant: N = 256 queries against a queue of k keys. */
    @State(Scope.Benchmark)
    public static class Queue {
        @Param({"4096", "65536"})
        public int k;
        static final int N = 256;
        GpuRuntime rt;
        InfoNceKernels kernels;
        DevicePtr q, key, queue, lse, loss, work, dq;

        @Setup(Level.Trial)
        public void setup() {
            rt = open();
            kernels = new InfoNceKernels(rt);
            q = random(rt, N, 1);
            key = random(rt, N, 2);
            queue = random(rt, k, 3);
            lse = rt.malloc(4L * N);
            loss = rt.malloc(4);
            work = rt.malloc(4L * InfoNceKernels.workspaceFloats(N, k, D));
            dq = rt.malloc(4L * N * D);
        }

        @TearDown(Level.Trial)
        public void close() { rt.close(); }
    }

    /** JMH state for the symmetric in-batch variant (MoCo v3, CLIP): n queries against n keys. */
    @State(Scope.Benchmark)
    public static class InBatch {
        @Param({"256", "1024", "4096"})
        public int n;
        GpuRuntime rt;
        InfoNceKernels kernels;
        DevicePtr q, key, lseRow, lseCol, loss, work, dq, dk, ds;

        @Setup(Level.Trial)
        public void setup() {
            rt = open();
            kernels = new InfoNceKernels(rt);
            q = random(rt, n, 4);
            key = random(rt, n, 5);
            lseRow = rt.malloc(4L * n);
            lseCol = rt.malloc(4L * n);
            loss = rt.malloc(4);
            work = rt.malloc(4L * InfoNceKernels.workspaceFloats(n, n, D));
            dq = rt.malloc(4L * n * D);
            dk = rt.malloc(4L * n * D);
            ds = rt.malloc(4);
        }

        @TearDown(Level.Trial)
        public void close() { rt.close(); }
    }

    @Benchmark
    public void queueFwdBwd(Queue s) {
        s.kernels.queueForward(s.q, s.key, s.queue, Queue.N, s.k, D, 0.07f, s.lse, s.loss, s.work);
        s.kernels.queueBackward(s.q, s.key, s.queue, s.lse, Queue.N, s.k, D, 0.07f, 1f, s.dq, s.work);
        s.rt.synchronize();
    }

    @Benchmark
    public void inBatchSymmetricFwdBwd(InBatch s) {
        s.kernels.inBatchForward(s.q, s.key, s.n, D, 1f / 0.07f, true, s.lseRow, s.lseCol, s.loss, s.work);
        s.kernels.inBatchBackward(s.q, s.key, s.lseRow, s.lseCol, s.n, D, 1f / 0.07f, true, 1f, s.dq, s.dk, s.ds, s.work);
        s.rt.synchronize();
    }
}
