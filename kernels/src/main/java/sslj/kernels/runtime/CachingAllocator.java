package sslj.kernels.runtime;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps freed device buffers for reuse, so that a training step does not call cudaMalloc/cudaFree
 * per op (each is a driver call of microseconds, and cudaFree synchronises the whole device).
 *
 * <h2>Size classes</h2>
 * A request is rounded up to a size class and served by a cached block of exactly that class when
 * there is one, otherwise by a fresh {@link GpuRuntime#malloc} of the class size:
 * <ul>
 *   <li>below 1 MiB: a multiple of 512 B (PyTorch's rounding too; also keeps every block 512-byte
 *       aligned, more than any vector load needs);</li>
 *   <li>1 MiB and above: a multiple of 2 MiB, the GPU's large page, so that a block holds whole pages
 *       and slightly different sizes (a batch of 250 instead of 256) share one class.</li>
 * </ul>
 * Compared with PyTorch's CUDACachingAllocator: PyTorch also rounds to 512 B, but it cudaMallocs
 * large segments (2 MiB for small requests, 20 MiB or the rounded size for large ones) and splits
 * them into blocks, best-fit, merging neighbours on free. That packs memory tighter; here one block is
 * one device allocation, never split, which keeps the code short and every block's bounds exact (the
 * PTX emulator's memcheck then sees the block, not a segment). The waste is at most 511 B below 1 MiB
 * and under 2 MiB above, and repeated steps reuse exactly what the previous step freed.
 *
 * <h2>Ordering</h2>
 * Reusing a freed block at once is safe because the runtime has a single stream: a kernel that
 * writes the reused block is enqueued after, and so runs after, every kernel that used it before.
 * (PyTorch needs {@code recordStream} for the multi-stream case; there is none here.)
 *
 * <h2>Out of memory</h2>
 * When malloc fails and blocks are cached, the cache is emptied and malloc is tried once more, as
 * PyTorch does; if that fails too, the error says how much was in use and cached.
 *
 * <p>{@link #malloc} returns a pointer whose {@code bytes} is the size asked for, not the class size, so
 * bounds checks see the caller's view. Counters in {@link Stats} are in class sizes (bytes really held).
 * Thread-safe (every method synchronised); the allocator does not own the runtime it wraps.
 */
public final class CachingAllocator {

    public static final long SMALL_LIMIT = 1L << 20;     // 1 MiB
    public static final long SMALL_ROUND = 512;
    public static final long LARGE_ROUND = 2L << 20;     // 2 MiB

    /**
     * @param bytesInUse      class bytes of blocks handed out and not yet freed
     * @param peakBytesInUse  the most {@code bytesInUse} has been since creation or {@link #resetPeak}
     * @param bytesCached     class bytes of freed blocks held for reuse (device memory still taken)
     * @param deviceMallocs   calls to the runtime's malloc (the number to keep flat across steps)
     * @param deviceFrees     calls to the runtime's free (only {@link #emptyCache} and OOM retries)
     * @param reuses          requests served from the cache
     */
    public record Stats(long bytesInUse, long peakBytesInUse, long bytesCached,
                        long deviceMallocs, long deviceFrees, long reuses) {
        /** Device memory held in all: in use plus cached. */
        public long bytesReserved() { return bytesInUse + bytesCached; }
    }

    /** A device block: the runtime's pointer (class size) and the class it belongs to. */
    private record Block(DevicePtr raw, long classBytes) { }

    private final GpuRuntime runtime;
    /** Free blocks by class size; a deque per class (LIFO: the most recently freed is warmest in L2). */
    private final TreeMap<Long, ArrayDeque<Block>> free = new TreeMap<>();
    /** Blocks handed out, by address. */
    private final Map<Long, Block> inUse = new HashMap<>();
    private long bytesInUse, peakBytesInUse, bytesCached, deviceMallocs, deviceFrees, reuses;

    public CachingAllocator(GpuRuntime runtime) {
        this.runtime = runtime;
    }

    public GpuRuntime runtime() {
        return runtime;
    }

    /** The size class of a request of {@code bytes} bytes. */
    public static long roundUp(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("allocation size must be positive, got " + bytes);
        long unit = bytes < SMALL_LIMIT ? SMALL_ROUND : LARGE_ROUND;
        return Math.addExact(bytes, unit - 1) / unit * unit;
    }

    /** A buffer of at least {@code bytes} bytes; its contents are undefined (not zeroed). */
    public synchronized DevicePtr malloc(long bytes) {
        long classBytes = roundUp(bytes);
        Block block = takeCached(classBytes);
        if (block != null) {
            reuses++;
            bytesCached -= classBytes;
        } else {
            block = new Block(deviceMalloc(classBytes), classBytes);
        }
        inUse.put(block.raw().address(), block);
        bytesInUse += classBytes;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        return new DevicePtr(block.raw().address(), bytes);
    }

    /** Returns a buffer from {@link #malloc} to the cache. Freeing twice or a foreign pointer is an error. */
    public synchronized void free(DevicePtr ptr) {
        Block block = inUse.remove(ptr.address());
        if (block == null) {
            throw new GpuException("CachingAllocator.free(0x" + Long.toHexString(ptr.address()) + "): not a buffer in use"
                    + " from this allocator (freed twice, an offset pointer, or allocated elsewhere)");
        }
        bytesInUse -= block.classBytes();
        bytesCached += block.classBytes();
        free.computeIfAbsent(block.classBytes(), k -> new ArrayDeque<>()).push(block);
    }

    /** Whether {@code ptr} is a buffer currently handed out by this allocator. */
    public synchronized boolean owns(DevicePtr ptr) {
        return inUse.containsKey(ptr.address());
    }

    /** Gives every cached (free) block back to the runtime. Buffers in use are untouched. */
    public synchronized void emptyCache() {
        GpuException first = null;
        for (ArrayDeque<Block> blocks : free.values()) {
            for (Block b : blocks) {
                try {
                    runtime.free(b.raw());
                    deviceFrees++;
                } catch (GpuException e) {
                    if (first == null) first = e;
                }
                bytesCached -= b.classBytes();
            }
        }
        free.clear();
        if (first != null) throw first;
    }

    public synchronized Stats stats() {
        return new Stats(bytesInUse, peakBytesInUse, bytesCached, deviceMallocs, deviceFrees, reuses);
    }

    /** Starts a new peak measurement from the current use. */
    public synchronized void resetPeak() {
        peakBytesInUse = bytesInUse;
    }

    private Block takeCached(long classBytes) {
        ArrayDeque<Block> blocks = free.get(classBytes);
        if (blocks == null) return null;
        Block b = blocks.pop();
        if (blocks.isEmpty()) free.remove(classBytes);
        return b;
    }

    private DevicePtr deviceMalloc(long classBytes) {
        try {
            DevicePtr p = runtime.malloc(classBytes);
            deviceMallocs++;
            return p;
        } catch (GpuException firstFailure) {
            if (bytesCached == 0) throw outOfMemory(classBytes, firstFailure);
            emptyCache();                                   // give cached blocks back, then retry once
            try {
                DevicePtr p = runtime.malloc(classBytes);
                deviceMallocs++;
                return p;
            } catch (GpuException secondFailure) {
                throw outOfMemory(classBytes, secondFailure);
            }
        }
    }

    private GpuException outOfMemory(long classBytes, GpuException cause) {
        return new GpuException("CachingAllocator: cannot allocate " + classBytes + " bytes (" + bytesInUse
                + " in use, " + bytesCached + " cached) on " + runtime.name() + ": " + cause.getMessage(), cause);
    }
}
