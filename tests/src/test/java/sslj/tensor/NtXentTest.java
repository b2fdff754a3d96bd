package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import sslj.testing.Close;

/** The fused CPU NT-Xent against the materialised double oracle, closed-form values, and bad input. */
class NtXentTest {

    static void checkAgainstOracle(float[] z, int r, int d, float tau) {
        NtXentOracle ref = new NtXentOracle(z, r, d, tau);
        Tensor zt = Tensor.of(z, r, d);
        Tensor[] out = NtXent.forward(zt, tau);
        String at = "N=" + r / 2 + " D=" + d + " tau=" + tau;
        assertEquals(0, out[0].dim(), "loss is a scalar");
        Close.assertClose("loss " + at, new double[] {ref.loss}, out[0].toFloatArray(), 1e-5, 1e-5);
        Close.assertClose("lse " + at, new int[] {r}, ref.lse, out[1], 1e-5, 1e-5);
        Tensor g = NtXent.backward(zt, out[1], tau, 1f);
        double gmax = 0;
        for (double v : ref.grad) gmax = Math.max(gmax, Math.abs(v));
        Close.assertClose("grad " + at, new int[] {r, d}, ref.grad, g, 1e-5 * gmax + 1e-7, 1e-4);
        // gradScale multiplies
        Tensor g3 = NtXent.backward(zt, out[1], tau, -3f);
        Close.assertClose("grad*(-3) " + at, g.mul(-3f).toFloatArray(), g3.toFloatArray(), 1e-6 * gmax + 1e-7, 1e-5);
    }

    @ParameterizedTest
    @CsvSource({"1,1,0.5", "1,5,0.1", "2,3,0.5", "3,17,0.2", "7,33,0.1", "33,129,0.07", "65,17,0.5", "65,128,0.1",
                "7,1,1.0", "33,3,0.05", "100,64,0.2"})
    void matchesOracle(int n, int d, float tau) {
        checkAgainstOracle(NtXentOracle.unitRows(1000L * n + d, 2 * n, d), 2 * n, d, tau);
    }

    @Test void unnormalisedInputsAreUsedAsGiven() {
        float[] z = Tensor.randn(new Generator(5), 14, 9).mul(0.7f).toFloatArray();
        checkAgainstOracle(z, 14, 9, 0.3f);
    }

    @Test void smallTemperatureStaysFinite() {
        // logits reach ±100: exercises the max-subtracted online sums
        checkAgainstOracle(NtXentOracle.unitRows(77, 40, 16), 40, 16, 0.01f);
    }

    @Test void allVectorsEqualGiveLog2NMinus1() {
        for (int n : new int[] {1, 2, 3, 50, 200}) {
            float[] z = new float[2 * n * 8];
            for (int i = 0; i < 2 * n; i++) for (int k = 0; k < 8; k++) z[i * 8 + k] = (float) Math.sqrt(1.0 / 8);
            float loss = NtXent.forward(Tensor.of(z, 2 * n, 8), 0.3f)[0].item();
            assertEquals(Math.log(2 * n - 1), loss, 2e-6 * Math.max(1, Math.log(2 * n - 1)), "N=" + n);
        }
    }

    @Test void oneSampleHasZeroLoss() {
        // 2N = 2: each row's only negative is its positive, so the loss is exactly 0
        float[] z = NtXentOracle.unitRows(3, 2, 7);
        Tensor[] out = NtXent.forward(Tensor.of(z, 2, 7), 0.5f);
        assertEquals(0f, out[0].item());
        checkAgainstOracle(z, 2, 7, 0.5f);
    }

    @Test void dominantPositiveGivesZeroLoss() {
        // one-hot rows: pair k uses axis k in both views, so positives are identical and negatives orthogonal
        int n = 6, d = 8;
        float[] z = new float[2 * n * d];
        for (int i = 0; i < 2 * n; i++) z[i * d + i % n] = 1f;
        float loss = NtXent.forward(Tensor.of(z, 2 * n, d), 0.02f)[0].item();
        assertTrue(loss >= 0 && loss < 1e-20, "loss " + loss);
        // and at τ = 1 it is log(e + 2N − 2) − 1 in closed form
        float l1 = NtXent.forward(Tensor.of(z, 2 * n, d), 1f)[0].item();
        assertEquals(Math.log(Math.E + 2 * n - 2) - 1, l1, 1e-6);
    }

    @Test void deterministic() {
        float[] z = NtXentOracle.unitRows(9, 300, 40);
        Tensor zt = Tensor.of(z, 300, 40);
        Tensor[] a = NtXent.forward(zt, 0.1f), b = NtXent.forward(zt, 0.1f);
        assertArrayEquals(a[1].toFloatArray(), b[1].toFloatArray());
        assertEquals(a[0].item(), b[0].item());
        assertArrayEquals(NtXent.backward(zt, a[1], 0.1f, 1f).toFloatArray(), NtXent.backward(zt, a[1], 0.1f, 1f).toFloatArray());
    }

    @Test void stridedInput() {
        // a transposed view and a narrowed view go through the front end as they are
        float[] z = NtXentOracle.unitRows(11, 10, 6);
        Tensor t = Tensor.of(z, 10, 6).t().contiguous().t();
        Tensor[] out = NtXent.forward(t, 0.4f);
        NtXentOracle ref = new NtXentOracle(z, 10, 6, 0.4f);
        Close.assertClose("loss", new double[] {ref.loss}, out[0].toFloatArray(), 1e-5, 1e-5);
        Tensor big = Tensor.of(NtXentOracle.unitRows(12, 12, 6), 12, 6);
        Tensor view = big.narrow(0, 2, 10);
        NtXentOracle ref2 = new NtXentOracle(view.toFloatArray(), 10, 6, 0.4f);
        Close.assertClose("grad", new int[] {10, 6}, ref2.grad,
                NtXent.backward(view, NtXent.forward(view, 0.4f)[1], 0.4f, 1f), 1e-6, 1e-4);
    }

    @Test void badInputs() {
        Tensor z = Tensor.of(NtXentOracle.unitRows(1, 4, 3), 4, 3);
        assertMessage("τ", () -> NtXent.forward(z, 0f));
        assertMessage("τ", () -> NtXent.forward(z, -1f));
        assertMessage("τ", () -> NtXent.forward(z, Float.NaN));
        assertMessage("τ", () -> NtXent.forward(z, Float.POSITIVE_INFINITY));
        assertMessage("even", () -> NtXent.forward(Tensor.zeros(3, 4), 0.5f));
        assertMessage("even", () -> NtXent.forward(Tensor.zeros(0, 4), 0.5f));
        assertMessage("[2N, D]", () -> NtXent.forward(Tensor.zeros(4), 0.5f));
        assertMessage("[2N, D]", () -> NtXent.forward(Tensor.zeros(2, 2, 2), 0.5f));
        float[] bad = NtXentOracle.unitRows(1, 4, 3);
        bad[7] = Float.NaN;
        assertMessage("z[2][1]", () -> NtXent.forward(Tensor.of(bad, 4, 3), 0.5f));
        bad[7] = Float.NEGATIVE_INFINITY;
        assertMessage("finite", () -> NtXent.forward(Tensor.of(bad, 4, 3), 0.5f));
        assertMessage("lse", () -> NtXent.backward(z, Tensor.zeros(3), 0.5f, 1f));
        assertMessage("τ", () -> NtXent.backward(z, Tensor.zeros(4), 0f, 1f));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention " + part);
    }
}
