package sslj.tensor.cpu;

import sslj.tensor.Device;
import sslj.tensor.Storage;

/**
 * A CPU storage: a Java float array. One made inside a {@link sslj.tensor.TensorScope} from the
 * {@link CpuArrayPool} gives its array back when the scope releases it, and holds none afterwards.
 */
public final class CpuStorage implements Storage {
    private float[] data;
    private final int length;
    private final boolean pooled;
    private final Device device;

    CpuStorage(Device device, float[] data) {
        this(device, data, false);
    }

    CpuStorage(Device device, float[] data, boolean pooled) {
        this.device = device;
        this.data = data;
        this.length = data.length;
        this.pooled = pooled;
    }

    /**
     * The backing array; callers that write to it change every tensor viewing this storage. Throws once
     * a pooled storage has been released (its array now belongs to another tensor).
     */
    public float[] data() {
        float[] d = data;
        if (d == null) throw new IllegalStateException("a CPU tensor of " + length + " floats was used after it was released (its TensorScope closed, or it was an intermediate gradient the backward had passed on)");
        return d;
    }

    @Override public Device device() { return device; }

    @Override public long length() { return length; }

    /** Gives a pooled array back to the pool; an unpooled one belongs to the garbage collector, as before. */
    @Override public void release() {
        if (!pooled || data == null) return;
        float[] d = data;
        data = null;
        CpuArrayPool.give(d);
    }

    @Override public boolean isReleased() { return data == null; }
}
