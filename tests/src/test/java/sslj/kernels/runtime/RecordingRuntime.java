package sslj.kernels.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test double for the allocator's own logic: a GpuRuntime that only hands out addresses and records
 * malloc/free calls. It can be given a capacity, to test the out-of-memory path. Everything else is
 * unsupported (kernels are tested against the PTX emulator and the real GPU).
 */
final class RecordingRuntime implements GpuRuntime {
    final List<Long> mallocs = new ArrayList<>();
    final List<Long> frees = new ArrayList<>();
    private final Map<Long, Long> live = new HashMap<>();
    private final long capacity;
    private long nextAddress = 0x7f00_0000_0000L;
    private long used;

    RecordingRuntime() { this(Long.MAX_VALUE); }
    RecordingRuntime(long capacity) { this.capacity = capacity; }

    long liveBytes() { return used; }
    int liveCount() { return live.size(); }

    @Override public String name() { return "recording runtime"; }

    @Override public DevicePtr malloc(long bytes) {
        if (used + bytes > capacity) throw new GpuException("cuMemAlloc(" + bytes + " bytes): CUDA_ERROR_OUT_OF_MEMORY");
        long address = nextAddress;
        nextAddress += bytes + 4096;                       // gaps, so that offsets never alias
        live.put(address, bytes);
        used += bytes;
        mallocs.add(bytes);
        return new DevicePtr(address, bytes);
    }

    @Override public void free(DevicePtr ptr) {
        Long bytes = live.remove(ptr.address());
        if (bytes == null) throw new GpuException("free of a pointer that is not live: 0x" + Long.toHexString(ptr.address()));
        used -= bytes;
        frees.add(bytes);
    }

    private static UnsupportedOperationException unsupported() { return new UnsupportedOperationException("not in the recording runtime"); }
    @Override public void copyToDevice(DevicePtr dst, float[] src, int srcIndex, int count) { throw unsupported(); }
    @Override public void copyToDevice(DevicePtr dst, int[] src, int srcIndex, int count) { throw unsupported(); }
    @Override public void copyToHost(float[] dst, int dstIndex, DevicePtr src, int count) { throw unsupported(); }
    @Override public void copyToHost(int[] dst, int dstIndex, DevicePtr src, int count) { throw unsupported(); }
    @Override public void copyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) { throw unsupported(); }
    @Override public void memset32(DevicePtr dst, int bits, long count) { throw unsupported(); }
    @Override public GpuModule loadModule(String resourcePath) { throw unsupported(); }
    @Override public GpuKernel kernel(GpuModule module, String name) { throw unsupported(); }
    @Override public void launch(GpuKernel kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) { throw unsupported(); }
    @Override public void synchronize() { }
    @Override public GpuEvent recordEvent() { throw unsupported(); }
    @Override public float elapsedMillis(GpuEvent start, GpuEvent end) { throw unsupported(); }
    @Override public void close() { }
}
