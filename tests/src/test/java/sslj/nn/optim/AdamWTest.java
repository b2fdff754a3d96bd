package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.nn.optim.OptimTesting.exact;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.OptimTesting.setGrad;
import static sslj.nn.optim.SGDTest.assertMessage;
import static sslj.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;

/** AdamW against Loshchilov and Hutter's rule (PyTorch's form) written out in double precision. */
class AdamWTest {
    static final double[] P0 = {1.0, -2.0, 0.5};
    static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.6, 0.2}, {0.1, -0.4, 0.8}};

    static double[] reference(double lr, double b1, double b2, double eps, double wd, int steps) {
        double[] p = exact(P0), m = new double[3], v = new double[3];
        for (int t = 1; t <= steps; t++) {
            double[] g = exact(GRADS[t - 1]);
            double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < 3; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
            }
        }
        return p;
    }

    static float[] run(double lr, double b1, double b2, double eps, double wd, int steps) {
        Variable p = param(P0);
        AdamW opt = new AdamW(List.of(ParamGroup.of(p)), lr, b1, b2, eps, wd);
        for (int s = 0; s < steps; s++) {
            setGrad(p, GRADS[s]);
            opt.step();
        }
        return p.data().toFloatArray();
    }

    @Test
    void matchesReference() {
        for (double wd : new double[] {0, 0.01, 0.5}) {
            for (int steps = 1; steps <= 3; steps++) {
                assertClose("wd " + wd + " after " + steps + " steps", reference(1e-2, 0.9, 0.999, 1e-8, wd, steps),
                        run(1e-2, 0.9, 0.999, 1e-8, wd, steps), 1e-6, 1e-5);
                assertClose("betas (0.5, 0.9), eps 0.1, wd " + wd + " after " + steps, reference(0.1, 0.5, 0.9, 0.1, wd, steps),
                        run(0.1, 0.5, 0.9, 0.1, wd, steps), 1e-6, 1e-5);
            }
        }
    }

    @Test
    void biasCorrectionByHand() {
        // step 1: m̂ = g, v̂ = g², so p₁ = p₀(1 − lr·wd) − lr·g/(|g| + ε) = 0.999 − 0.1 = 0.899.
        // step 2 (g = 0.25): m = 0.07, v = 0.00031225, m̂ = 0.07/0.19, v̂ = 0.00031225/0.001999;
        // p₂ = 0.899·0.999 − 0.1·m̂/(√v̂ + ε) = 0.804883...
        Variable p = param(1.0);
        AdamW opt = new AdamW(List.of(ParamGroup.of(p)), 0.1);
        setGrad(p, 0.5);
        opt.step();
        assertEquals(0.999 - 0.1 * 0.5 / (0.5 + 1e-8), p.data().item(), 1e-6);
        setGrad(p, 0.25);
        opt.step();
        double mHat = 0.07 / 0.19, vHat = 0.00031225 / 0.001999;
        double expected = (0.999 - 0.1 * 0.5 / (0.5 + 1e-8)) * 0.999 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(0.804883, expected, 1e-6);
        assertEquals(expected, p.data().item(), 1e-6);
    }

    @Test
    void badArguments() {
        List<ParamGroup> g = List.of(ParamGroup.of(param(1.0)));
        assertMessage("lr", () -> new AdamW(g, -1e-3));
        assertMessage("beta1", () -> new AdamW(g, 1e-3, 1.0, 0.999, 1e-8, 0));
        assertMessage("beta2", () -> new AdamW(g, 1e-3, 0.9, -0.1, 1e-8, 0));
        assertMessage("eps", () -> new AdamW(g, 1e-3, 0.9, 0.999, -1, 0));
        assertMessage("weightDecay", () -> new AdamW(g, 1e-3, 0.9, 0.999, 1e-8, -0.01));
    }
}
