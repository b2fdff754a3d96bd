package sslj.ssl.method;

import sslj.testing.RefMath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.nn.optim.Optimizer;
import sslj.ssl.InvaSpreadMain;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** InvaSpread: the objective J/m against plain double loops of the paper's formula, its gradient, and one training step. */
class InvaSpreadTest {

    /** J/m of Ye et al. 2019 §3.1, straight from the definitions of P(i|x̂_i) and P(i|x_j), in double. */
    static double reference(float[] f, float[] fHat, int m, int d, double tau) {
        double[][] a = RefMath.unit(f, m, d), b = RefMath.unit(fHat, m, d);
        double j = 0;
        for (int i = 0; i < m; i++) {
            double den = 0;
            for (int k = 0; k < m; k++) den += Math.exp(RefMath.dot(a[k], b[i]) / tau);
            j -= Math.log(Math.exp(RefMath.dot(a[i], b[i]) / tau) / den);                // −log P(i|x̂_i)
        }
        for (int i = 0; i < m; i++) {
            for (int jj = 0; jj < m; jj++) {
                if (jj == i) continue;
                double den = 0;
                for (int k = 0; k < m; k++) den += Math.exp(RefMath.dot(a[k], a[jj]) / tau);
                double p = Math.exp(RefMath.dot(a[i], a[jj]) / tau) / den;                // P(i|x_j)
                j -= Math.log(1 - p);
            }
        }
        return j / m;
    }

    @Test
    void objectiveMatchesThePapersFormula() {
        for (int[] md : new int[][] {{2, 3}, {5, 4}, {9, 16}}) {
            int m = md[0], d = md[1];
            for (double tau : new double[] {0.1, 0.5}) {
                Tensor f = Tensor.randn(new Generator(m * 31 + d), m, d), fh = Tensor.randn(new Generator(m * 17 + d), m, d);
                double got = InvaSpread.objective(Variable.constant(f.l2Normalize(1)), Variable.constant(fh.l2Normalize(1)), (float) tau).item();
                double ref = reference(f.toFloatArray(), fh.toFloatArray(), m, d, tau);
                assertEquals(ref, got, 2e-5 * Math.max(1, Math.abs(ref)), "m=" + m + " d=" + d + " tau=" + tau);
            }
        }
    }

    @Test
    void handCheckedValues() {
        // f̂ = f and the two originals orthogonal, τ = 1: P(i|x̂_i) = e/(e+1), P(i|x_j) = 1/(e+1)
        Tensor f = Tensor.of(new float[][] {{1, 0}, {0, 1}});
        double got = InvaSpread.objective(Variable.constant(f), Variable.constant(f), 1f).item();
        double e = Math.E, want = (-2 * Math.log(e / (e + 1)) - 2 * Math.log(e / (e + 1))) / 2;
        assertEquals(want, got, 1e-6);
    }

    @Test
    void gradientByFiniteDifferences() {
        Tensor f = Tensor.randn(new Generator(1), 4, 3), fh = Tensor.randn(new Generator(2), 4, 3);
        GradCheck.check(x -> InvaSpread.objective(x[0].l2Normalize(1), x[1].l2Normalize(1), 0.5f), 1e-2, 2e-3, 2e-2, f, fh);
    }

    @Test
    void stepIsFiniteAndMovesParameters() {
        Options o = InvaSpreadMain.defaults().parse("--width", "2", "--batch-size", "6");
        InvaSpread m = InvaSpreadMain.build(o);
        Optimizer opt = m.optimizer(o);
        Map<String, Variable> params = m.trainable().namedParameters();
        Map<String, float[]> before = new HashMap<>();
        params.forEach((k, v) -> before.put(k, v.data().toFloatArray()));
        Variable loss = m.loss(SimClrTest.batch(6, 1, 8, 5), Device.CPU, 0);
        assertTrue(Double.isFinite(loss.item()), "loss " + loss.item());
        opt.zeroGrad();
        loss.backward();
        params.forEach((k, v) -> assertNotNull(v.grad(), "no gradient reached " + k));
        opt.step();
        for (Map.Entry<String, Variable> e : params.entrySet()) {
            float[] a = before.get(e.getKey()), b = e.getValue().data().toFloatArray();
            boolean changed = false;
            for (int i = 0; i < a.length; i++) changed |= a[i] != b[i];
            assertTrue(changed, e.getKey() + " did not move");
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> InvaSpread.objective(Variable.constant(Tensor.ones(1, 3)), Variable.constant(Tensor.ones(1, 3)), 0.1f));
        Options o = InvaSpreadMain.defaults().parse("--batch-size", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InvaSpreadMain.check(o));
        assertTrue(e.getMessage().contains("--batch-size"), e.getMessage());
        assertEquals(0.1, InvaSpreadMain.defaults().temperature);
    }
}
