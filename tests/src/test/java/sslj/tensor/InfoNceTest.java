package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import sslj.testing.Close;
import sslj.testing.InfoNceOracle;

/**
 * The fused CPU InfoNCE ops against the materialised double-precision oracle at awkward sizes (N, D, K
 * not multiples of the 4-row block, the 64-column padding or the 256-key tile; K = 1), the closed forms
 * from the issue, and bad input.
 */
class InfoNceTest {
    private static final int[] NS = {1, 2, 3, 7, 33, 65};
    private static final int[] DS = {1, 3, 17, 33, 129};

    @Test
    void queueFormMatchesTheOracle() {
        int[][] cases = {{1, 1, 1}, {2, 3, 1}, {3, 17, 5}, {7, 33, 63}, {33, 129, 257}, {65, 17, 300}, {5, 3, 513}, {4, 64, 256}};
        float tau = 0.07f;
        long seed = 1;
        for (int[] c : cases) {
            int n = c[0], d = c[1], kk = c[2];
            float[] q = InfoNceOracle.unitRows(seed++, n, d), k = InfoNceOracle.unitRows(seed++, n, d), qu = InfoNceOracle.unitRows(seed++, kk, d);
            InfoNceOracle.Queue ref = InfoNceOracle.queue(q, k, qu, n, d, kk, tau);
            Tensor tq = Tensor.of(q, n, d), tk = Tensor.of(k, n, d), tqu = Tensor.of(qu, kk, d);
            Tensor[] f = InfoNce.queueForward(tq, tk, tqu, tau);
            String at = " N=" + n + " D=" + d + " K=" + kk;
            Close.assertClose("loss" + at, new int[0], new double[] {ref.loss()}, f[0], 1e-4, 1e-5);
            Close.assertClose("lse" + at, new int[] {n}, ref.lse(), f[1], 1e-4, 1e-5);
            Tensor dq = InfoNce.queueBackward(tq, tk, tqu, f[1], tau, 2f);
            double[] want = ref.dq().clone();
            for (int i = 0; i < want.length; i++) want[i] *= 2;
            Close.assertClose("dq" + at, new int[] {n, d}, want, dq, 2e-6 * 2 / tau, 1e-3);   // terms of size s·gradScale cancel
        }
    }

    @Test
    void inBatchFormMatchesTheOracle() {
        long seed = 100;
        for (int n : NS) {
            for (int d : DS) {
                for (boolean sym : new boolean[] {true, false}) {
                    if (n * d > 65 * 33 && d != 129) continue;
                    float s = 14.3f;
                    float[] q = InfoNceOracle.unitRows(seed++, n, d), k = InfoNceOracle.unitRows(seed++, n, d);
                    InfoNceOracle.InBatch ref = InfoNceOracle.inBatch(q, k, n, d, s, sym);
                    Tensor tq = Tensor.of(q, n, d), tk = Tensor.of(k, n, d);
                    Tensor[] f = InfoNce.inBatchForward(tq, tk, s, sym);
                    String at = " N=" + n + " D=" + d + (sym ? " symmetric" : " one-sided");
                    Close.assertClose("loss" + at, new int[0], new double[] {ref.loss()}, f[0], 1e-4, 1e-5);
                    Close.assertClose("lseRow" + at, new int[] {n}, ref.lseRow(), f[1], 1e-4, 1e-5);
                    Close.assertClose("lseCol" + at, new int[] {ref.lseCol().length}, ref.lseCol(), f[2], 1e-4, 1e-5);
                    Tensor[] b = InfoNce.inBatchBackward(tq, tk, f[1], f[2], s, sym, 1f);
                    Close.assertClose("dq" + at, new int[] {n, d}, ref.dq(), b[0], 1e-5, 1e-3);
                    Close.assertClose("dk" + at, new int[] {n, d}, ref.dk(), b[1], 1e-5, 1e-3);
                    Close.assertClose("dScale" + at, new int[0], new double[] {ref.dScale()}, b[2], 1e-5, 1e-3);
                }
            }
        }
    }

    @Test
    void largeInBatchUsesSeveralTilesAndThreads() {
        int n = 300, d = 40;
        float[] q = InfoNceOracle.unitRows(7, n, d), k = InfoNceOracle.unitRows(8, n, d);
        InfoNceOracle.InBatch ref = InfoNceOracle.inBatch(q, k, n, d, 5f, true);
        Tensor tq = Tensor.of(q, n, d), tk = Tensor.of(k, n, d);
        Tensor[] f = InfoNce.inBatchForward(tq, tk, 5f, true);
        Close.assertClose("loss", new int[0], new double[] {ref.loss()}, f[0], 1e-4, 1e-5);
        Tensor[] b = InfoNce.inBatchBackward(tq, tk, f[1], f[2], 5f, true, 1f);
        Close.assertClose("dq", new int[] {n, d}, ref.dq(), b[0], 1e-6, 1e-3);
        Close.assertClose("dk", new int[] {n, d}, ref.dk(), b[1], 1e-6, 1e-3);
        Close.assertClose("dScale", new int[0], new double[] {ref.dScale()}, b[2], 1e-5, 1e-3);
    }

    @Test
    void transposedAndSlicedInputsAreReadThroughTheirStrides() {
        int n = 9, d = 5, kk = 11;
        float[] q = InfoNceOracle.unitRows(21, n, d), k = InfoNceOracle.unitRows(22, n, d), qu = InfoNceOracle.unitRows(23, kk, d);
        InfoNceOracle.Queue ref = InfoNceOracle.queue(q, k, qu, n, d, kk, 0.2);
        Tensor tq = Tensor.of(q, n, d).t().contiguous().t();   // column-major view of the same values
        Tensor[] f = InfoNce.queueForward(tq, Tensor.of(k, n, d), Tensor.of(qu, kk, d), 0.2f);
        Close.assertClose("loss", new int[0], new double[] {ref.loss()}, f[0], 1e-5, 1e-5);
    }

    @Test
    void allVectorsEqualGiveLogOfTheNumberOfLogits() {
        int d = 8;
        float[] row = new float[d];
        row[3] = 1f;
        for (int kk : new int[] {1, 4, 255, 256, 257, 4096}) {
            for (float tau : new float[] {0.07f, 0.2f, 1f}) {
                Tensor q = Tensor.of(row, 1, d).expand(5, d), queue = Tensor.of(row, 1, d).expand(kk, d);
                float loss = InfoNce.queueForward(q, q, queue, tau)[0].item();
                assertEquals(Math.log(kk + 1), loss, 2e-6 * Math.max(1, Math.log(kk + 1)), "K=" + kk + " tau=" + tau);
            }
        }
        for (int n : new int[] {1, 2, 7, 300}) {
            Tensor q = Tensor.of(row, 1, d).expand(n, d);
            for (boolean sym : new boolean[] {true, false}) {
                assertEquals(Math.log(n), InfoNce.inBatchForward(q, q, 1f / 0.2f, sym)[0].item(), 2e-6 * Math.max(1, Math.log(n)), "N=" + n);
            }
        }
    }

    @Test
    void aDominantPositiveDrivesTheLossToZero() {
        int n = 6, d = 16, kk = 100;
        float[] q = new float[n * d], queue = new float[kk * d];
        for (int i = 0; i < n; i++) q[i * d + i] = 1f;                 // q_i = e_i, k_i = q_i
        for (int j = 0; j < kk; j++) queue[j * d + 8 + j % 8] = 1f;     // negatives orthogonal to every q_i
        Tensor tq = Tensor.of(q, n, d), tqu = Tensor.of(queue, kk, d);
        float loss = InfoNce.queueForward(tq, tq, tqu, 0.01f)[0].item();
        assertTrue(loss >= 0 && loss < 1e-30 + kk * Math.exp(-100) * 2, "loss " + loss);
        assertTrue(InfoNce.inBatchForward(tq, tq, 100f, true)[0].item() < 1e-30 + n * Math.exp(-100) * 2);
        assertEquals(0f, InfoNce.queueBackward(tq, tq, tqu, InfoNce.queueForward(tq, tq, tqu, 0.01f)[1], 0.01f, 1f).abs().max().item(), 1e-30);
    }

    @Test
    void sameBitsForAnyThreadSplit() {
        int n = 37, d = 19, kk = 600;
        Tensor q = Tensor.of(InfoNceOracle.unitRows(31, n, d), n, d), k = Tensor.of(InfoNceOracle.unitRows(32, n, d), n, d);
        Tensor qu = Tensor.of(InfoNceOracle.unitRows(33, kk, d), kk, d);
        Tensor[] a = InfoNce.queueForward(q, k, qu, 0.1f), b = InfoNce.queueForward(q, k, qu, 0.1f);
        assertEquals(Float.floatToRawIntBits(a[0].item()), Float.floatToRawIntBits(b[0].item()));
        Tensor ga = InfoNce.queueBackward(q, k, qu, a[1], 0.1f, 1f), gb = InfoNce.queueBackward(q, k, qu, b[1], 0.1f, 1f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(ga.toFloatArray(), gb.toFloatArray());
    }

    private static void assertFails(Executable call, String... facts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : facts) assertTrue(e.getMessage().contains(f), "message should mention '" + f + "': " + e.getMessage());
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        Tensor q = Tensor.ones(3, 4), queue = Tensor.ones(5, 4);
        assertFails(() -> InfoNce.queueForward(q, Tensor.ones(2, 4), queue, 0.1f), "infoNceQueueForward", "[3, 4]", "[2, 4]");
        assertFails(() -> InfoNce.queueForward(q, q, Tensor.ones(5, 3), 0.1f), "queue", "[5, 3]", "D");
        assertFails(() -> InfoNce.queueForward(q, q, Tensor.zeros(0, 4), 0.1f), "K >= 1");
        assertFails(() -> InfoNce.queueForward(q, q, queue, 0f), "tau", "0.0");
        assertFails(() -> InfoNce.queueForward(q, q, queue, -1f), "tau");
        assertFails(() -> InfoNce.queueForward(q, q, queue, Float.NaN), "tau", "NaN");
        assertFails(() -> InfoNce.queueForward(q, q, queue, Float.POSITIVE_INFINITY), "tau", "Infinity");
        assertFails(() -> InfoNce.queueForward(Tensor.ones(0, 4), Tensor.ones(0, 4), queue, 0.1f), "N >= 1");
        assertFails(() -> InfoNce.queueForward(Tensor.ones(4), Tensor.ones(4), queue, 0.1f), "2-d", "[4]");
        Tensor bad = Tensor.ones(5, 4);
        bad.storage();
        float[] b = bad.toFloatArray();
        b[6] = Float.NaN;
        assertFails(() -> InfoNce.queueForward(q, q, Tensor.of(b, 5, 4), 0.1f), "queue", "finite", "[1, 2]", "NaN");
        float[] c = q.toFloatArray();
        c[0] = Float.NEGATIVE_INFINITY;
        assertFails(() -> InfoNce.inBatchForward(Tensor.of(c, 3, 4), q, 10f, true), "infoNceInBatchForward", "q", "[0, 0]");
        assertFails(() -> InfoNce.inBatchForward(q, q, 0f, true), "logit scale");
        assertFails(() -> InfoNce.queueBackward(q, q, queue, Tensor.ones(2), 0.1f, 1f), "lse", "[3]", "[2]");
        assertFails(() -> InfoNce.inBatchBackward(q, q, Tensor.ones(3), Tensor.ones(4), 10f, true, 1f), "lseCol", "[3]", "[4]");
        assertFails(() -> InfoNce.inBatchBackward(q, q, Tensor.ones(3), null, 10f, true, Float.NaN), "lseCol");
        assertFails(() -> InfoNce.inBatchBackward(q, q, Tensor.ones(3), Tensor.ones(3), 10f, true, Float.NaN), "gradScale");
    }
}
