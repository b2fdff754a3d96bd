package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.functions.InfoNceFunctions;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.InfoNceOracle;

/** The InfoNCE autograd ops against central finite differences, composed with l2Normalize as the wrappers use them. */
class InfoNceGradTest {
    private static Tensor randn(long seed, int... shape) { return Tensor.randn(new Generator(seed), shape); }

    @Test
    void queueFormGradientToQ() {
        for (int[] c : new int[][] {{1, 3, 1}, {3, 5, 7}, {5, 4, 300}}) {
            int n = c[0], d = c[1], kk = c[2];
            Tensor k = Tensor.of(InfoNceOracle.unitRows(11, n, d), n, d), queue = Tensor.of(InfoNceOracle.unitRows(12, kk, d), kk, d);
            GradCheck.check(x -> InfoNceFunctions.queue(x[0].l2Normalize(1), Variable.constant(k), queue, 0.5f), randn(13, n, d));
        }
    }

    @Test
    void inBatchGradientsToQKAndTheScale() {
        for (boolean sym : new boolean[] {true, false}) {
            for (int[] c : new int[][] {{1, 3}, {2, 4}, {5, 3}, {9, 6}}) {
                int n = c[0], d = c[1];
                GradCheck.check(x -> InfoNceFunctions.inBatch(x[0].l2Normalize(1), x[1].l2Normalize(1), x[2], sym),
                        randn(21, n, d), randn(22, n, d), Tensor.scalar(2.5f));
            }
        }
    }

    @Test
    void learnableLogScaleThroughExp() {
        GradCheck.check(x -> InfoNceFunctions.inBatch(x[0].l2Normalize(1), x[1].l2Normalize(1), x[2].exp(), true),
                randn(31, 6, 4), randn(32, 6, 4), Tensor.scalar(0.7f));
    }

    @Test
    void backwardScalesWithTheIncomingGradient() {
        Tensor q = randn(41, 4, 3), k = randn(42, 4, 3), queue = Tensor.of(InfoNceOracle.unitRows(43, 5, 3), 5, 3);
        Variable a = Variable.param(q);
        InfoNceFunctions.queue(a.l2Normalize(1), Variable.constant(k).l2Normalize(1), queue, 0.2f).backward();
        Variable b = Variable.param(q);
        InfoNceFunctions.queue(b.l2Normalize(1), Variable.constant(k).l2Normalize(1), queue, 0.2f).mul(3f).backward();
        float[] ga = a.grad().toFloatArray(), gb = b.grad().toFloatArray();
        for (int i = 0; i < ga.length; i++) assertEquals(3 * ga[i], gb[i], 1e-5 * (1 + Math.abs(gb[i])));
    }

    @Test
    void theQueueFormRefusesAKeyThatWantsAGradient() {
        Tensor q = randn(51, 2, 3), queue = Tensor.of(InfoNceOracle.unitRows(52, 4, 3), 4, 3);
        assertThrows(IllegalArgumentException.class,
                () -> new InfoNceFunctions.Queue(0.1f).apply(Variable.param(q), Variable.param(q), Variable.constant(queue)));
    }
}
