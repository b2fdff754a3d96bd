package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sslj.testing.Close.assertClose;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.emu.PtxEmulator;
import sslj.testing.Devices;

/**
 * {@link BatchNormOps#updateRunning}: PyTorch's running statistics (unbiased variance) against a double
 * reference and a hand-worked channel; every CUDA device (batchnorm.ptx runningUpdate) bit for bit
 * against the CPU's composed ops; one launch; bad arguments named.
 */
class BatchNormRunningUpdateTest {
    static List<Device> cudaDevices() { return Devices.cuda(); }

    /** {runningMean, runningVar} after one update on {@code device} from seeded values. */
    static float[][] update(Device device, int c, float momentum, long m) {
        float[][] in = inputs(c);
        try (TensorScope scope = TensorScope.open()) {
            Tensor rm = Tensor.of(in[0], c).to(device), rv = Tensor.of(in[1], c).to(device);
            BatchNormOps.updateRunning(rm, rv, Tensor.of(in[2], c).to(device), Tensor.of(in[3], c).to(device), momentum, m);
            return new float[][] {rm.toFloatArray(), rv.toFloatArray()};
        }
    }

    static float[][] inputs(int c) {
        Random r = new Random(c);
        float[][] in = new float[4][c];
        for (int i = 0; i < c; i++) {
            in[0][i] = (float) r.nextGaussian();
            in[1][i] = 0.5f + r.nextFloat();
            in[2][i] = (float) r.nextGaussian();
            in[3][i] = 0.1f + r.nextFloat();
        }
        return in;
    }

    @Test
    void aChannelByHand() {
        // m = 4 values: unbias 4/3; momentum 0.25: mean 0.75·2 + 0.25·6 = 3, var 0.75·1 + 0.25·(3·4/3) = 1.75
        Tensor rm = Tensor.of(new float[] {2}, 1), rv = Tensor.of(new float[] {1}, 1);
        BatchNormOps.updateRunning(rm, rv, Tensor.of(new float[] {6}, 1), Tensor.of(new float[] {3}, 1), 0.25f, 4);
        assertEquals(3f, rm.toFloatArray()[0], 1e-6f);
        assertEquals(1.75f, rv.toFloatArray()[0], 1e-6f);
    }

    @Test
    void theCpuMatchesADoubleReference() {
        int c = 300;
        long m = 7 * 49;
        float[][] in = inputs(c), got = update(Device.CPU, c, 0.1f, m);
        double[] wantMean = new double[c], wantVar = new double[c];
        for (int i = 0; i < c; i++) {
            wantMean[i] = 0.9 * in[0][i] + 0.1 * in[2][i];
            wantVar[i] = 0.9 * in[1][i] + 0.1 * in[3][i] * m / (m - 1);
        }
        assertClose("running mean", wantMean, got[0], 1e-6, 1e-6);
        assertClose("running var", wantVar, got[1], 1e-6, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("cudaDevices")
    void everyCudaDeviceGivesTheCpusBits(Device device) {
        for (int c : new int[] {1, 3, 255, 257, 300}) {
            for (float momentum : new float[] {0.1f, 0.01f, 1f, 0f}) {
                float[][] cpu = update(Device.CPU, c, momentum, 2L * c + 1), dev = update(device, c, momentum, 2L * c + 1);
                assertArrayEquals(cpu[0], dev[0], 0f, "running mean, C " + c + ", momentum " + momentum + " on " + device);
                assertArrayEquals(cpu[1], dev[1], 0f, "running var, C " + c + ", momentum " + momentum + " on " + device);
            }
        }
    }

    @Test
    void oneLaunch() {
        Device emu = Devices.emulated();
        PtxEmulator rt = (PtxEmulator) ((CudaBackend) emu.backend()).runtime();
        try (TensorScope scope = TensorScope.open()) {
            Tensor rm = Tensor.zeros(emu, 8), rv = Tensor.ones(8).to(emu), bm = Tensor.ones(8).to(emu), bv = Tensor.ones(8).to(emu);
            long before = rt.launches();
            BatchNormOps.updateRunning(rm, rv, bm, bv, 0.1f, 64);
            assertEquals(1, rt.launches() - before);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3), bm = Tensor.zeros(3), bv = Tensor.ones(3);
        message("batchVar has shape [4]", () -> BatchNormOps.updateRunning(rm, rv, bm, Tensor.ones(4), 0.1f, 10));
        message("share storage", () -> BatchNormOps.updateRunning(rm, rm, bm, bv, 0.1f, 10));
        message("momentum", () -> BatchNormOps.updateRunning(rm, rv, bm, bv, 1.5f, 10));
        message("at least 2 values per channel", () -> BatchNormOps.updateRunning(rm, rv, bm, bv, 0.1f, 1));
        message("runningVar is null", () -> BatchNormOps.updateRunning(rm, null, bm, bv, 0.1f, 10));
    }

    private static void message(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
}
