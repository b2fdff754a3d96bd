package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Options;
import sslj.tensor.Device;

/** BYOL: the step (cosine τ, exact EMA, target without gradient), 2 − 2cos symmetrised vs a double reference, BN on/off heads. */
class ByolTest {
    @Test void stepMovesOnlineAndEmaTargetExactly() {
        Options o = Tiny.options();
        o.momentum = 0.8;
        Byol m = new Byol(o, Tiny.ENCODER);
        Optimizer opt = m.optimizer(o);
        assertTrue(opt instanceof LARS);
        for (int s = 0; s < 2; s++) {
            Map<String, float[]> on0 = Tiny.snapshot(m.online()), pr0 = Tiny.snapshot(m.predictor()), t0 = Tiny.snapshot(m.target());
            double loss = Tiny.step(m, opt, Tiny.batch(8, 50 + s), s, 5);
            assertTrue(Double.isFinite(loss) && loss >= 0 && loss <= 8, "loss " + loss);
            Tiny.assertMoved(m.online(), on0);
            Tiny.assertMoved(m.predictor(), pr0);
            assertEquals(1 - 0.2 * (Math.cos(Math.PI * s / 5) + 1) / 2, m.momentumAt(s, 5), 1e-12);
            Tiny.assertEma(m.target(), t0, m.online(), (float) m.momentumAt(s, 5));
            Tiny.assertNoGrad(m.target());
        }
    }

    @Test void lossMatchesDoubleReference() {
        Options o = Tiny.options();
        Byol m = new Byol(o, Tiny.ENCODER);
        Batch b = Tiny.batch(6, 12);
        Variable v1 = Variable.constant(b.view(0)), v2 = Variable.constant(b.view(1));
        float[] p1 = m.predictor().forward(m.online().forward(v1)).data().toFloatArray();
        float[] p2 = m.predictor().forward(m.online().forward(v2)).data().toFloatArray();
        float[] z1 = m.target().forward(v1).data().toFloatArray(), z2 = m.target().forward(v2).data().toFloatArray();
        double ref = reg(p1, z2, 6) + reg(p2, z1, 6);
        assertEquals(ref, m.loss(b, Device.CPU, 0).item(), 1e-5 * Math.max(1, ref));
    }

    static double reg(float[] p, float[] z, int n) {
        double[][] pn = Tiny.rows(p, n), zn = Tiny.rows(z, n);
        double s = 0;
        for (int i = 0; i < n; i++) s += 2 - 2 * Tiny.dot(pn[i], zn[i]);
        return s / n;
    }

    @Test void noBnHeadsFlagRemovesBatchNormFromBothHeads() {
        Options o = Tiny.options();
        long bn = count(new Byol(o, Tiny.ENCODER));
        o.noBnHeads = true;
        Byol plain = new Byol(o, Tiny.ENCODER);
        assertEquals(3, bn, "BN after the hidden layer of projector (online, target) and predictor");
        assertEquals(0, count(plain));
        assertTrue(plain.name().contains("without BN"));
    }

    private static long count(Byol m) {
        long n = 0;
        for (var t : new sslj.nn.Module[] {m.online().head(), m.target().head(), m.predictor()}) {
            for (var c : t.children().values()) if (c instanceof BatchNorm1d) n++;
        }
        return n;
    }
}
