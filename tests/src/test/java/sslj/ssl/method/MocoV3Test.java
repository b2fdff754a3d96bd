package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.nn.VisionTransformer;
import sslj.nn.optim.Optimizer;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.tensor.Device;

/** MoCo v3: the step (cosine momentum, exact EMA, no queue), the symmetric loss vs a double reference, the ViT variant. */
class MocoV3Test {
    @Test void stepMovesOnlineAndPredictorAndEmaTargetExactly() {
        Options o = Tiny.options();
        MocoV3 m = new MocoV3(o, Tiny.ENCODER);
        Optimizer opt = m.optimizer(o);
        long total = 4;
        for (int s = 0; s < 2; s++) {
            Map<String, float[]> on0 = Tiny.snapshot(m.online()), pr0 = Tiny.snapshot(m.predictor()), t0 = Tiny.snapshot(m.target());
            double loss = Tiny.step(m, opt, Tiny.batch(8, 30 + s), s, total);
            assertTrue(Double.isFinite(loss));
            Tiny.assertMoved(m.online(), on0);
            Tiny.assertMoved(m.predictor(), pr0);
            float mk = (float) m.momentumAt(s, total);
            assertEquals(1 - (1 - 0.9) * (Math.cos(Math.PI * s / total) + 1) / 2, m.momentumAt(s, total), 1e-12);
            Tiny.assertEma(m.target(), t0, m.online(), mk);
            Tiny.assertNoGrad(m.target());
        }
        assertEquals(1.0, m.momentumAt(total, total), 0);
    }

    /** ctr(q1, k2) + ctr(q2, k1), ctr(q, k) = 2τ · mean_i [LSE_j(q̂_i·k̂_j/τ) − q̂_i·k̂_i/τ], in double. */
    @Test void lossMatchesDoubleReference() {
        Options o = Tiny.options();
        MocoV3 m = new MocoV3(o, Tiny.ENCODER);
        Batch b = Tiny.batch(6, 4);
        Variable x1 = Variable.constant(b.view(0)), x2 = Variable.constant(b.view(1));
        float[] q1 = m.predictor().forward(m.online().forward(x1)).data().toFloatArray();
        float[] q2 = m.predictor().forward(m.online().forward(x2)).data().toFloatArray();
        float[] k1 = m.target().forward(x1).data().toFloatArray(), k2 = m.target().forward(x2).data().toFloatArray();
        double tau = o.temperature;
        double ref = ctr(q1, k2, 6, tau) + ctr(q2, k1, 6, tau);
        assertEquals(ref, m.loss(b, Device.CPU, 0).item(), 1e-4 * Math.max(1, ref));
    }

    static double ctr(float[] q, float[] k, int n, double tau) {
        double[][] qn = Tiny.rows(q, n), kn = Tiny.rows(k, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            double[] l = new double[n];
            for (int j = 0; j < n; j++) max = Math.max(max, l[j] = Tiny.dot(qn[i], kn[j]) / tau);
            for (int j = 0; j < n; j++) sum += Math.exp(l[j] - max);
            s += max + Math.log(sum) - l[i];
        }
        return 2 * tau * s / n;
    }

    @Test void vitStepLeavesThePatchProjectionFrozen() {
        Options o = Tiny.options();
        o.lr = 1e-3;
        o.weightDecay = 0.1;
        MocoV3 m = new MocoV3(o, gen -> {
            VisionTransformer v = new VisionTransformer(1, 8, 4, 8, 1, 2, 2, gen);
            return new Encoders.Backbone(v, v.featureDim());
        });
        assertTrue(m.optimizer(o) instanceof sslj.nn.optim.AdamW);
        Optimizer opt = m.optimizer(o);
        VisionTransformer vit = (VisionTransformer) m.online().encoder();
        float[] w0 = vit.patchEmbed().weight().data().toFloatArray();
        Map<String, float[]> on0 = Tiny.snapshot(m.online()), t0 = Tiny.snapshot(m.target());
        double loss = Tiny.step(m, opt, Tiny.batch(6, 8), 0, 10);
        assertTrue(Double.isFinite(loss));
        assertNull(vit.patchEmbed().weight().grad());
        assertTrue(Arrays.equals(w0, vit.patchEmbed().weight().data().toFloatArray()), "the patch projection moved");
        Tiny.assertMoved(m.online(), on0);
        Tiny.assertEma(m.target(), t0, m.online(), (float) m.momentumAt(0, 10));
    }
}
