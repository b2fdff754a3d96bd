package sslj.kernels.ssl;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.tensor.Momentum;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/**
 * momentum.ptx through {@link MomentumKernels} on every runtime of {@link RuntimesUnderTest#all()}:
 * against the CPU op (EMA: the same bits; queue and bank: the double oracle), with poisoned memory
 * around and between what a kernel may write, reruns compared bit for bit, and bad arguments.
 */
class MomentumKernelsTest {
    private static final int POISON = 0x7fc0dead;   // a NaN no kernel computes

    interface RuntimeTest { void run(GpuRuntime rt, MomentumKernels k); }

    private static void onEveryRuntime(RuntimeTest body) {
        for (GpuRuntime rt : RuntimesUnderTest.all()) {
            try (rt) {
                if (rt instanceof PtxEmulator emu) emu.setRaceDetection(true);
                body.run(rt, new MomentumKernels(rt));
            } catch (AssertionError e) {
                throw new AssertionError("on " + rt.name() + ": " + e.getMessage(), e);
            }
        }
    }

    private static float[] random(Random r, int n) { return sslj.tensor.MomentumReference.random(r, n); }

    private static DevicePtr upload(GpuRuntime rt, float[] x) {
        DevicePtr p = rt.malloc(4L * Math.max(1, x.length));
        rt.copyToDevice(p, x, 0, x.length);
        return p;
    }

    private static float[] download(GpuRuntime rt, DevicePtr p, int n) {
        float[] x = new float[n];
        rt.copyToHost(x, 0, p, n);
        return x;
    }

    private static void assertBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(String.format("%s: element %d expected %s (0x%08x), got %s (0x%08x)", what, i, expected[i],
                        Float.floatToRawIntBits(expected[i]), actual[i], Float.floatToRawIntBits(actual[i])));
            }
        }
    }

    // ---------------------------------------------------------------- EMA

    @Test
    void emaOnSubRangesMatchesTheCpuBitForBitAndWritesNothingOutside() {
        onEveryRuntime((rt, k) -> {
            Random r = new Random(5);
            for (int n : new int[] {1, 3, 5, 1023, 4097}) {
                // {target offset, online offset} in floats: co-aligned (vector path) and not (scalar path)
                for (int[] offs : new int[][] {{0, 0}, {1, 1}, {3, 3}, {2, 6}, {1, 2}, {0, 3}}) {
                    int len = n + 12;
                    float[] tHost = new float[len], oHost = random(r, len);
                    java.util.Arrays.fill(tHost, Float.intBitsToFloat(POISON));
                    float[] t0 = random(r, n);
                    System.arraycopy(t0, 0, tHost, offs[0], n);
                    DevicePtr t = upload(rt, tHost), o = upload(rt, oHost);
                    try {
                        float m = 0.99f;
                        k.ema(t.offset(4L * offs[0]), o.offset(4L * offs[1]), n, m);
                        float[] got = download(rt, t, len);
                        // the CPU op on the same numbers
                        Tensor ref = Tensor.of(t0.clone());
                        Momentum.ema(ref, Tensor.of(oHost).narrow(0, offs[1], n), m);
                        float[] expect = tHost.clone();
                        System.arraycopy(ref.toFloatArray(), 0, expect, offs[0], n);
                        assertBits("ema n=" + n + " offsets " + offs[0] + "," + offs[1], expect, got);
                        // rerun from the same start: the same bits
                        rt.copyToDevice(t, tHost, 0, len);
                        k.ema(t.offset(4L * offs[0]), o.offset(4L * offs[1]), n, m);
                        assertBits("ema rerun n=" + n, got, download(rt, t, len));
                    } finally {
                        rt.free(t);
                        rt.free(o);
                    }
                }
            }
        });
    }

    @Test
    void emaMomentumOneAndZeroAreExactOnTheGpu() {
        onEveryRuntime((rt, k) -> {
            float[] t0 = {-0f, 1.5f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 1e-30f, -2f, 8f, -0f};
            float[] o0 = {1f, -0f, 2f, Float.NaN, 5f, 7f, -0f, 3f, 4f};
            DevicePtr t = upload(rt, t0), o = upload(rt, o0);
            try {
                k.ema(t, o, t0.length, 1f);
                assertBits("m=1", t0, download(rt, t, t0.length));
                k.ema(t.offset(4), o.offset(4), t0.length - 1, 0f);        // misaligned start: head + bulk + tail
                float[] expect = o0.clone();
                expect[0] = t0[0];
                assertBits("m=0", expect, download(rt, t, t0.length));
            } finally {
                rt.free(t);
                rt.free(o);
            }
        });
    }

    @Test
    void emaRejectsBadArguments() {
        onEveryRuntime((rt, k) -> {
            DevicePtr a = rt.malloc(40), b = rt.malloc(40);
            try {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.ema(a, b, 10, Float.NaN)).getMessage().contains("NaN"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.ema(a, b, 10, 1.5f)).getMessage().contains("outside [0, 1]"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.ema(a, b, 11, 0.5f)).getMessage().contains("needs 44 bytes"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.ema(a, a.offset(8), 5, 0.5f)).getMessage().contains("overlap"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.ema(a, b, -1, 0.5f)).getMessage().contains("n=-1"));
            } finally {
                rt.free(a);
                rt.free(b);
            }
        });
    }

    // ---------------------------------------------------------------- queue

    @Test
    void enqueueWrapsAroundAndLeavesOtherRowsAlone() {
        onEveryRuntime((rt, k) -> {
            for (int[] kdn : new int[][] {{7, 33, 3}, {5, 1, 5}, {11, 40, 4}}) {
                int kk = kdn[0], d = kdn[1], n = kdn[2];
                for (boolean normalize : new boolean[] {false, true}) {
                    Random r = new Random(kk + d);
                    float[] init = new float[kk * d];
                    java.util.Arrays.fill(init, Float.intBitsToFloat(POISON));
                    DevicePtr q = upload(rt, init), keys = rt.malloc(4L * n * d);
                    var oracle = new sslj.tensor.MomentumReference.QueueOracle(init, kk, d);
                    try {
                        int ptr = 0;
                        for (int step = 0; step < 2 * kk + 1; step++) {
                            float[] x = random(r, n * d);
                            rt.copyToDevice(keys, x, 0, x.length);
                            float[] before = download(rt, q, kk * d);
                            ptr = k.enqueue(q, kk, d, keys, n, ptr, normalize);
                            oracle.enqueue(x, n, d, normalize);
                            assertEquals(oracle.ptr, ptr);
                            float[] got = download(rt, q, kk * d);
                            // rows the oracle still holds as poison were not written (NaN matches NaN)
                            Close.assertClose("queue K=" + kk + " D=" + d + " step " + step, oracle.flat(), got, normalize ? 1e-6 : 0, normalize ? 1e-5 : 0);
                            if (step == 0) {
                                for (int i = n * d; i < kk * d; i++) assertEquals(POISON, Float.floatToRawIntBits(got[i]), "untouched element " + i);
                            }
                            // rerun this step from the same state: the same bits
                            rt.copyToDevice(q, before, 0, before.length);
                            k.enqueue(q, kk, d, keys, n, (ptr - n + kk) % kk, normalize);
                            assertBits("enqueue rerun", got, download(rt, q, kk * d));
                        }
                    } finally {
                        rt.free(q);
                        rt.free(keys);
                    }
                }
            }
        });
    }

    @Test
    void enqueueRejectsBadArguments() {
        onEveryRuntime((rt, k) -> {
            DevicePtr q = rt.malloc(4 * 5 * 3), keys = rt.malloc(4 * 6 * 3);
            try {
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.enqueue(q, 5, 3, keys, 6, 0, false)).getMessage().contains("N=6"));
                assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> k.enqueue(q, 5, 3, keys, 2, 5, false)).getMessage().contains("ptr=5"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.enqueue(q, 6, 3, keys, 2, 0, false)).getMessage().contains("queue needs"));
            } finally {
                rt.free(q);
                rt.free(keys);
            }
        });
    }

    // ---------------------------------------------------------------- memory bank

    @Test
    void bankUpdateMatchesTheOracleWithDuplicatesAndBoundaries() {
        onEveryRuntime((rt, k) -> {
            int s = 10;
            for (int d : new int[] {1, 17, 37, 300}) {
                Random r = new Random(d);
                float[] bank = random(r, s * d);
                float[] idx = {3, 0, 9, 3, 3, 9, 5};
                float[] f = random(r, idx.length * d);
                DevicePtr b = upload(rt, bank), ip = upload(rt, idx), fp = upload(rt, f);
                try {
                    for (float m : new float[] {0.5f, 0f, 1f}) {
                        rt.copyToDevice(b, bank, 0, bank.length);
                        k.memoryBankUpdate(b, s, d, ip, fp, idx.length, m, true);
                        float[] got = download(rt, b, s * d);
                        Close.assertClose("bank D=" + d + " m=" + m, sslj.tensor.MomentumReference.bankOracle(bank, d, idx, f, m), got, 1e-6, 1e-5);
                        for (int row : new int[] {1, 2, 4, 6, 7, 8}) {
                            for (int c = 0; c < d; c++) assertEquals(Float.floatToRawIntBits(bank[row * d + c]), Float.floatToRawIntBits(got[row * d + c]), "untouched row " + row);
                        }
                        rt.copyToDevice(b, bank, 0, bank.length);
                        k.memoryBankUpdate(b, s, d, ip, fp, idx.length, m, false);
                        assertBits("bank rerun", got, download(rt, b, s * d));
                    }
                } finally {
                    rt.free(b);
                    rt.free(ip);
                    rt.free(fp);
                }
            }
        });
    }

    @Test
    void bankRejectsBadIndicesAndSkipsThemUnchecked() {
        onEveryRuntime((rt, k) -> {
            int s = 4, d = 3;
            float[] bank = new float[s * d];
            java.util.Arrays.fill(bank, 1f);
            DevicePtr b = upload(rt, bank), f = upload(rt, new float[] {1, 2, 3, 4, 5, 6}), good = upload(rt, new float[] {0, 1});
            try {
                for (float[] bad : new float[][] {{0, 4}, {-1, 0}, {0, 1.5f}}) {
                    DevicePtr ip = upload(rt, bad);
                    try {
                        String msg = assertThrows(IndexOutOfBoundsException.class, () -> k.memoryBankUpdate(b, s, d, ip, f, 2, 0.5f, true)).getMessage();
                        assertTrue(msg.contains("idx[") && msg.contains("S=4"), msg);
                        k.memoryBankUpdate(b, s, d, ip, f, 2, 0.5f, false);   // unchecked: the bad row is skipped, no fault
                    } finally {
                        rt.free(ip);
                    }
                }
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.memoryBankUpdate(b, s, d, good, f, 2, -0.5f, true)).getMessage().contains("outside [0, 1]"));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> k.memoryBankUpdate(b, s, d, good, f, 3, 0.5f, true)).getMessage().contains("idx needs"));
            } finally {
                rt.free(b);
                rt.free(f);
                rt.free(good);
            }
        });
    }
}
