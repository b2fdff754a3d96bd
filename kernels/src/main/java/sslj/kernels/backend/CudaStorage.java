package sslj.kernels.backend;

import sslj.kernels.runtime.CachingAllocator;
import sslj.kernels.runtime.DevicePtr;
import sslj.tensor.Device;
import sslj.tensor.Storage;

/**
 * A tensor storage in device memory: one block from the device's {@link CachingAllocator}.
 *
 * <p>Its life ends with {@link #release()}, called by the {@link sslj.tensor.TensorScope} that owns it
 * or by {@link sslj.tensor.Tensor#release()}: the block goes back to the allocator's cache exactly
 * once (a second release does nothing), and every later use of the storage is an
 * {@link IllegalStateException} saying what happened, instead of a read of memory that another
 * tensor may own by then. A storage of length 0 still holds a 4-byte block, so that every storage has
 * a valid address.
 */
public final class CudaStorage implements Storage {
    private final Device device;
    private final CachingAllocator allocator;
    private final long length;
    private DevicePtr ptr;

    CudaStorage(Device device, CachingAllocator allocator, long length) {
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("storage length " + length + " out of range [0, 2^31) on " + device);
        }
        this.device = device;
        this.allocator = allocator;
        this.length = length;
        this.ptr = allocator.malloc(Math.max(1, length) * Float.BYTES);
    }

    @Override public Device device() { return device; }

    @Override public long length() { return length; }

    /** The device block; an error naming the storage once it was released. */
    public synchronized DevicePtr ptr() {
        if (ptr == null) {
            throw new IllegalStateException("use of a released GPU storage (" + length + " floats on " + device
                    + "): it was freed by Tensor.release() or by closing the TensorScope that owned it;"
                    + " keep() a tensor that must outlive its scope");
        }
        return ptr;
    }

    /** A pointer to element {@code elementOffset}. */
    public DevicePtr ptr(long elementOffset) {
        return ptr().offset(elementOffset * Float.BYTES);
    }

    @Override
    public synchronized void release() {
        if (ptr == null) return;
        DevicePtr p = ptr;
        ptr = null;
        allocator.free(p);
    }

    @Override
    public synchronized boolean isReleased() { return ptr == null; }

    @Override
    public String toString() {
        return "CudaStorage[" + length + " floats on " + device + (ptr == null ? ", released]" : "]");
    }
}
