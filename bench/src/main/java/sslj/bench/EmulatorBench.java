package sslj.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.KernelArgs;

/**
 * How fast the PTX emulator interprets: PTX instructions per second (the "instructions" counter,
 * an ops/s rate) on the vector add and the shared-memory block reduction over 64K elements.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar EmulatorBench
 * -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class EmulatorBench {
    private static final int N = 1 << 16;
    private static final int BLOCK = 256;

    private PtxEmulator emu;
    private GpuKernel vecAdd;
    private GpuKernel blockSum;
    private DevicePtr a;
    private DevicePtr b;
    private DevicePtr out;

    /** Instructions executed during the iteration; JMH reports it as a rate (instructions per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() { instructions = 0; }
    }

    @Setup
    public void setup() {
        emu = new PtxEmulator();
        vecAdd = emu.kernel(emu.loadModule("/sslj/kernels/emu/vector_add.ptx"), "vecAdd");
        blockSum = emu.kernel(emu.loadModule("/sslj/kernels/emu/block_reduce.ptx"), "blockSum");
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = i % 7 - 3;
        a = emu.malloc(4L * N);
        b = emu.malloc(4L * N);
        out = emu.malloc(4L * N);
        emu.copyToDevice(a, x, 0, N);
        emu.copyToDevice(b, x, 0, N);
    }

    @TearDown
    public void tearDown() { emu.close(); }

    @Benchmark
    public void vectorAdd64K(Counters c) {
        long before = emu.instructionsExecuted();
        emu.launch(vecAdd, Dim3.of(N / BLOCK), Dim3.of(BLOCK), 0, KernelArgs.of().ptr(a).ptr(b).ptr(out).i32(N));
        c.instructions += emu.instructionsExecuted() - before;
    }

    @Benchmark
    public void blockReduce64K(Counters c) {
        long before = emu.instructionsExecuted();
        emu.launch(blockSum, Dim3.of(N / BLOCK), Dim3.of(BLOCK), 4 * BLOCK, KernelArgs.of().ptr(a).ptr(out).i32(N));
        c.instructions += emu.instructionsExecuted() - before;
    }
}
