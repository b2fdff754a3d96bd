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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.backend.CudaStorage;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * The CUDA backend's memory-bound kernels on the real GPU (no GPU: setup fails with the probe's
 * reason). Each call synchronises, so a rate is the GPU's, and each runs in a {@link TensorScope}, so
 * the result's block goes back to the caching allocator and the next call reuses it.
 *
 * <ul>
 *   <li>{@code add}: a.add(b) over 16M floats (elementwise.ptx, flat path): 12 bytes per element
 *       (two reads, one write);</li>
 *   <li>{@code deviceCopy}: cuMemcpyDtoD of a's 64 MB, 8 bytes per element (read + write): the
 *       reference bandwidth the add is judged against (issue 7 target: add ≥ 80% of it);</li>
 *   <li>{@code softmaxRows}: softmax over the last dim of [4096, 1024] (reduce.ptx): counted as the
 *       compulsory 8 bytes per element (one read, one write; the kernel reads each row three times,
 *       mostly from L2).</li>
 * </ul>
 * {@code gbytes} is reported by JMH as a rate: GB/s.
 *
 * <p>Run on a GPU machine: {@code java -jar bench/target/benchmarks.jar GpuElementwiseBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
public class GpuElementwiseBench {
    private static final int N = 16 << 20;
    private static final int ROWS = 4096, COLS = 1024;

    private CudaBackend backend;
    private Tensor a, b, copyDst, logits;

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
        Device gpu = Device.cuda(); // a clear IllegalStateException with the reason when there is no GPU
        backend = (CudaBackend) gpu.backend();
        Generator g = new Generator(1);
        a = Tensor.rand(g, N).to(gpu);           // unscoped: live for the whole run
        b = Tensor.rand(g, N).to(gpu);
        copyDst = Tensor.zeros(gpu, N);
        logits = Tensor.randn(g, ROWS, COLS).to(gpu);
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {a, b, copyDst, logits}) t.release();
    }

    @Benchmark
    public void add(Bytes bytes) {
        try (TensorScope s = TensorScope.open()) {
            a.add(b);
            backend.synchronize();
        }
        bytes.gbytes += 12.0 * N / 1e9;
    }

    @Benchmark
    public void deviceCopy(Bytes bytes) {
        backend.runtime().copyDeviceToDevice(((CudaStorage) copyDst.storage()).ptr(), ((CudaStorage) a.storage()).ptr(), 4L * N);
        backend.synchronize();
        bytes.gbytes += 8.0 * N / 1e9;
    }

    @Benchmark
    public void softmaxRows(Bytes bytes) {
        try (TensorScope s = TensorScope.open()) {
            logits.softmax(1);
            backend.synchronize();
        }
        bytes.gbytes += 8.0 * ROWS * COLS / 1e9;
    }
}
