package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/**
 * random.ptx against the CPU's Philox stream: uniform fills bit for bit; normal fills within
 * 1e-5·std (float Box–Muller with lg2/sin/cos.approx against the CPU's double; see random.ptx); the
 * generator's offset advances by the same ⌈n/4⌉ blocks on both.
 */
class CudaRandomTest {

    static List<Device> devices() { return GpuDevices.all(); }

    @ParameterizedTest
    @MethodSource("devices")
    void uniformIsBitExact(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        for (int n : new int[] {1, 3, 7, 33, 129, 1000}) {
            for (long seed : new long[] {0L, 42L, 0x1234_5678_9ABC_DEF0L}) {
                Generator gc = new Generator(seed), gg = new Generator(seed);
                gc.setOffset(5);
                gg.setOffset(5);
                float[] ref = Device.CPU.backend().random(gc, false, -2f, 3f, new int[] {n}).toFloatArray();
                float[] out = dev.backend().random(gg, false, -2f, 3f, new int[] {n}).toFloatArray();
                assertArrayEquals(ref, out, "uniform n=" + n + " seed=" + seed + " on " + dev);
                assertEquals(gc.offset(), gg.offset(), "blocks claimed");
                float[] ref2 = Device.CPU.backend().random(gc, false, 0f, 1f, new int[] {n}).toFloatArray();
                float[] out2 = dev.backend().random(gg, false, 0f, 1f, new int[] {n}).toFloatArray();
                assertArrayEquals(ref2, out2, "second uniform fill n=" + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void normalMatchesWithinTolerance(Device dev) {
        for (int n : new int[] {1, 3, 7, 33, 129, 2000}) {
            Generator gc = new Generator(7), gg = new Generator(7);
            Tensor ref = Device.CPU.backend().random(gc, true, 0.5f, 2f, new int[] {n});
            Tensor out = dev.backend().random(gg, true, 0.5f, 2f, new int[] {n});
            Close.assertClose("normal n=" + n + " on " + dev, ref.shape(), Close.toDouble(ref.toFloatArray()), out, 2e-5, 0);
            assertEquals(gc.offset(), gg.offset());
        }
        Generator g = new Generator(3);
        Tensor z = dev.backend().random(g, true, 0f, 1f, new int[] {4000});
        assertEquals(0.0, z.mean().item(), 0.06, "mean of 4000 standard normals");
        assertEquals(1.0, z.square().mean().item(), 0.08, "second moment");
    }
}
