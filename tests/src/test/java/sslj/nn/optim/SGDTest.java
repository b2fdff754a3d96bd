package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sslj.nn.optim.OptimTesting.exact;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.OptimTesting.setGrad;
import static sslj.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;

/** SGD against PyTorch's update rule written out in double precision. */
class SGDTest {
    static final double[] P0 = {1.0, -2.0, 0.5};
    static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.6, 0.2}, {0.1, -0.4, 0.8}};

    /** torch.optim.SGD's rule in double: g += wd·p; b = g (first) or μb + (1−τ)g; d = g + μb or b; p −= lr·d. */
    static double[] reference(double lr, double mu, double damp, double wd, boolean nesterov, int steps) {
        double[] p = exact(P0), buf = null;
        for (int s = 0; s < steps; s++) {
            double[] g = exact(GRADS[s]);
            for (int i = 0; i < p.length; i++) g[i] += wd * p[i];
            double[] d = g.clone();
            if (mu != 0) {
                if (buf == null) buf = g.clone();
                else for (int i = 0; i < p.length; i++) buf[i] = mu * buf[i] + (1 - damp) * g[i];
                for (int i = 0; i < p.length; i++) d[i] = nesterov ? g[i] + mu * buf[i] : buf[i];
            }
            for (int i = 0; i < p.length; i++) p[i] -= lr * d[i];
        }
        return p;
    }

    static float[] run(double lr, double mu, double damp, double wd, boolean nesterov, int steps) {
        Variable p = param(P0);
        SGD opt = new SGD(List.of(ParamGroup.of(p)), lr, mu, damp, wd, nesterov);
        for (int s = 0; s < steps; s++) {
            setGrad(p, GRADS[s]);
            opt.step();
        }
        return p.data().toFloatArray();
    }

    static void check(String what, double lr, double mu, double damp, double wd, boolean nesterov) {
        for (int steps = 1; steps <= 3; steps++) {
            assertClose(what + " after " + steps + " steps", reference(lr, mu, damp, wd, nesterov, steps),
                    run(lr, mu, damp, wd, nesterov, steps), 1e-6, 1e-5);
        }
    }

    @Test void plain() { check("plain", 0.1, 0, 0, 0, false); }
    @Test void momentum() { check("momentum", 0.1, 0.9, 0, 0, false); }
    @Test void nesterov() { check("nesterov", 0.1, 0.9, 0, 0, true); }
    @Test void weightDecay() { check("weight decay", 0.1, 0.9, 0, 0.01, false); }
    @Test void dampening() { check("dampening", 0.1, 0.9, 0.5, 0.001, false); }
    @Test void nesterovWithDecay() { check("nesterov + wd", 0.05, 0.8, 0, 0.1, true); }

    @Test
    void momentumByHand() {
        // p = 1, g = 0.5, lr 0.1, μ 0.9: b₁ = 0.5, p₁ = 0.95; b₂ = 0.9·0.5 + 0.5 = 0.95, p₂ = 0.95 − 0.095 = 0.855
        Variable p = param(1.0);
        SGD opt = new SGD(List.of(ParamGroup.of(p)), 0.1, 0.9, 0);
        setGrad(p, 0.5);
        opt.step();
        assertEquals(0.95, p.data().item(), 1e-7);
        setGrad(p, 0.5);
        opt.step();
        assertEquals(0.855, p.data().item(), 1e-7);
    }

    @Test
    void skipsParametersWithoutGradient() {
        Variable a = param(1.0), b = param(2.0);
        SGD opt = new SGD(List.of(ParamGroup.of(a, b)), 0.5);
        setGrad(a, 1.0);
        opt.step();
        assertEquals(0.5f, a.data().item());
        assertEquals(2.0f, b.data().item());
        assertTrue(opt.state().containsKey("state/0.0/step") && !opt.state().containsKey("state/0.1/step"));
    }

    @Test
    void badArguments() {
        List<ParamGroup> g = List.of(ParamGroup.of(param(1.0)));
        assertMessage("lr", () -> new SGD(g, -0.1));
        assertMessage("momentum", () -> new SGD(g, 0.1, 1.0, 0));
        assertMessage("momentum", () -> new SGD(g, 0.1, -0.5, 0));
        assertMessage("weightDecay", () -> new SGD(g, 0.1, 0.9, -1));
        assertMessage("dampening", () -> new SGD(g, 0.1, 0.9, 1.5, 0, false));
        assertMessage("nesterov", () -> new SGD(g, 0.1, 0, 0, 0, true));
        assertMessage("nesterov", () -> new SGD(g, 0.1, 0.9, 0.1, 0, true));
        assertMessage("lr", () -> new SGD(g, Double.NaN));
        assertMessage("no parameter groups", () -> new SGD(List.of(), 0.1));
        Variable p = param(1.0);
        assertMessage("twice", () -> new SGD(List.of(ParamGroup.of(p), ParamGroup.of(p)), 0.1));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name '" + part + "'");
    }
}
