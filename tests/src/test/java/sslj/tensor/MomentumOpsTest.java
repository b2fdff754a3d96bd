package sslj.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sslj.testing.Close;

/**
 * The momentum family on the CPU (sslj.tensor.Momentum → CpuMomentum) against plain double-precision
 * oracles: EMA over awkward lengths and misaligned offsets (and bit-exact m = 0 / m = 1), the key queue
 * with K not a multiple of N over many wrap-arounds, the memory bank with duplicate and boundary
 * indices; and every bad input's error message.
 */
class MomentumOpsTest {
    // oracles: MomentumReference

    private static final float POISON = Float.intBitsToFloat(0x7fc0dead);

    // ---------------------------------------------------------------- EMA

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5, 1023, 4097, 200_003})
    void emaMatchesTheOracleAtAwkwardLengthsAndOffsets(int n) {
        Random r = new Random(n);
        for (int[] offs : new int[][] {{0, 0}, {1, 1}, {3, 2}, {2, 5}}) {
            float[] tBuf = MomentumReference.random(r, n + 8), oBuf = MomentumReference.random(r, n + 8);
            tBuf[offs[0] - 1 < 0 ? n + 7 : offs[0] - 1] = POISON;
            Tensor tAll = Tensor.of(tBuf.clone(), n + 8), oAll = Tensor.of(oBuf, n + 8);
            Tensor t = tAll.narrow(0, offs[0], n), o = oAll.narrow(0, offs[1], n);
            float[] t0 = t.toFloatArray(), o0 = o.toFloatArray();
            float m = 0.996f;
            Momentum.ema(t, o, m);
            Close.assertClose("ema n=" + n, MomentumReference.emaOracle(t0, o0, m), t.toFloatArray(), 1e-6, 1e-6);
            // the float formula fma(m, t, (1-m) o) exactly (what the GPU computes too)
            float[] got = t.toFloatArray();
            for (int i = 0; i < n; i++) assertEquals(Math.fma(m, t0[i], (1f - m) * o0[i]), got[i], 0f, "element " + i);
            // outside the view: untouched, bit for bit
            float[] all = tAll.toFloatArray();
            for (int i = 0; i < n + 8; i++) {
                if (i < offs[0] || i >= offs[0] + n) assertEquals(Float.floatToRawIntBits(tBuf[i]), Float.floatToRawIntBits(all[i]), "outside element " + i);
            }
        }
    }

    @Test
    void emaWithMomentumOneLeavesTargetBitForBitAndZeroCopiesExactly() {
        float[] t = {-0f, 1.5f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 1e-30f, -2f};
        float[] o = {1f, -0f, 2f, Float.NaN, 5f, 7f, -0f};
        Tensor tt = Tensor.of(t.clone()), to = Tensor.of(o.clone());
        Momentum.ema(tt, to, 1f);
        float[] after = tt.toFloatArray();
        for (int i = 0; i < t.length; i++) assertEquals(Float.floatToRawIntBits(t[i]), Float.floatToRawIntBits(after[i]), "m=1 element " + i);
        Momentum.ema(tt, to, 0f);
        after = tt.toFloatArray();
        for (int i = 0; i < t.length; i++) assertEquals(Float.floatToRawIntBits(o[i]), Float.floatToRawIntBits(after[i]), "m=0 element " + i);
        // large enough for the vector and multithreaded paths
        Random r = new Random(1);
        float[] big = MomentumReference.random(r, 300_001), src = MomentumReference.random(r, 300_001);
        Tensor tb = Tensor.of(big.clone()), ob = Tensor.of(src);
        Momentum.ema(tb, ob, 1f);
        assertArrayEquals(big, tb.toFloatArray());
        Momentum.ema(tb, ob, 0f);
        assertArrayEquals(src, tb.toFloatArray());
    }

    @Test
    void emaOnStridedViews() {
        Random r = new Random(2);
        Tensor t = Tensor.of(MomentumReference.random(r, 35), 5, 7).t(), o = Tensor.of(MomentumReference.random(r, 35), 7, 5);
        float[] t0 = t.toFloatArray(), o0 = o.toFloatArray();
        Momentum.ema(t, o, 0.9f);
        Close.assertClose("strided ema", MomentumReference.emaOracle(t0, o0, 0.9f), t.toFloatArray(), 1e-6, 1e-6);
    }

    @Test
    void emaRejectsBadInput() {
        Tensor a = Tensor.zeros(5), b = Tensor.zeros(6);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(a, b, 0.5f)).getMessage().contains("shape"));
        Tensor c = Tensor.zeros(5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(a, c, -0.1f)).getMessage().contains("outside [0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(a, c, 1.0001f)).getMessage().contains("outside [0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(a, c, Float.NaN)).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(a, c, Float.POSITIVE_INFINITY)).getMessage().contains("outside"));
        Tensor buf = Tensor.zeros(10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.ema(buf.narrow(0, 0, 6), buf.narrow(0, 4, 6), 0.5f)).getMessage().contains("overlap"));
        Momentum.ema(buf.narrow(0, 0, 5), buf.narrow(0, 5, 5), 0.5f); // adjacent ranges are fine
    }

    // ---------------------------------------------------------------- queue

    @Test
    void enqueueWrapsAroundManyTimesWithKNotAMultipleOfN() {
        for (int[] kdn : new int[][] {{7, 5, 3}, {13, 1, 4}, {5, 33, 5}, {64, 17, 7}, {1, 3, 1}, {300, 129, 257}}) {
            int k = kdn[0], d = kdn[1], n = kdn[2];
            for (boolean normalize : new boolean[] {false, true}) {
                Random r = new Random(k * 31 + n);
                float[] init = MomentumReference.random(r, k * d);
                Tensor q = Tensor.of(init.clone(), k, d);
                MomentumReference.QueueOracle oracle = new MomentumReference.QueueOracle(init, k, d);
                int ptr = 0;
                for (int step = 0; step < Math.min(3 * k + 2, 12); step++) {   // 300 x 129: the multithreaded row path
                    float[] keys = MomentumReference.random(r, n * d);
                    ptr = Momentum.enqueue(q, Tensor.of(keys, n, d), ptr, normalize);
                    oracle.enqueue(keys, n, d, normalize);
                    assertEquals(oracle.ptr, ptr, "ptr after step " + step);
                    if (normalize) Close.assertClose("queue K=" + k + " step " + step, oracle.flat(), q.toFloatArray(), 1e-6, 1e-5);
                    else Close.assertClose("queue K=" + k + " step " + step, oracle.flat(), q.toFloatArray(), 0, 0);
                }
            }
        }
    }

    @Test
    void enqueueThroughStridedViews() {
        Random r = new Random(3);
        float[] init = MomentumReference.random(r, 6 * 4);
        Tensor q = Tensor.of(init.clone(), 4, 6).t();          // [6, 4], column-major
        MomentumReference.QueueOracle oracle = new MomentumReference.QueueOracle(q.toFloatArray(), 6, 4);
        float[] keys = MomentumReference.random(r, 4 * 4);
        int ptr = Momentum.enqueue(q, Tensor.of(keys, 4, 4).t().t(), 4, false);
        oracle.ptr = 4;
        oracle.enqueue(keys, 4, 4, false);
        assertEquals(2, ptr);
        Close.assertClose("strided queue", oracle.flat(), q.toFloatArray(), 0, 0);
    }

    @Test
    void enqueueRejectsBadInput() {
        Tensor q = Tensor.zeros(5, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.enqueue(q, Tensor.zeros(6, 3), 0, false)).getMessage().contains("N=6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.enqueue(q, Tensor.zeros(2, 4), 0, false)).getMessage().contains("D=4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.enqueue(q, Tensor.zeros(0, 3), 0, false)).getMessage().contains("N=0"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> Momentum.enqueue(q, Tensor.zeros(2, 3), 5, false)).getMessage().contains("ptr=5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.enqueue(Tensor.zeros(5), Tensor.zeros(2, 3), 0, false)).getMessage().contains("[K, D]"));
    }

    // ---------------------------------------------------------------- memory bank

    @Test
    void bankUpdateWithDuplicateAndBoundaryIndices() {
        int s = 10;
        for (int d : new int[] {1, 3, 17, 129}) {
            Random r = new Random(d);
            float[] bank = MomentumReference.random(r, s * d);
            float[] idx = {3, 0, 9, 3, 3, 9, 5};
            float[] f = MomentumReference.random(r, idx.length * d);
            for (float m : new float[] {0.5f, 0f, 1f, 0.9f}) {
                Tensor b = Tensor.of(bank.clone(), s, d);
                Momentum.memoryBankUpdate(b, Tensor.of(idx), Tensor.of(f, idx.length, d), m);
                Close.assertClose("bank D=" + d + " m=" + m, MomentumReference.bankOracle(bank, d, idx, f, m), b.toFloatArray(), 1e-6, 1e-5);
                float[] got = b.toFloatArray();
                for (int row : new int[] {1, 2, 4, 6, 7, 8}) {               // rows not in idx: untouched
                    for (int c = 0; c < d; c++) assertEquals(bank[row * d + c], got[row * d + c], 0f);
                }
            }
        }
    }

    @Test
    void bankUpdateOfManyRowsTakesTheMultithreadedPath() {
        int s = 1000, d = 129, b = 400;
        Random r = new Random(11);
        float[] bank = MomentumReference.random(r, s * d), f = MomentumReference.random(r, b * d), idx = new float[b];
        for (int i = 0; i < b; i++) idx[i] = r.nextInt(s);            // random, with duplicates
        idx[0] = 0;
        idx[b - 1] = s - 1;
        Tensor t = Tensor.of(bank.clone(), s, d);
        Momentum.memoryBankUpdate(t, Tensor.of(idx), Tensor.of(f, b, d), 0.5f);
        Close.assertClose("bank B=400", MomentumReference.bankOracle(bank, d, idx, f, 0.5f), t.toFloatArray(), 1e-6, 1e-5);
    }

    @Test
    void bankRejectsBadInput() {
        Tensor bank = Tensor.zeros(4, 3), f = Tensor.zeros(2, 3);
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(1f, 4f), f, 0.5f)).getMessage().contains("4.0"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(-1f, 0f), f, 0.5f)).getMessage().contains("-1.0"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(0f, 2.5f), f, 0.5f)).getMessage().contains("whole"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(0f, 1f), f, Float.NaN)).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(0f, 1f), Tensor.zeros(2, 4), 0.5f)).getMessage().contains("f must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Momentum.memoryBankUpdate(bank, Tensor.of(0f, 1f, 2f), f, 0.5f)).getMessage().contains("f must be"));
        // a bad index anywhere leaves the bank untouched (indices are checked before any write)
        Tensor b2 = Tensor.ones(4, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> Momentum.memoryBankUpdate(b2, Tensor.of(0f, 9f), f, 0.5f));
        assertArrayEquals(Tensor.ones(4, 3).toFloatArray(), b2.toFloatArray());
    }
}
