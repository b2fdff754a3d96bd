package sslj.kernels.emu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuEvent;
import sslj.kernels.runtime.GpuException;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * A {@link GpuRuntime} that interprets PTX on the CPU, so that every hand-written kernel can be tested
 * on machines without a GPU. It is also a memory checker: every global and shared access is checked
 * against live allocations, and a fault names the kernel, block, thread, PTX line and address.
 *
 * <p>How it differs from a real GPU, on purpose:
 * <ul>
 *   <li>Launches run synchronously, inside {@link #launch}; a kernel fault is thrown from there
 *       (CUDA would report it at the next synchronizing call). {@link #synchronize} does nothing.</li>
 *   <li>Blocks run one after another, threads of a block one at a time between collectives
 *       (see {@link BlockRunner}); atomics are therefore trivially atomic.</li>
 *   <li>Approximate instructions (ex2.approx, rsqrt.approx, ...) are more accurate than hardware
 *       (see {@link Alu}).</li>
 *   <li>With {@link #setRaceDetection} on, shared-memory races between barriers are errors
 *       ({@link RaceDetector}).</li>
 * </ul>
 * Limits checked at launch as CUDA does: at most 1024 threads per block (z at most 64), grid y and z
 * at most 65535, and at most 48 KiB of shared memory per block (static plus dynamic).
 */
public final class PtxEmulator implements GpuRuntime {
    private static final int MAX_SHARED_BYTES = 48 * 1024;

    private final DeviceMemory memory = new DeviceMemory();
    private final Map<String, PtxProgram> modules = new HashMap<>();
    private boolean raceDetection;
    private long maxStepsPerRun = 200_000_000L;
    private long instructions, launches;
    private boolean closed;

    /** An event: the host time when it was recorded (launches are synchronous, so that is when the stream got there). */
    private record Event(long nanos) implements GpuEvent { }

    public PtxEmulator() { }

    /** Turns shared-memory race detection on or off for later launches (off by default; it slows shared accesses). */
    public void setRaceDetection(boolean on) { this.raceDetection = on; }

    public boolean raceDetection() { return raceDetection; }

    /**
     * The most instructions one thread may execute without reaching a collective or exiting before the
     * launch is stopped as an infinite loop (default 200 million).
     */
    public void setMaxInstructionsPerThreadRun(long max) { this.maxStepsPerRun = max; }

    /** PTX instructions executed by all launches so far (each thread's instruction counts once). */
    public long instructionsExecuted() { return instructions; }

    @Override
    public String name() { return "PTX emulator"; }

    @Override
    public String toString() { return name(); }

    // ---- memory ---------------------------------------------------------------------------------

    @Override
    public DevicePtr malloc(long bytes) {
        open("malloc");
        try {
            return new DevicePtr(memory.allocate(bytes).base, bytes);
        } catch (IllegalArgumentException e) {
            throw new GpuException("malloc: " + e.getMessage());
        }
    }

    @Override
    public void free(DevicePtr ptr) {
        open("free");
        if (!memory.free(ptr.address())) {
            throw new GpuException(String.format("free: 0x%x is not the start of a live allocation (%s)",
                    ptr.address(), memory.describe(ptr.address(), 1)));
        }
    }

    /** Live allocations, for leak checks in tests. */
    public int liveAllocations() { return memory.liveCount(); }

    @Override
    public void copyToDevice(DevicePtr dst, float[] src, int srcIndex, int count) {
        byte[] d = hostRange("copyToDevice", dst, src.length, srcIndex, count);
        int off = offset(dst);
        for (int i = 0; i < count; i++) DeviceMemory.write(d, off + 4 * i, 4, Float.floatToRawIntBits(src[srcIndex + i]));
    }

    @Override
    public void copyToDevice(DevicePtr dst, int[] src, int srcIndex, int count) {
        byte[] d = hostRange("copyToDevice", dst, src.length, srcIndex, count);
        int off = offset(dst);
        for (int i = 0; i < count; i++) DeviceMemory.write(d, off + 4 * i, 4, src[srcIndex + i]);
    }

    @Override
    public void copyToHost(float[] dst, int dstIndex, DevicePtr src, int count) {
        byte[] s = hostRange("copyToHost", src, dst.length, dstIndex, count);
        int off = offset(src);
        for (int i = 0; i < count; i++) dst[dstIndex + i] = Float.intBitsToFloat((int) DeviceMemory.read(s, off + 4 * i, 4));
    }

    @Override
    public void copyToHost(int[] dst, int dstIndex, DevicePtr src, int count) {
        byte[] s = hostRange("copyToHost", src, dst.length, dstIndex, count);
        int off = offset(src);
        for (int i = 0; i < count; i++) dst[dstIndex + i] = (int) DeviceMemory.read(s, off + 4 * i, 4);
    }

    @Override
    public void copyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) {
        open("copyDeviceToDevice");
        DeviceMemory.Allocation from = find("copyDeviceToDevice (source)", src.address(), bytes);
        DeviceMemory.Allocation to = find("copyDeviceToDevice (destination)", dst.address(), bytes);
        System.arraycopy(from.data, (int) (src.address() - from.base), to.data, (int) (dst.address() - to.base), (int) bytes);
    }

    @Override
    public void memset32(DevicePtr dst, int bits, long count) {
        open("memset32");
        DeviceMemory.Allocation a = find("memset32", dst.address(), 4 * count);
        int off = (int) (dst.address() - a.base);
        for (long i = 0; i < count; i++) DeviceMemory.write(a.data, off + (int) (4 * i), 4, bits);
    }

    /** The bytes behind a host copy of {@code count} 4-byte elements, after checking both sides. */
    private byte[] hostRange(String call, DevicePtr p, int hostLength, int hostIndex, int count) {
        open(call);
        if (count < 0 || hostIndex < 0 || (long) hostIndex + count > hostLength) {
            throw new GpuException(call + ": host range [" + hostIndex + ", " + ((long) hostIndex + count)
                    + ") is outside the host array of length " + hostLength);
        }
        return find(call, p.address(), 4L * count).data;
    }

    private int offset(DevicePtr p) {
        return (int) (p.address() - memory.find(p.address(), 0, "offset").base);
    }

    private DeviceMemory.Allocation find(String call, long address, long bytes) {
        try {
            return memory.find(address, bytes, "access");
        } catch (DeviceMemory.Fault f) {
            throw new GpuException(call + ": " + f.getMessage());
        }
    }

    // ---- modules and launches -------------------------------------------------------------------

    @Override
    public GpuModule loadModule(String resourcePath) {
        open("loadModule");
        PtxProgram cached = modules.get(resourcePath);
        if (cached != null) return cached;
        String path = resourcePath.startsWith("/") ? resourcePath : "/" + resourcePath;
        String text;
        try (InputStream in = PtxEmulator.class.getResourceAsStream(path)) {
            if (in == null) throw new GpuException("loadModule: no classpath resource " + path);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GpuException("loadModule: cannot read " + path, e);
        }
        PtxProgram program = PtxParser.parse(resourcePath, text);
        modules.put(resourcePath, program);
        return program;
    }

    /** Parses PTX text directly (for tests of the parser); not cached. */
    public GpuModule loadModuleFromText(String name, String ptx) {
        open("loadModuleFromText");
        return PtxParser.parse(name, ptx);
    }

    @Override
    public GpuKernel kernel(GpuModule module, String name) {
        if (!(module instanceof PtxProgram program)) throw new GpuException("kernel: module " + module + " was not loaded by the emulator");
        PtxProgram.Entry e = program.entries.get(name);
        if (e == null) {
            throw new GpuException("kernel: module " + program.resourcePath() + " has no kernel '" + name
                    + "' (it has " + program.entries.keySet() + ")");
        }
        return e;
    }

    /** Kernels launched so far: what the tests count to pin how many launches an op costs. */
    public long launches() { return launches; }

    @Override
    public void launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args) {
        open("launch");
        launches++;
        if (!(kernel instanceof PtxProgram.Entry entry)) throw new GpuException("launch: kernel " + kernel + " was not loaded by the emulator");
        checkShape(entry, grid, block, dynamicSharedBytes);
        byte[] params = marshal(entry, args);
        BlockRunner runner = new BlockRunner(entry, memory, grid, block, dynamicSharedBytes, params, raceDetection, maxStepsPerRun);
        instructions += runner.runGrid();
    }

    private static void checkShape(PtxProgram.Entry e, Dim3 grid, Dim3 block, int dynamicSharedBytes) {
        String k = "launch of kernel " + e.name + ": ";
        if (block.count() > 1024 || block.z() > 64) throw new GpuException(k + "block " + block + " exceeds 1024 threads (z at most 64)");
        if (grid.y() > 65535 || grid.z() > 65535) throw new GpuException(k + "grid " + grid + " exceeds 65535 in y or z");
        if (dynamicSharedBytes < 0) throw new GpuException(k + "negative dynamic shared memory " + dynamicSharedBytes);
        long total = (long) e.dynamicSharedOffset + dynamicSharedBytes;
        if (Math.max(total, e.staticSharedBytes) > MAX_SHARED_BYTES) {
            throw new GpuException(k + e.staticSharedBytes + " bytes of static + " + dynamicSharedBytes
                    + " bytes of dynamic shared memory exceed 48 KiB");
        }
    }

    /** Checks the arguments against the .param list and lays them out as the parameter buffer. */
    private static byte[] marshal(PtxProgram.Entry e, KernelArgs args) {
        List<PtxProgram.Param> params = e.paramList();
        List<KernelArgs.Arg> list = args.list();
        if (list.size() != params.size()) {
            throw new GpuException("launch of kernel " + e.name + ": expects " + params.size() + " arguments " + params
                    + " but got " + list.size());
        }
        byte[] buffer = new byte[e.paramBytes];
        for (int i = 0; i < params.size(); i++) {
            PtxProgram.Param p = params.get(i);
            KernelArgs.Arg a = list.get(i);
            boolean ok = switch (a.kind()) {
                case PTR, I64 -> p.type().bits == 64 && p.type().isInteger();
                case I32 -> p.type().bits == 32 && p.type().isInteger();
                case F32 -> p.type() == PtxType.F32;
            };
            if (!ok) {
                throw new GpuException("launch of kernel " + e.name + ": argument " + i + " for parameter " + p.name()
                        + " (." + p.type().ptxName() + ") is a " + a.kind());
            }
            DeviceMemory.write(buffer, p.offset(), p.type().bytes(), a.bits());
        }
        return buffer;
    }

    @Override
    public void synchronize() { open("synchronize"); }

    @Override
    public GpuEvent recordEvent() { return new Event(System.nanoTime()); }

    @Override
    public float elapsedMillis(GpuEvent start, GpuEvent end) {
        if (!(start instanceof Event s) || !(end instanceof Event e)) throw new GpuException("elapsedMillis: events not recorded by the emulator");
        return (e.nanos() - s.nanos()) / 1e6f;
    }

    @Override
    public void close() {
        memory.freeAll();
        modules.clear();
        closed = true;
    }

    private void open(String call) {
        if (closed) throw new GpuException(call + ": the emulator runtime is closed");
    }
}
