package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.nn.optim.OptimTesting.exact;
import static sslj.nn.optim.OptimTesting.norm;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.OptimTesting.setGrad;
import static sslj.nn.optim.SGDTest.assertMessage;
import static sslj.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;

/** LARS against You et al.'s Algorithm 1 written out in double precision. */
class LARSTest {
    static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.6, 0.2}, {0.1, -0.4, 0.8}};

    /** λ = η‖p‖/(‖g‖ + wd‖p‖ + ε) (1 if a norm is 0); v = μv + lr·λ·(g + wd·p); p −= v. Excluded: v = μv + lr·g. */
    static double[] reference(double[] p0, double lr, double mu, double wd, double eta, double eps, boolean excluded, int steps) {
        double[] p = exact(p0), v = new double[p.length];
        for (int s = 0; s < steps; s++) {
            double[] g = exact(GRADS[s]);
            double local = 1, decay = 0;
            if (!excluded) {
                double pn = norm(p), gn = norm(g);
                decay = wd;
                if (pn > 0 && gn > 0) local = eta * pn / (gn + wd * pn + eps);
            }
            for (int i = 0; i < p.length; i++) {
                v[i] = mu * v[i] + lr * local * (g[i] + decay * p[i]);
                p[i] -= v[i];
            }
        }
        return p;
    }

    static float[] run(double[] p0, double lr, double mu, double wd, double eta, double eps, boolean excluded, int steps) {
        Variable p = param(p0);
        LARS opt = new LARS(List.of(ParamGroup.of(p).excluded(excluded)), lr, mu, wd, eta, eps);
        for (int s = 0; s < steps; s++) {
            setGrad(p, GRADS[s]);
            opt.step();
        }
        return p.data().toFloatArray();
    }

    static void check(String what, double[] p0, double lr, double mu, double wd, double eta, double eps, boolean excluded) {
        for (int steps = 1; steps <= 3; steps++) {
            assertClose(what + " after " + steps + " steps", reference(p0, lr, mu, wd, eta, eps, excluded, steps),
                    run(p0, lr, mu, wd, eta, eps, excluded, steps), 1e-6, 1e-5);
        }
    }

    @Test void adapted() { check("adapted", new double[] {1.0, -2.0, 0.5}, 0.3, 0.9, 1e-6, 0.001, 0, false); }
    @Test void adaptedLargeDecayAndEps() { check("adapted, wd 0.1, eps", new double[] {1.0, -2.0, 0.5}, 1.0, 0.9, 0.1, 0.02, 1e-3, false); }
    @Test void excluded() { check("excluded", new double[] {1.0, -2.0, 0.5}, 0.3, 0.9, 0.1, 0.001, 0, true); }
    @Test void zeroParameterNorm() { check("zero ‖p‖", new double[] {0, 0, 0}, 0.3, 0.9, 0.1, 0.001, 0, false); }

    @Test
    void adaptedByHand() {
        // p = (3, 4): ‖p‖ = 5; g = (0, 1): ‖g‖ = 1; η = 0.1, wd = 0.2: λ = 0.1·5/(1 + 1) = 0.25;
        // lr 2: v = 2·0.25·(g + 0.2p) = 0.5·(0.6, 1.8) = (0.3, 0.9); p = (2.7, 3.1)
        Variable p = param(3, 4);
        LARS opt = new LARS(List.of(ParamGroup.of(p)), 2.0, 0.9, 0.2, 0.1, 0);
        setGrad(p, 0, 1);
        opt.step();
        assertClose("by hand", new double[] {2.7, 3.1}, p.data().toFloatArray(), 1e-6, 1e-6);
    }

    @Test
    void zeroGradientLeavesParameterWithoutDecayTrustOne() {
        // ‖g‖ = 0: λ = 1, so the step is lr·wd·p
        Variable p = param(1, 2);
        LARS opt = new LARS(List.of(ParamGroup.of(p)), 0.5, 0.9, 0.1, 0.001, 0);
        setGrad(p, 0, 0);
        opt.step();
        assertClose("zero grad", new double[] {1 - 0.05, 2 - 0.1}, p.data().toFloatArray(), 1e-7, 1e-6);
    }

    @Test
    void decayAndNoDecayGroupsOfAModule() {
        OptimTesting.TinyNet net = new OptimTesting.TinyNet();
        List<ParamGroup> groups = ParamGroup.decayAndNoDecay(net);
        LARS opt = new LARS(groups, 0.3, 1e-6);
        assertEquals(List.of(net.weight), opt.groups().get(0).params());
        assertEquals(3, opt.groups().get(1).size()); // bias, norm.weight, norm.bias
        assertEquals(1e-6, opt.groups().get(0).weightDecay());
        assertEquals(0.0, opt.groups().get(1).weightDecay());
        assertEquals(true, opt.groups().get(1).excluded());
    }

    @Test
    void badArguments() {
        List<ParamGroup> g = List.of(ParamGroup.of(param(1.0)));
        assertMessage("lr", () -> new LARS(g, -1, 0));
        assertMessage("momentum", () -> new LARS(g, 0.1, 1.0, 0, 0.001, 0));
        assertMessage("trustCoefficient", () -> new LARS(g, 0.1, 0.9, 0, 0, 0));
        assertMessage("eps", () -> new LARS(g, 0.1, 0.9, 0, 0.001, -1));
        assertMessage("weightDecay", () -> new LARS(g, 0.1, -1e-6));
    }
}
