package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.tensor.Tensor;

/**
 * batchnorm.ptx's varFromInvstd on every runtime, called through its launcher (on a GPU the CUDA backend
 * runs it after cuDNN's training forward, which the emulator does not have): bit for bit the CPU's
 * invstd.square().reciprocal().sub(eps), on awkward channel counts, with a poisoned output and a
 * poisoned element past the end that must stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchNormKernelsTest {
    private List<GpuRuntime> runtimes;

    @BeforeAll
    void open() { runtimes = RuntimesUnderTest.all(); }

    @AfterAll
    void close() { runtimes.forEach(GpuRuntime::close); }

    @Test
    void varFromInvstdGivesTheCpusBits() {
        for (GpuRuntime rt : runtimes) {
            BatchNormKernels kernels = new BatchNormKernels(new GpuContext(rt));
            for (int c : new int[] {1, 3, 255, 257, 1000}) {
                float eps = 1e-5f;
                float[] invstd = new float[c];
                Random r = new Random(c);
                for (int i = 0; i < c; i++) invstd[i] = 0.2f + 5 * r.nextFloat();
                float[] want = Tensor.of(invstd, c).square().reciprocal().sub(eps).toFloatArray();
                DevicePtr in = rt.malloc(4L * c), out = rt.malloc(4L * (c + 1));
                try {
                    rt.copyToDevice(in, invstd, 0, c);
                    rt.memset32(out, Float.floatToRawIntBits(Float.NaN), c + 1);
                    kernels.varFromInvstd(in, out, c, eps);
                    float[] got = new float[c + 1];
                    rt.copyToHost(got, 0, out, c + 1);
                    assertArrayEquals(want, java.util.Arrays.copyOf(got, c), 0f, "C " + c + " on " + rt.name());
                    if (!Float.isNaN(got[c])) throw new AssertionError("varFromInvstd wrote past C=" + c + " on " + rt.name());
                } finally {
                    rt.free(in);
                    rt.free(out);
                }
            }
        }
    }
}
