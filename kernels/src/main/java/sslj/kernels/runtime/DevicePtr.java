package sslj.kernels.runtime;

/**
 * A device address and the size of the allocation it points into. {@code address} is what a kernel
 * receives as a .u64 parameter; {@link #offset} makes a pointer into the middle of an allocation.
 */
public record DevicePtr(long address, long bytes) {
    /** A pointer {@code byteOffset} bytes further on, covering the rest of the allocation. */
    public DevicePtr offset(long byteOffset) {
        if (byteOffset < 0 || byteOffset > bytes) {
            throw new IllegalArgumentException("offset " + byteOffset + " outside an allocation of " + bytes + " bytes");
        }
        return new DevicePtr(address + byteOffset, bytes - byteOffset);
    }
}
