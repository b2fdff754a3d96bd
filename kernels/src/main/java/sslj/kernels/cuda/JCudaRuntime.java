package sslj.kernels.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jcuda.Pointer;
import jcuda.runtime.cudaStream_t;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JITOptions;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuEvent;
import sslj.kernels.runtime.GpuException;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuLibraries;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * {@link GpuRuntime} on a real NVIDIA GPU through JCuda's binding of the CUDA driver API (libcuda.so.1
 * only: no CUDA toolkit needed at run time, DESIGN.md section 3).
 *
 * <p>What it sets up, once: {@code cuInit}, device 0, that device's <em>primary</em> context (the one
 * the CUDA runtime, and so cuBLAS and cuDNN, also use: a pointer allocated here is valid in their
 * calls, which would not hold for a private {@code cuCtxCreate} context), and ONE stream. Every launch,
 * memset and device-to-device copy is enqueued on that stream, so they run in program order and a freed
 * buffer can be reused by the next operation without extra synchronisation (see CachingAllocator).
 *
 * <p>Host copies. A Java array may be moved by the garbage collector as soon as a JNI call returns, so
 * it can never be the source or target of a copy still in flight. Both directions therefore use the
 * synchronous {@code cuMemcpyHtoD}/{@code cuMemcpyDtoH}: the driver has consumed (or filled) the array
 * when they return. They run on the legacy default stream, which CUDA orders against every stream
 * created with {@code CU_STREAM_DEFAULT} (ours): the copy waits for all work enqueued before it, and work
 * enqueued after it waits for the copy. A device-to-host copy additionally synchronises our stream
 * first, so a kernel fault is reported by the copy that would read its output, naming the kernel.
 *
 * <p>Errors. JCuda's own exceptions ({@code setExceptionsEnabled}) say only the error code; here every
 * CUresult is checked and a {@link GpuException} names the call, the kernel or resource, and the CUDA
 * error name, e.g. {@code cuLaunchKernel(nt_xent_forward) grid (1,1,1) block (2048,1,1):
 * CUDA_ERROR_INVALID_VALUE}.
 *
 * <p>Threads. The current context is per thread in CUDA; each public call makes the primary context
 * current first (a cheap driver call), so the runtime can be used from JMH or JUnit worker threads.
 */
public final class JCudaRuntime implements GpuRuntime {

    /** Whether a driver and a GPU are present; {@code reason} says why not, or names the GPU. */
    public record Availability(boolean available, String reason) { }

    private static Availability availability;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final Map<String, CudaModule> modules = new ConcurrentHashMap<>();
    /**
     * Live allocations by base address. free() rejects double frees and foreign pointers by name, and
     * every copy is checked to lie inside one allocation before the driver sees it.
     */
    private final TreeMap<Long, Allocation> allocations = new TreeMap<>();
    private final List<CudaEvent> liveEvents = new ArrayList<>();
    private final LongAdder blockedNanos = new LongAdder();   // host time in calls that wait for the device
    /** The last kernel enqueued: an asynchronous fault surfaces later, and this names the suspect. */
    private volatile String lastLaunch = "none";
    private boolean closed;

    // ---------------------------------------------------------------------------------------------
    // Probe and construction

    /**
     * Says, without throwing, whether this process can use a GPU: the JCuda driver binding loads
     * (which needs libcuda.so.1), {@code cuInit} succeeds and there is at least one device. Cached.
     */
    public static synchronized Availability probe() {
        if (availability == null) availability = probeOnce();
        return availability;
    }

    /** {@code probe().available()}. */
    public static boolean isAvailable() {
        return probe().available();
    }

    private static Availability probeOnce() {
        GpuLibraries.Status driver = GpuLibraries.status(GpuLibraries.Library.DRIVER);
        if (!driver.loaded()) {
            return new Availability(false, "JCuda driver binding did not load: " + driver.detail());
        }
        try {
            setExceptionsEnabled(false);                 // we check every CUresult ourselves
            int result = cuInit(0);
            if (result != CUresult.CUDA_SUCCESS) {
                return new Availability(false, "cuInit failed: " + CUresult.stringFor(result)
                        + (result == CUresult.CUDA_ERROR_NO_DEVICE ? " (driver present, no GPU visible)" : ""));
            }
            int[] count = {0};
            result = cuDeviceGetCount(count);
            if (result != CUresult.CUDA_SUCCESS) return new Availability(false, "cuDeviceGetCount failed: " + CUresult.stringFor(result));
            if (count[0] == 0) return new Availability(false, "no CUDA device (cuDeviceGetCount = 0)");
            CUdevice dev = new CUdevice();
            check(cuDeviceGet(dev, 0), "cuDeviceGet(0)");
            return new Availability(true, describe(dev) + ", " + driver.detail() + ", " + count[0] + " device(s)");
        } catch (Throwable t) {
            return new Availability(false, "CUDA driver probe failed: " + t);
        }
    }

    /** Opens device 0. Throws a GpuException carrying the probe's reason when no GPU can be used. */
    public JCudaRuntime() {
        Availability probe = probe();
        if (!probe.available()) throw new GpuException("no usable GPU: " + probe.reason());
        check(cuDeviceGet(device, 0), "cuDeviceGet(0)");
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(device 0)");
        try {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
            name = describe(device);
        } catch (GpuException e) {
            cuDevicePrimaryCtxRelease(device);          // undo the retain; the first error is the one to report
            throw e;
        }
    }

    private static String describe(CUdevice dev) {
        byte[] raw = new byte[256];
        check(cuDeviceGetName(raw, raw.length, dev), "cuDeviceGetName");
        int length = 0;
        while (length < raw.length && raw[length] != 0) length++;
        int[] major = {0}, minor = {0};
        check(cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "cuDeviceGetAttribute(major)");
        check(cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "cuDeviceGetAttribute(minor)");
        return new String(raw, 0, length, StandardCharsets.US_ASCII) + " (sm_" + major[0] + minor[0] + ")";
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------
    // Memory

    @Override
    public DevicePtr malloc(long bytes) {
        if (bytes <= 0) throw new GpuException("malloc: size must be positive, got " + bytes);
        bind();
        Allocation p = new Allocation(bytes);
        check(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
        synchronized (allocations) { allocations.put(p.address(), p); }
        return new DevicePtr(p.address(), bytes);
    }

    @Override
    public void free(DevicePtr ptr) {
        Allocation p;
        synchronized (allocations) { p = allocations.remove(ptr.address()); }
        if (p == null) {
            throw new GpuException("free(0x" + Long.toHexString(ptr.address()) + "): not a live allocation of this"
                    + " runtime (freed twice, a pointer into the middle of a buffer, or from another allocator)");
        }
        bind();
        check(cuMemFree(p), "cuMemFree(0x" + Long.toHexString(ptr.address()) + ")");
    }

    @Override
    public void copyToDevice(DevicePtr dst, float[] src, int srcIndex, int count) {
        checkRange("copyToDevice", src.length, srcIndex, count, dst, Sizeof.FLOAT);
        if (count == 0) return;
        bind();
        long t0 = System.nanoTime();
        check(cuMemcpyHtoD(device(dst, (long) count * Sizeof.FLOAT), Pointer.to(src).withByteOffset((long) srcIndex * Sizeof.FLOAT), (long) count * Sizeof.FLOAT),
                "cuMemcpyHtoD(" + count + " floats)");
        blocked(t0);
    }

    @Override
    public void copyToDevice(DevicePtr dst, int[] src, int srcIndex, int count) {
        checkRange("copyToDevice", src.length, srcIndex, count, dst, Sizeof.INT);
        if (count == 0) return;
        bind();
        long t0 = System.nanoTime();
        check(cuMemcpyHtoD(device(dst, (long) count * Sizeof.INT), Pointer.to(src).withByteOffset((long) srcIndex * Sizeof.INT), (long) count * Sizeof.INT),
                "cuMemcpyHtoD(" + count + " ints)");
        blocked(t0);
    }

    @Override
    public void copyToHost(float[] dst, int dstIndex, DevicePtr src, int count) {
        checkRange("copyToHost", dst.length, dstIndex, count, src, Sizeof.FLOAT);
        if (count == 0) return;
        synchronize();
        long t0 = System.nanoTime();
        check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstIndex * Sizeof.FLOAT), device(src, (long) count * Sizeof.FLOAT), (long) count * Sizeof.FLOAT),
                "cuMemcpyDtoH(" + count + " floats)");
        blocked(t0);
    }

    @Override
    public void copyToHost(int[] dst, int dstIndex, DevicePtr src, int count) {
        checkRange("copyToHost", dst.length, dstIndex, count, src, Sizeof.INT);
        if (count == 0) return;
        synchronize();
        long t0 = System.nanoTime();
        check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) dstIndex * Sizeof.INT), device(src, (long) count * Sizeof.INT), (long) count * Sizeof.INT),
                "cuMemcpyDtoH(" + count + " ints)");
        blocked(t0);
    }

    @Override
    public void copyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) {
        if (bytes < 0 || bytes > dst.bytes() || bytes > src.bytes()) {
            throw new GpuException("copyDeviceToDevice: " + bytes + " bytes from a " + src.bytes() + "-byte buffer into a "
                    + dst.bytes() + "-byte buffer");
        }
        if (bytes == 0) return;
        bind();
        check(cuMemcpyDtoDAsync(device(dst, bytes), device(src, bytes), bytes, stream), "cuMemcpyDtoDAsync(" + bytes + " bytes)");
    }

    @Override
    public void memset32(DevicePtr dst, int bits, long count) {
        if (count < 0 || count * 4 > dst.bytes()) {
            throw new GpuException("memset32: " + count + " words do not fit a " + dst.bytes() + "-byte buffer");
        }
        if (count == 0) return;
        bind();
        check(cuMemsetD32Async(device(dst, count * 4), bits, count, stream), "cuMemsetD32Async(" + count + " words)");
    }

    // ---------------------------------------------------------------------------------------------
    // Modules, kernels, launches

    @Override
    public GpuModule loadModule(String resourcePath) {
        bind();
        return modules.computeIfAbsent(resourcePath, this::loadPtx);
    }

    private CudaModule loadPtx(String resourcePath) {
        byte[] ptx = readResourceNulTerminated(resourcePath);
        CUmodule module = new CUmodule();
        int result = cuModuleLoadData(module, ptx);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new GpuException("cuModuleLoadData(" + resourcePath + "): " + CUresult.stringFor(result)
                    + jitErrorLog(ptx) + " (check it with: ptxas -arch=sm_90 <file>)");
        }
        return new CudaModule(resourcePath, module);
    }

    /** On a failed load, asks the JIT again with an error-log buffer; best effort, never throws. */
    private static String jitErrorLog(byte[] ptx) {
        try {
            int size = 8192;
            JITOptions options = new JITOptions();
            options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[size]);
            options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, size);
            cuModuleLoadDataJIT(new CUmodule(), Pointer.to(ptx), options);
            String log = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            return log == null || log.isBlank() ? "" : "\nJIT log:\n" + log.strip();
        } catch (Throwable t) {
            return "";
        }
    }

    private static byte[] readResourceNulTerminated(String resourcePath) {
        try (InputStream in = JCudaRuntime.class.getResourceAsStream(resourcePath)) {
            if (in == null) throw new GpuException("loadModule: no classpath resource " + resourcePath);
            byte[] text = in.readAllBytes();
            byte[] withNul = new byte[text.length + 1];              // the driver reads a C string
            System.arraycopy(text, 0, withNul, 0, text.length);
            return withNul;
        } catch (IOException e) {
            throw new GpuException("loadModule: cannot read " + resourcePath, e);
        }
    }

    @Override
    public GpuKernel kernel(GpuModule module, String name) {
        if (!(module instanceof CudaModule cuda) || modules.get(cuda.resourcePath()) != cuda) {
            throw new GpuException("kernel(" + name + "): module " + module.resourcePath() + " was not loaded by this runtime");
        }
        bind();
        return cuda.functions.computeIfAbsent(name, n -> {
            CUfunction function = new CUfunction();
            int result = cuModuleGetFunction(function, cuda.handle, n);
            if (result != CUresult.CUDA_SUCCESS) {
                throw new GpuException("cuModuleGetFunction(" + n + ") in " + cuda.resourcePath() + ": " + CUresult.stringFor(result)
                        + (result == CUresult.CUDA_ERROR_NOT_FOUND ? " (no .entry of that name in the module)" : ""));
            }
            return new CudaKernel(n, cuda, function);
        });
    }

    @Override
    public void launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args) {
        if (!(kernel instanceof CudaKernel k)) throw new GpuException("launch(" + kernel.name() + "): kernel not from this runtime");
        bind();
        Pointer params = kernelParams(args);
        int result = cuLaunchKernel(k.function,
                grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                dynamicSharedBytes, stream, params, null);
        lastLaunch = k.name();
        if (result != CUresult.CUDA_SUCCESS) {
            throw new GpuException("cuLaunchKernel(" + k.name() + ") grid " + shape(grid) + " block " + shape(block)
                    + " shared " + dynamicSharedBytes + " B, " + args.size() + " args: " + CUresult.stringFor(result));
        }
    }

    /**
     * cuLaunchKernel takes {@code void** kernelParams}: one pointer per .param, each pointing at the
     * argument's bytes. Each argument gets its own small Java array of the .param's width; the driver
     * copies the values when the launch is enqueued, so the arrays need not outlive the call.
     */
    private static Pointer kernelParams(KernelArgs args) {
        Pointer[] params = new Pointer[args.size()];
        int i = 0;
        for (KernelArgs.Arg arg : args.list()) {
            params[i++] = switch (arg.kind()) {
                case PTR, I64 -> Pointer.to(new long[] {arg.bits()});                       // .u64 / .s64
                case I32 -> Pointer.to(new int[] {(int) arg.bits()});                       // .u32 / .s32
                case F32 -> Pointer.to(new float[] {Float.intBitsToFloat((int) arg.bits())}); // .f32
            };
        }
        return Pointer.to(params);
    }

    @Override public long hostBlockedNanos() { return blockedNanos.sum(); }

    /** Adds the time since {@code start} to the host's blocked time (see {@link #hostBlockedNanos}). */
    private void blocked(long start) { blockedNanos.add(System.nanoTime() - start); }

    @Override
    public void synchronize() {
        bind();
        long t0 = System.nanoTime();
        int result = cuStreamSynchronize(stream);
        blocked(t0);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new GpuException("cuStreamSynchronize: " + CUresult.stringFor(result)
                    + " (an earlier asynchronous operation failed; last kernel launched: " + lastLaunch + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Events

    @Override
    public GpuEvent recordEvent() {
        bind();
        CUevent event = new CUevent();
        check(cuEventCreate(event, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        check(cuEventRecord(event, stream), "cuEventRecord");
        CudaEvent e = new CudaEvent(this, event);
        synchronized (liveEvents) { liveEvents.add(e); }
        return e;
    }

    @Override
    public float elapsedMillis(GpuEvent start, GpuEvent end) {
        if (!(start instanceof CudaEvent s) || !(end instanceof CudaEvent e) || s.owner != this || e.owner != this) {
            throw new GpuException("elapsedMillis: events not recorded by this runtime");
        }
        if (s.destroyed || e.destroyed) throw new GpuException("elapsedMillis: event already closed");
        bind();
        long t0 = System.nanoTime();
        check(cuEventSynchronize(e.handle), "cuEventSynchronize (last kernel launched: " + lastLaunch + ")");
        blocked(t0);
        float[] millis = {0f};
        check(cuEventElapsedTime(millis, s.handle, e.handle), "cuEventElapsedTime");
        return millis[0];
    }

    private void destroyEvent(CudaEvent event) {
        synchronized (liveEvents) {
            if (event.destroyed) return;
            event.destroyed = true;
            liveEvents.remove(event);
        }
        if (closed) return;
        bind();
        check(cuEventDestroy(event.handle), "cuEventDestroy");
    }

    // ---------------------------------------------------------------------------------------------
    // Shutdown

    /**
     * Waits for the stream, then releases events, buffers still allocated, modules, the stream and
     * the primary context. The first error is thrown after everything has been attempted.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        bind();
        List<String> errors = new ArrayList<>();
        collect(errors, cuStreamSynchronize(stream), "cuStreamSynchronize");
        synchronized (liveEvents) {
            for (CudaEvent e : liveEvents) { e.destroyed = true; collect(errors, cuEventDestroy(e.handle), "cuEventDestroy"); }
            liveEvents.clear();
        }
        synchronized (allocations) {
            for (Allocation p : allocations.values()) collect(errors, cuMemFree(p), "cuMemFree");
            allocations.clear();
        }
        for (CudaModule m : modules.values()) collect(errors, cuModuleUnload(m.handle), "cuModuleUnload(" + m.resourcePath() + ")");
        modules.clear();
        collect(errors, cuStreamDestroy(stream), "cuStreamDestroy");
        collect(errors, cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
        closed = true;
        if (!errors.isEmpty()) throw new GpuException("close: " + String.join("; ", errors));
    }

    private static void collect(List<String> errors, int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) errors.add(call + ": " + CUresult.stringFor(result));
    }

    // ---------------------------------------------------------------------------------------------
    // For the CUDA libraries (cuDNN): they take JCuda pointers and a runtime-API stream, and run in the
    // context current on the calling thread, which must be ours (the device's primary context).

    /** Makes this runtime's context current on the calling thread (before a library call). */
    public void makeCurrent() {
        bind();
    }

    /**
     * A JCuda pointer to the {@code bytes} bytes of device memory at {@code p}, for a library call
     * (cuDNN): the containing allocation with a byte offset, checked to lie inside it.
     */
    public Pointer pointer(DevicePtr p, long bytes) {
        return device(p, bytes);
    }

    /** The one stream of this runtime, as the runtime API's type (for cudnnSetStream). */
    public cudaStream_t cudaStream() {
        return new cudaStream_t(stream);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Makes our context current on the calling thread (the current context is thread-local in CUDA). */
    private void bind() {
        if (closed) throw new GpuException("JCudaRuntime used after close()");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Throws a GpuException naming {@code call} and the CUDA error unless {@code result} is success. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw new GpuException(call + ": " + CUresult.stringFor(result));
    }

    /**
     * The JCuda pointer for {@code p}: the allocation that contains it, offset to {@code p}'s address
     * (JCuda's own idiom for a pointer into a buffer). Fails, naming the address, when the
     * {@code bytes} bytes from {@code p} do not lie inside one live allocation of this runtime.
     */
    private CUdeviceptr device(DevicePtr p, long bytes) {
        Map.Entry<Long, Allocation> entry;
        synchronized (allocations) { entry = allocations.floorEntry(p.address()); }
        if (entry == null || p.address() + bytes > entry.getKey() + entry.getValue().bytes) {
            throw new GpuException("device address 0x" + Long.toHexString(p.address()) + " (+" + bytes
                    + " bytes) is not inside a live allocation of this runtime (freed, or from another runtime)");
        }
        return entry.getValue().withByteOffset(p.address() - entry.getKey());
    }

    private static void checkRange(String call, int arrayLength, int index, int count, DevicePtr p, int elementBytes) {
        if (index < 0 || count < 0 || (long) index + count > arrayLength) {
            throw new GpuException(call + ": elements [" + index + ", " + ((long) index + count) + ") outside a host array of " + arrayLength);
        }
        if ((long) count * elementBytes > p.bytes()) {
            throw new GpuException(call + ": " + count + " elements (" + (long) count * elementBytes + " bytes) do not fit a "
                    + p.bytes() + "-byte device buffer at 0x" + Long.toHexString(p.address()));
        }
    }

    private static String shape(Dim3 d) {
        return "(" + d.x() + "," + d.y() + "," + d.z() + ")";
    }

    // ---------------------------------------------------------------------------------------------
    // Handles

    /**
     * A buffer from cuMemAlloc. Subclassing CUdeviceptr is the way to read the raw address that JCuda
     * keeps in a protected field: it is what a kernel receives as a .u64 parameter.
     */
    private static final class Allocation extends CUdeviceptr {
        private final long bytes;

        Allocation(long bytes) { this.bytes = bytes; }
        long address() { return getNativePointer() + getByteOffset(); }
    }

    private static final class CudaModule implements GpuModule {
        private final String resourcePath;
        private final CUmodule handle;
        private final Map<String, CudaKernel> functions = new ConcurrentHashMap<>();

        CudaModule(String resourcePath, CUmodule handle) { this.resourcePath = resourcePath; this.handle = handle; }
        @Override public String resourcePath() { return resourcePath; }
        @Override public String toString() { return "module " + resourcePath; }
    }

    private record CudaKernel(String name, CudaModule module, CUfunction function) implements GpuKernel {
        @Override public String toString() { return "kernel " + name + " of " + module.resourcePath(); }
    }

    private static final class CudaEvent implements GpuEvent {
        private final JCudaRuntime owner;
        private final CUevent handle;
        private boolean destroyed;

        CudaEvent(JCudaRuntime owner, CUevent handle) { this.owner = owner; this.handle = handle; }
        @Override public void close() { owner.destroyEvent(this); }
    }
}
