package sslj.kernels.ops;

import java.util.ArrayList;
import java.util.List;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;

/** Device buffers for one test on one runtime, all freed by {@link #close()}. */
final class Dev implements AutoCloseable {
    final GpuRuntime rt;
    private final List<DevicePtr> owned = new ArrayList<>();

    Dev(GpuRuntime rt) { this.rt = rt; }

    /** A device copy of {@code x}. */
    DevicePtr upload(float[] x) {
        DevicePtr p = alloc(x.length);
        rt.copyToDevice(p, x, 0, x.length);
        return p;
    }

    /** {@code count} floats, every one NaN: an element a kernel should write but does not stays NaN. */
    DevicePtr poisoned(int count) {
        DevicePtr p = alloc(count);
        rt.memset32(p, Float.floatToRawIntBits(Float.NaN), Math.max(count, 1));
        return p;
    }

    DevicePtr alloc(int floats) {
        DevicePtr p = rt.malloc(4L * Math.max(floats, 1));
        owned.add(p);
        return p;
    }

    float[] download(DevicePtr p, int count) {
        float[] x = new float[count];
        rt.copyToHost(x, 0, p, count);
        return x;
    }

    @Override
    public void close() {
        for (DevicePtr p : owned) rt.free(p);
        owned.clear();
    }

    /** Reproducible values in [-1, 1). */
    static float[] random(long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }
}
