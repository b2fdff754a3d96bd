package sslj.nn.contrastive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.InfoNceOracle;

/** The user-facing InfoNceLoss: each factory computes the loss its paper defines, gradients check out. */
class InfoNceLossTest {
    private static Tensor randn(long seed, int... shape) { return Tensor.randn(new Generator(seed), shape); }

    private static float[] normalised(Tensor x) { return x.l2Normalize(1).toFloatArray(); }

    @Test
    void mocoQueueLossMatchesTheOracleAndOnlyQGetsAGradient() {
        int n = 6, d = 5, kk = 20;
        Tensor q = randn(1, n, d), k = randn(2, n, d), queue = Tensor.of(InfoNceOracle.unitRows(3, kk, d), kk, d);
        Variable vq = Variable.param(q), vk = Variable.param(k);
        Variable loss = InfoNceLoss.queue(0.2f).forward(vq, vk, queue);
        assertEquals(InfoNceOracle.queue(normalised(q), normalised(k), queue.toFloatArray(), n, d, kk, 0.2).loss(), loss.item(), 1e-5);
        loss.backward();
        assertNotNull(vq.grad());
        assertNull(vk.grad());
        GradCheck.check(x -> InfoNceLoss.queue(0.5f).forward(x[0], Variable.constant(k), queue), q);
    }

    @Test
    void mocoV3IsOneSidedTimesTwoTau() {
        int n = 5, d = 4;
        Tensor q = randn(4, n, d), k = randn(5, n, d);
        float v = InfoNceLoss.mocoV3(0.2f).forward(Variable.constant(q), Variable.constant(k)).item();
        double ref = 0.4 * InfoNceOracle.inBatch(normalised(q), normalised(k), n, d, 5.0, false).loss();
        assertEquals(ref, v, 1e-5);
        GradCheck.check(x -> InfoNceLoss.mocoV3(0.5f).forward(x[0], x[1]), q, k);
    }

    @Test
    void clipLearnsItsLogitScaleCappedAt100() {
        int n = 7, d = 3;
        Tensor q = randn(6, n, d), k = randn(7, n, d);
        InfoNceLoss clip = InfoNceLoss.clip(0.07f);
        assertEquals(1 / 0.07f, clip.currentScale(), 1e-3);
        Variable loss = clip.forward(Variable.param(q), Variable.param(k));
        assertEquals(InfoNceOracle.inBatch(normalised(q), normalised(k), n, d, Math.exp(clip.logitScale().item()), true).loss(), loss.item(), 1e-4);
        loss.backward();
        assertNotNull(clip.logitScale().grad());
        // the scale gradient through exp: d loss / d log s = s · d loss / d s
        double s = Math.exp(clip.logitScale().item());
        assertEquals(s * InfoNceOracle.inBatch(normalised(q), normalised(k), n, d, s, true).dScale(), clip.logitScale().grad().item(), 1e-4);
        // past the cap: s = 100 and no gradient reaches the parameter
        InfoNceLoss capped = InfoNceLoss.clip(0.001f);
        assertEquals(100f, capped.currentScale());
        capped.forward(Variable.param(q), Variable.param(k)).backward();
        assertEquals(0f, capped.logitScale().grad().item());
    }

    @Test
    void wrongFormOrTemperatureIsRefused() {
        Variable q = Variable.constant(Tensor.ones(2, 3));
        assertThrows(IllegalStateException.class, () -> InfoNceLoss.queue(0.1f).forward(q, q));
        assertThrows(IllegalStateException.class, () -> InfoNceLoss.inBatch(0.1f, true).forward(q, q, Tensor.ones(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> InfoNceLoss.queue(0f));
        assertThrows(IllegalArgumentException.class, () -> InfoNceLoss.queue(Float.NaN));
        assertThrows(UnsupportedOperationException.class, () -> InfoNceLoss.queue(0.1f).forward(q));
    }
}
