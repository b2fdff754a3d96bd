package sslj.kernels.backend;

import java.util.List;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.testing.Devices;

/**
 * The devices the CUDA backend tests run on: the emulated "cuda-emu" always (so CI, with no GPU, runs
 * every kernel and every line of the backend), plus the real "cuda" when a GPU is present; with
 * {@code -Dsslj.gpu=required} a missing GPU is an error instead of a shorter list. Each test computes
 * on the CPU backend and on the device from the same inputs and compares. The list itself is
 * {@link Devices#cuda()}, shared with the device-parameterised tensor/autograd/nn suites.
 */
final class GpuDevices {
    private GpuDevices() { }

    static List<Device> all() {
        return Devices.cuda();
    }

    static Device emulated() {
        return Devices.emulated();
    }

    static CudaBackend backend(Device d) {
        return (CudaBackend) d.backend();
    }

    /** Values with every sign, some large and some tiny, from a fixed seed (no generator involved). */
    static float[] values(int n, long seed, float scale) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    static Tensor cpu(int[] shape, long seed, float scale) {
        int n = 1;
        for (int s : shape) n *= s;
        return Tensor.of(values(n, seed, scale), shape);
    }

    /** NaN, ±inf, ±0, ±1, tiny and huge values, for the special-value cases. */
    static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f,
            1e-30f, -1e-30f, 1e30f, -1e30f, 0.5f, -2.5f, 3f, 100f, -100f, Float.MIN_VALUE};
}
