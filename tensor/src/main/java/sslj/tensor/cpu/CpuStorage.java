package sslj.tensor.cpu;

import sslj.tensor.Device;
import sslj.tensor.Storage;

/** A CPU storage: a Java float array. */
public final class CpuStorage implements Storage {
    final float[] data;
    private final Device device;

    CpuStorage(Device device, float[] data) {
        this.device = device;
        this.data = data;
    }

    /** The backing array; callers that write to it change every tensor viewing this storage. */
    public float[] data() { return data; }

    @Override public Device device() { return device; }

    @Override public long length() { return data.length; }
}
