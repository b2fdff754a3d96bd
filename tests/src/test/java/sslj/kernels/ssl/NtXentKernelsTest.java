package sslj.kernels.ssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.tensor.NtXentOracle;
import sslj.testing.Close;

/**
 * nt_xent.ptx on every runtime (the emulator, and the real GPU when present) against the double
 * oracle: poisoned (NaN-filled) outputs, awkward sizes, two runs compared bit for bit, known values.
 */
class NtXentKernelsTest {
    /** (N, D, τ): 2N from 2 to 130, D not a multiple of the 32-dim chunk or the 128-dim block. */
    static final Object[][] SIZES = {
        {1, 1, 0.5f}, {1, 5, 0.1f}, {2, 3, 0.5f}, {3, 17, 0.2f}, {7, 33, 0.1f}, {17, 129, 0.07f}, {33, 3, 0.5f},
        {65, 40, 0.2f}, {20, 260, 0.3f}, {200, 9, 0.2f},
    };

    static Stream<GpuRuntime> runtimes() { return RuntimesUnderTest.all().stream(); }

    /** Forward + backward on rt: {loss, lse, grad} as float arrays. */
    static float[][] run(GpuRuntime rt, float[] z, int r, int d, float tau, float gradScale) {
        NtXentKernels k = new NtXentKernels(rt);
        DevicePtr dz = rt.malloc(4L * r * d), loss = rt.malloc(4), lse = rt.malloc(4L * r),
                fwork = rt.malloc(4L * NtXentKernels.forwardWorkspaceFloats(r)), grad = rt.malloc(4L * r * d),
                bwork = rt.malloc(4L * NtXentKernels.backwardWorkspaceFloats(r, d));
        try {
            int nan = Float.floatToRawIntBits(Float.NaN);
            rt.memset32(loss, nan, 1);
            rt.memset32(lse, nan, r);
            rt.memset32(fwork, nan, NtXentKernels.forwardWorkspaceFloats(r));
            rt.memset32(grad, nan, (long) r * d);
            rt.memset32(bwork, nan, NtXentKernels.backwardWorkspaceFloats(r, d));
            rt.copyToDevice(dz, z, 0, r * d);
            k.forward(dz, r, d, tau, loss, lse, fwork);
            k.backward(dz, lse, r, d, tau, gradScale, grad, bwork);
            float[] l = new float[1], ls = new float[r], g = new float[r * d];
            rt.copyToHost(l, 0, loss, 1);
            rt.copyToHost(ls, 0, lse, r);
            rt.copyToHost(g, 0, grad, r * d);
            return new float[][] {l, ls, g};
        } finally {
            for (DevicePtr p : new DevicePtr[] {dz, loss, lse, fwork, grad, bwork}) rt.free(p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void matchesOracleAndRepeatsBitForBit(GpuRuntime rt) {
        try (rt) {
            for (Object[] s : SIZES) check(rt, (int) s[0], (int) s[1], (float) s[2]);
        }
    }

    private static void check(GpuRuntime rt, int n, int d, float tau) {
        {
            int r = 2 * n;
            float[] z = NtXentOracle.unitRows(31L * n + d, r, d);
            NtXentOracle ref = new NtXentOracle(z, r, d, tau);
            float[][] a = run(rt, z, r, d, tau, 1f);
            String at = rt.name() + " N=" + n + " D=" + d;
            Close.assertClose("loss " + at, new double[] {ref.loss}, a[0], 2e-5, 2e-5);
            Close.assertClose("lse " + at, ref.lse, a[1], 2e-5, 2e-5);
            // the gradient is a difference of terms of size 2/(2N tau) (unit rows): absolute error on that scale
            double termScale = 2.0 / (r * tau);
            Close.assertClose("grad " + at, ref.grad, a[2], 2e-5 * termScale, 2e-4);
            float[][] b = run(rt, z, r, d, tau, 1f);
            for (int i = 0; i < 3; i++) assertArrayEquals(a[i], b[i], "second run differs in bits (output " + i + ") " + at);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void knownValues(GpuRuntime rt) {
        try (rt) {
            // all vectors equal: every logit 1/τ, loss = log(2N − 1)
            int n = 9, d = 6;
            float[] same = new float[2 * n * d];
            java.util.Arrays.fill(same, (float) Math.sqrt(1.0 / d));
            assertEquals(Math.log(2 * n - 1), run(rt, same, 2 * n, d, 0.3f, 1f)[0][0], 2e-6 * Math.log(2 * n - 1));
            // 2N = 2: the only negative is the positive, loss = 0 exactly
            assertEquals(0f, run(rt, NtXentOracle.unitRows(4, 2, 7), 2, 7, 0.5f, 1f)[0][0]);
            // identical positives, orthogonal negatives, small τ: loss → 0
            float[] hot = new float[2 * 5 * 8];
            for (int i = 0; i < 10; i++) hot[i * 8 + i % 5] = 1f;
            float l = run(rt, hot, 10, 8, 0.02f, 1f)[0][0];
            assertTrue(l >= 0 && l < 1e-20, "loss " + l);
            // gradScale multiplies the gradient
            float[] z = NtXentOracle.unitRows(5, 12, 10);
            float[] g1 = run(rt, z, 12, 10, 0.2f, 1f)[2], g2 = run(rt, z, 12, 10, 0.2f, -2.5f)[2];
            for (int i = 0; i < g1.length; i++) assertEquals(-2.5f * g1[i], g2[i], 1e-6f * Math.max(1, Math.abs(g2[i])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void badArguments(GpuRuntime rt) {
        try (rt) {
            NtXentKernels k = new NtXentKernels(rt);
            DevicePtr p = rt.malloc(4 * 64);
            try {
                assertThrows(IllegalArgumentException.class, () -> k.forward(p, 3, 2, 0.5f, p, p, p));
                assertThrows(IllegalArgumentException.class, () -> k.forward(p, 4, 2, 0f, p, p, p));
                assertThrows(IllegalArgumentException.class, () -> k.forward(p, 4, 2, Float.NaN, p, p, p));
                assertThrows(IllegalArgumentException.class, () -> k.forward(p, 4, 0, 0.5f, p, p, p));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.forward(p, 8, 16, 0.5f, p, p, p));
                assertTrue(e.getMessage().contains("z holds"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> k.backward(p, p, 4, 2, 0.5f, Float.POSITIVE_INFINITY, p, p));
                IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> k.forward(p, 64, 1, 0.5f, p, p, p));
                assertTrue(w.getMessage().contains("work"), w.getMessage());
            } finally {
                rt.free(p);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void noSharedMemoryRacesOnTheEmulator() {
        try (sslj.kernels.emu.PtxEmulator emu = new sslj.kernels.emu.PtxEmulator()) {
            emu.setRaceDetection(true);
            float[] z = NtXentOracle.unitRows(6, 70, 37);
            NtXentOracle ref = new NtXentOracle(z, 70, 37, 0.25);
            float[][] a = run(emu, z, 70, 37, 0.25f, 1f);
            Close.assertClose("loss with race detection", new double[] {ref.loss}, a[0], 2e-5, 2e-5);
        }
    }
}
