package sslj.bench;

import java.util.Arrays;
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
import sslj.kernels.runtime.GpuEvent;
import sslj.kernels.ssl.NtXentKernels;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * The fused NT-Xent PTX kernels on a real GPU: forward (+ mean) and backward at (2N, D = 128), fp32.
 * JMH times one fwd+bwd ending in a synchronize; setup also prints GPU-event times of forward and
 * backward alone (median of 50) and the device memory the op touches (z, grad, lse, workspaces:
 * O(N·D)), for the table beside bench/gpu/torch_ssl_losses.py.
 *
 * <p>Run on a GPU machine: {@code java --add-modules=jdk.incubator.vector -jar benchmarks.jar GpuNtXentBench}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GpuNtXentBench {
    @Param({"512", "2048", "8192", "32768"})
    public int rows;

    @Param({"128"})
    public int dim;

    private static final float TAU = 0.1f;
    private JCudaRuntime rt;
    private NtXentKernels kernels;
    private DevicePtr z, loss, lse, fwork, grad, bwork;

    @Setup(Level.Trial)
    public void setup() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        if (!a.available()) throw new IllegalStateException("GpuNtXentBench needs a CUDA GPU: " + a.reason());
        rt = new JCudaRuntime();
        kernels = new NtXentKernels(rt);
        float[] host = Tensor.randn(new Generator(42), rows, dim).l2Normalize(1).toFloatArray();
        z = rt.malloc(4L * rows * dim);
        grad = rt.malloc(4L * rows * dim);
        loss = rt.malloc(4);
        lse = rt.malloc(4L * rows);
        fwork = rt.malloc(4L * NtXentKernels.forwardWorkspaceFloats(rows));
        bwork = rt.malloc(4L * NtXentKernels.backwardWorkspaceFloats(rows, dim));
        rt.copyToDevice(z, host, 0, host.length);
        float[] f = new float[50], b = new float[50];
        for (int it = 0; it < 60; it++) {
            GpuEvent e0 = rt.recordEvent();
            kernels.forward(z, rows, dim, TAU, loss, lse, fwork);
            GpuEvent e1 = rt.recordEvent();
            kernels.backward(z, lse, rows, dim, TAU, 1f, grad, bwork);
            GpuEvent e2 = rt.recordEvent();
            if (it >= 10) {
                f[it - 10] = rt.elapsedMillis(e0, e1);
                b[it - 10] = rt.elapsedMillis(e1, e2);
            }
        }
        Arrays.sort(f);
        Arrays.sort(b);
        float[] l = new float[1];
        rt.copyToHost(l, 0, loss, 1);
        long bytes = 4L * (2L * rows * dim + rows + 1 + NtXentKernels.forwardWorkspaceFloats(rows) + NtXentKernels.backwardWorkspaceFloats(rows, dim));
        System.out.printf("%n[GpuNtXentBench] %s 2N=%d D=%d: forward %.4f ms, backward %.4f ms, fwd+bwd %.4f ms (GPU events, median of 50); "
                + "device memory %.2f MiB; loss %.6f%n", rt.name(), rows, dim, f[25], b[25], f[25] + b[25], bytes / 1048576.0, l[0]);
    }

    @Benchmark
    public void forwardBackward() {
        kernels.forward(z, rows, dim, TAU, loss, lse, fwork);
        kernels.backward(z, lse, rows, dim, TAU, 1f, grad, bwork);
        rt.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (DevicePtr p : new DevicePtr[] {z, grad, loss, lse, fwork, bwork}) if (p != null) rt.free(p);
        rt.close();
    }
}
