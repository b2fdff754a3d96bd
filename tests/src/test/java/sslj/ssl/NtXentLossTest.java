package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.nn.contrastive.NtXentLoss;
import sslj.tensor.Generator;
import sslj.tensor.NtXentOracle;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/** NtXentLoss: values against the oracle on normalised inputs, and gradcheck through the normalisation. */
class NtXentLossTest {
    @Test void valueMatchesOracleOfNormalisedRows() {
        Tensor z1 = Tensor.randn(new Generator(1), 5, 7).mul(3f), z2 = Tensor.randn(new Generator(2), 5, 7);
        Variable loss = new NtXentLoss(0.5f).forward(Variable.param(z1), Variable.param(z2));
        Tensor zn = Tensor.cat(0, z1, z2).l2Normalize(1);
        NtXentOracle ref = new NtXentOracle(zn.toFloatArray(), 10, 7, 0.5);
        Close.assertClose("loss", new double[] {ref.loss}, loss.data().toFloatArray(), 1e-5, 1e-5);
    }

    @Test void gradcheckTwoViews() {
        Tensor z1 = Tensor.randn(new Generator(3), 3, 4), z2 = Tensor.randn(new Generator(4), 3, 4);
        NtXentLoss f = new NtXentLoss(0.5f);
        GradCheck.check(x -> f.forward(x[0], x[1]), 1e-2, 2e-3, 2e-2, z1, z2);
    }

    @Test void gradcheckStackedViewsAwkwardSizes() {
        GradCheck.check(x -> new NtXentLoss(0.3f).forward(x[0]), 1e-2, 2e-3, 2e-2, Tensor.randn(new Generator(5), 14, 5));
        GradCheck.check(x -> new NtXentLoss(1f).forward(x[0]), 1e-2, 2e-3, 2e-2, Tensor.randn(new Generator(6), 2, 3));
    }

    @Test void gradientMatchesOracleChainRule() {
        // with already-unit rows the normalisation's Jacobian is the projection I − z zᵀ; the oracle's grad projected
        float[] z = NtXentOracle.unitRows(8, 8, 5);
        Variable x = Variable.param(Tensor.of(z, 8, 5));
        new NtXentLoss(0.2f).forward(x).backward();
        NtXentOracle ref = new NtXentOracle(z, 8, 5, 0.2);
        double[] proj = new double[z.length];
        for (int i = 0; i < 8; i++) {
            double dot = 0;
            for (int k = 0; k < 5; k++) dot += ref.grad[i * 5 + k] * z[i * 5 + k];
            for (int k = 0; k < 5; k++) proj[i * 5 + k] = ref.grad[i * 5 + k] - dot * z[i * 5 + k];
        }
        Close.assertClose("dz", new int[] {8, 5}, proj, x.grad(), 1e-5, 1e-4);
    }

    @Test void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new NtXentLoss(0f));
        assertThrows(IllegalArgumentException.class, () -> new NtXentLoss(Float.NaN));
        NtXentLoss f = new NtXentLoss(0.1f);
        assertThrows(IllegalArgumentException.class, () -> f.forward(Variable.param(Tensor.zeros(3, 2)), Variable.param(Tensor.zeros(2, 2))));
        assertThrows(IllegalArgumentException.class, () -> f.forward(Variable.param(Tensor.zeros(3, 2))));
        assertEquals(0.1f, f.temperature());
    }
}
