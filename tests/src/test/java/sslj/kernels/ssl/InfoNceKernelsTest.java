package sslj.kernels.ssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.testing.Close;
import sslj.testing.InfoNceOracle;

/**
 * The InfoNCE PTX kernels on every runtime (the emulator, with shared-memory race detection, and the
 * real GPU when present) against the double-precision oracle: outputs poisoned with NaN first, every
 * launch run twice and compared bit for bit.
 */
class InfoNceKernelsTest {
    private static final float NAN = Float.NaN;

    /** Device buffers of one test, freed together. */
    private static final class Buffers implements AutoCloseable {
        final GpuRuntime rt;
        final List<DevicePtr> all = new ArrayList<>();

        Buffers(GpuRuntime rt) { this.rt = rt; }

        DevicePtr upload(float[] x) {
            DevicePtr p = rt.malloc(4L * x.length);
            rt.copyToDevice(p, x, 0, x.length);
            all.add(p);
            return p;
        }

        DevicePtr poisoned(long floats) {
            DevicePtr p = rt.malloc(4L * floats);
            rt.memset32(p, Float.floatToRawIntBits(NAN), floats);
            all.add(p);
            return p;
        }

        float[] download(DevicePtr p, int floats) {
            float[] x = new float[floats];
            rt.copyToHost(x, 0, p, floats);
            return x;
        }

        @Override public void close() { for (DevicePtr p : all) rt.free(p); }
    }

    private static List<GpuRuntime> runtimes() {
        List<GpuRuntime> rts = RuntimesUnderTest.all();
        for (GpuRuntime rt : rts) if (rt instanceof PtxEmulator emu) emu.setRaceDetection(true);
        return rts;
    }

    @Test
    void queueFormMatchesTheOracle() {
        int[][] cases = {{1, 3, 1}, {5, 17, 70}, {9, 33, 64}, {3, 1, 5}, {2, 5, 300}};
        for (GpuRuntime rt : runtimes()) {
            try (rt; Buffers b = new Buffers(rt)) {
                InfoNceKernels kernels = new InfoNceKernels(rt);
                long seed = 1;
                for (int[] c : cases) {
                    int n = c[0], d = c[1], kk = c[2];
                    float tau = 0.1f, gradScale = 1.5f;
                    float[] q = InfoNceOracle.unitRows(seed++, n, d), k = InfoNceOracle.unitRows(seed++, n, d), qu = InfoNceOracle.unitRows(seed++, kk, d);
                    InfoNceOracle.Queue ref = InfoNceOracle.queue(q, k, qu, n, d, kk, tau);
                    DevicePtr pq = b.upload(q), pk = b.upload(k), pqu = b.upload(qu);
                    String at = rt.name() + " N=" + n + " D=" + d + " K=" + kk;
                    float[][] first = null;
                    for (int run = 0; run < 2; run++) {
                        DevicePtr lse = b.poisoned(n), loss = b.poisoned(1), work = b.poisoned(InfoNceKernels.workspaceFloats(n, kk, d)), dq = b.poisoned((long) n * d);
                        kernels.queueForward(pq, pk, pqu, n, kk, d, tau, lse, loss, work);
                        kernels.queueBackward(pq, pk, pqu, lse, n, kk, d, tau, gradScale, dq, work);
                        float[][] got = {b.download(loss, 1), b.download(lse, n), b.download(dq, n * d)};
                        Close.assertClose("loss " + at, new double[] {ref.loss()}, got[0], 1e-4, 1e-4);
                        Close.assertClose("lse " + at, ref.lse(), got[1], 1e-4, 1e-4);
                        double[] want = ref.dq().clone();
                        for (int i = 0; i < want.length; i++) want[i] *= gradScale;
                        Close.assertClose("dq " + at, want, got[2], 2e-4, 2e-3);
                        if (first == null) first = got;
                        else for (int i = 0; i < got.length; i++) assertArrayEquals(first[i], got[i], "rerun bits " + at);
                    }
                }
            }
        }
    }

    @Test
    void inBatchFormMatchesTheOracle() {
        int[][] cases = {{1, 5}, {2, 3}, {13, 17}, {33, 40}};
        for (GpuRuntime rt : runtimes()) {
            try (rt; Buffers b = new Buffers(rt)) {
                InfoNceKernels kernels = new InfoNceKernels(rt);
                long seed = 50;
                for (int[] c : cases) {
                    for (boolean sym : new boolean[] {true, false}) {
                        int n = c[0], d = c[1];
                        float s = 7.5f, gradScale = 0.75f;
                        float[] q = InfoNceOracle.unitRows(seed++, n, d), k = InfoNceOracle.unitRows(seed++, n, d);
                        InfoNceOracle.InBatch ref = InfoNceOracle.inBatch(q, k, n, d, s, sym);
                        DevicePtr pq = b.upload(q), pk = b.upload(k);
                        String at = rt.name() + " N=" + n + " D=" + d + (sym ? " symmetric" : " one-sided");
                        float[][] first = null;
                        for (int run = 0; run < 2; run++) {
                            DevicePtr lr = b.poisoned(n), lc = b.poisoned(n), loss = b.poisoned(1), work = b.poisoned(InfoNceKernels.workspaceFloats(n, n, d));
                            DevicePtr dq = b.poisoned((long) n * d), dk = b.poisoned((long) n * d), ds = b.poisoned(1);
                            kernels.inBatchForward(pq, pk, n, d, s, sym, lr, lc, loss, work);
                            kernels.inBatchBackward(pq, pk, lr, lc, n, d, s, sym, gradScale, dq, dk, ds, work);
                            float[][] got = {b.download(loss, 1), b.download(lr, n), sym ? b.download(lc, n) : new float[0],
                                    b.download(dq, n * d), b.download(dk, n * d), b.download(ds, 1)};
                            Close.assertClose("loss " + at, new double[] {ref.loss()}, got[0], 1e-4, 1e-4);
                            Close.assertClose("lseRow " + at, ref.lseRow(), got[1], 1e-4, 1e-4);
                            Close.assertClose("lseCol " + at, ref.lseCol(), got[2], 1e-4, 1e-4);
                            Close.assertClose("dq " + at, scaled(ref.dq(), gradScale), got[3], 1e-4, 2e-3);
                            Close.assertClose("dk " + at, scaled(ref.dk(), gradScale), got[4], 1e-4, 2e-3);
                            Close.assertClose("dScale " + at, new double[] {ref.dScale() * gradScale}, got[5], 1e-4, 2e-3);
                            if (first == null) first = got;
                            else for (int i = 0; i < got.length; i++) assertArrayEquals(first[i], got[i], "rerun bits " + at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void allVectorsEqualGiveLogKPlusOne() {
        int n = 3, d = 4, kk = 40;
        float[] row = {0, 1, 0, 0}, q = new float[n * d], qu = new float[kk * d];
        for (int i = 0; i < n; i++) System.arraycopy(row, 0, q, i * d, d);
        for (int j = 0; j < kk; j++) System.arraycopy(row, 0, qu, j * d, d);
        for (GpuRuntime rt : runtimes()) {
            try (rt; Buffers b = new Buffers(rt)) {
                InfoNceKernels kernels = new InfoNceKernels(rt);
                DevicePtr pq = b.upload(q), pqu = b.upload(qu), lse = b.poisoned(n), loss = b.poisoned(1), work = b.poisoned(InfoNceKernels.workspaceFloats(n, kk, d));
                kernels.queueForward(pq, pq, pqu, n, kk, d, 0.07f, lse, loss, work);
                assertEquals(Math.log(kk + 1), b.download(loss, 1)[0], 1e-5, rt.name());
                DevicePtr lc = b.poisoned(n);
                kernels.inBatchForward(pq, pq, n, d, 5f, true, lse, lc, loss, work);
                assertEquals(Math.log(n), b.download(loss, 1)[0], 1e-5, rt.name());
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        try (PtxEmulator rt = new PtxEmulator(); Buffers b = new Buffers(rt)) {
            InfoNceKernels kernels = new InfoNceKernels(rt);
            DevicePtr small = b.poisoned(4), big = b.poisoned(64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernels.queueForward(big, big, small, 2, 3, 4, 0.1f, big, big, big));
            assertTrue(e.getMessage().contains("queue") && e.getMessage().contains("needs 12"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> kernels.queueForward(big, big, big, 2, 3, 4, 0f, big, big, big));
            assertThrows(IllegalArgumentException.class, () -> kernels.queueForward(big, big, big, 2, 0, 4, 0.1f, big, big, big));
            assertThrows(IllegalArgumentException.class, () -> kernels.inBatchForward(big, big, 0, 4, 1f, true, big, big, big, big));
            assertThrows(IllegalArgumentException.class, () -> kernels.inBatchForward(big, big, 2, 4, Float.NaN, true, big, big, big, big));
            e = assertThrows(IllegalArgumentException.class, () -> kernels.inBatchForward(big, big, 1, 5000, 1f, true, big, big, big, big));
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
        }
    }

    @Test
    void chunksDependOnTheSizesOnly() {
        assertEquals(1, InfoNceKernels.chunks(4096, 4096));
        assertEquals(9, InfoNceKernels.chunks(256, 65536));   // 32 row blocks x 9 chunks = 288 blocks
        assertEquals(1, InfoNceKernels.chunks(3, 20));        // at least one 32-key tile per chunk
        assertEquals(16, InfoNceKernels.chunks(8, 65536));
    }

    private static double[] scaled(double[] x, double f) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] *= f;
        return y;
    }
}
