package sslj.kernels.runtime;

/**
 * What the CUDA backend needs from a GPU, and nothing more: device memory, copies, PTX modules,
 * kernel launches on one stream, and events for timing (DESIGN.md section 3).
 *
 * <p>Two implementations run the same PTX text: {@code JCudaRuntime} on a real GPU (driver API only,
 * libcuda.so.1) and {@code PtxEmulator} in pure Java, which is how CI, with no GPU, runs every kernel.
 * Every failure is a {@link GpuException} that names the call, the kernel where there is one, and the
 * cause. Launches are asynchronous on a real GPU; copies to the host and {@link #synchronize()} wait.
 */
public interface GpuRuntime extends AutoCloseable {

    /** A short human name: "NVIDIA H100 80GB HBM3 (sm_90)", "PTX emulator". */
    String name();

    /** Raw device allocation of {@code bytes} bytes (no caching; see {@code CachingAllocator}). */
    DevicePtr malloc(long bytes);

    /** Returns an allocation made by {@link #malloc}; freeing twice or a foreign pointer is an error. */
    void free(DevicePtr ptr);

    /** Copies {@code count} floats from {@code src[srcIndex..]} to device address {@code dst}. */
    void copyToDevice(DevicePtr dst, float[] src, int srcIndex, int count);

    /** Copies {@code count} ints (indices, counters) to the device. */
    void copyToDevice(DevicePtr dst, int[] src, int srcIndex, int count);

    /** Copies {@code count} floats from device address {@code src} into {@code dst[dstIndex..]}; waits for the stream. */
    void copyToHost(float[] dst, int dstIndex, DevicePtr src, int count);

    /** Copies {@code count} ints from the device; waits for the stream. */
    void copyToHost(int[] dst, int dstIndex, DevicePtr src, int count);

    /**
     * Nanoseconds the calling host threads have spent so far in calls that wait for the device (the
     * synchronous copies, {@link #synchronize}, event waits); 0 where kernels run inline on the host (the
     * emulator), since nothing there waits.
     */
    default long hostBlockedNanos() { return 0; }

    /** Device-to-device copy of {@code bytes} bytes, ordered on the stream. */
    void copyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes);

    /** Sets {@code count} 32-bit words at {@code dst} to {@code bits} (use Float.floatToRawIntBits for floats). */
    void memset32(DevicePtr dst, int bits, long count);

    /**
     * Loads a PTX module from a classpath resource (e.g. "/sslj/kernels/ptx/ema.ptx"), once per runtime;
     * a second call with the same path returns the cached module.
     */
    GpuModule loadModule(String resourcePath);

    /** Looks a kernel up by its .entry name; an unknown name is an error naming the module and the kernel. */
    GpuKernel kernel(GpuModule module, String name);

    /** Enqueues a launch. {@code args} must match the kernel's .param list in order and type. */
    void launch(GpuKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args);

    /** Waits until every enqueued operation has finished; reports an asynchronous kernel fault here. */
    void synchronize();

    /** Records an event on the stream, for timing with {@link #elapsedMillis}. */
    GpuEvent recordEvent();

    /** Milliseconds between two recorded events (waits for the later one). */
    float elapsedMillis(GpuEvent start, GpuEvent end);

    /** Frees everything this runtime owns (modules, events, the context). */
    @Override
    void close();
}
