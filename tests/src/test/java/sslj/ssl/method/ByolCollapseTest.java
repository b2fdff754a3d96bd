package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.optim.Optimizer;
import sslj.ssl.train.Options;

/**
 * BYOL collapses without batch norm in its heads (the seeds' finding; Byol --no-bn-heads), measured
 * with the collapse monitor's statistic computed here directly: the std over the batch of the
 * L2-normalised embeddings per dimension, averaged and times √d (≈ 1 for well spread embeddings,
 * 0 when every image maps to the same direction).
 */
class ByolCollapseTest {
    /** Collapse statistic: mean over dims of the std over the batch of the L2-normalised rows, times √d (≈ 1 spread, 0 collapsed). */
    static double spread(float[] z, int n) {
        double[][] r = Tiny.rows(z, n);
        int d = r[0].length;
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0, var = 0;
            for (int i = 0; i < n; i++) mean += r[i][j];
            mean /= n;
            for (int i = 0; i < n; i++) var += (r[i][j] - mean) * (r[i][j] - mean);
            total += Math.sqrt(var / n);
        }
        return total / d * Math.sqrt(d);
    }

    /** The spread of the online projections z and of the encoder features f on a fixed probe batch, before and after training. */
    record Spread(double z0, double z1, double f0, double f1) { }

    @SuppressWarnings("try")
    static Spread train(boolean bn, int steps, double lr) {
        Options o = Tiny.options();
        o.noBnHeads = !bn;
        o.lr = lr;
        o.momentum = 0.99;
        o.weightDecay = 1.5e-6;
        Byol m = new Byol(o, Tiny.ENCODER);
        Optimizer opt = m.optimizer(o);
        Variable probe = Variable.constant(Tiny.batch(32, 999).view(0));
        double[] z = new double[2], f = new double[2];
        for (int s = 0; s <= steps; s++) {
            if (s == 0 || s == steps) {
                try (NoGrad g = NoGrad.enter()) {
                    z[s == 0 ? 0 : 1] = spread(m.online().forward(probe).data().toFloatArray(), 32);
                    f[s == 0 ? 0 : 1] = spread(m.online().encoder().forward(probe).data().toFloatArray(), 32);
                }
            }
            if (s < steps) Tiny.step(m, opt, Tiny.batch(32, s), s, steps);
        }
        return new Spread(z[0], z[1], f[0], f[1]);
    }

    /**
     * The seeds' finding in miniature: 30 LARS steps (lr 1.0, high so the effect shows within a few
     * steps of a 6-feature encoder; fixed seeds, so deterministic) on random 8×8 images. Measured:
     * with BN heads the projection spread stays ≈ 0.76 → 0.83 and the encoder's ≈ 0.104 → 0.102;
     * without BN it falls 0.084 → 0.010 (projection) and 0.104 → 0.038 (encoder). Without BN the
     * spread also STARTS low (the ReLU features share a large common direction that BN would remove), so
     * the test compares how far each falls relative to its start, plus the end values.
     */
    @Test void withoutBatchNormTheEmbeddingsCollapse() {
        Spread bn = train(true, 30, 1.0), plain = train(false, 30, 1.0);
        String msg = "with BN " + bn + ", without " + plain;
        assertTrue(plain.z1() < 0.5 * plain.z0(), msg);        // falls to below half its start (measured: 0.12x)
        assertTrue(bn.z1() > 0.9 * bn.z0(), msg);              // with BN: does not fall (measured: 1.09x)
        assertTrue(plain.f1() < 0.7 * plain.f0(), msg);        // the encoder's features follow (measured: 0.37x)
        assertTrue(bn.f1() > 0.9 * bn.f0(), msg);
        assertTrue(plain.z1() < 0.1 * bn.z1(), msg);
    }
}
