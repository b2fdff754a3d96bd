package sslj.tensor.cpu;

import org.junit.jupiter.api.Test;
import sslj.tensor.NtXentOracle;
import sslj.testing.Close;

/** The scalar fallback (JVMs without the Vector API) against the oracle, called directly. */
class CpuNtXentScalarTest {
    @Test void scalarPathMatchesOracle() {
        int[][] sizes = {{2, 3}, {14, 17}, {66, 33}};
        for (int[] s : sizes) {
            int r = s[0], d = s[1];
            float[] z = NtXentOracle.unitRows(r * 31L + d, r, d);
            NtXentOracle ref = new NtXentOracle(z, r, d, 0.2);
            float[] lse = new float[r], rowLoss = new float[r], grad = new float[r * d];
            CpuNtXent.Scalar.forward(z, r, d, 0.2f, lse, rowLoss);
            CpuNtXent.Scalar.backward(z, lse, r, d, 0.2f, 1f, grad);
            Close.assertClose("scalar lse r=" + r, ref.lse, lse, 1e-5, 1e-5);
            double gmax = 0;
            for (double v : ref.grad) gmax = Math.max(gmax, Math.abs(v));
            Close.assertClose("scalar grad r=" + r, ref.grad, grad, 1e-5 * gmax, 1e-4);
        }
    }
}
