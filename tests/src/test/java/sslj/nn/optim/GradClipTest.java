package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.OptimTesting.setGrad;
import static sslj.nn.optim.SGDTest.assertMessage;
import static sslj.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;

class GradClipTest {
    @Test
    void belowMaxLeavesGradientsAndReturnsNorm() {
        Variable a = param(0, 0), b = param(0), c = param(5);
        setGrad(a, 3, 4);
        setGrad(b, 12);                                     // ‖(3, 4, 12)‖ = 13; c has no gradient
        assertEquals(13f, GradClip.clipGradNorm(List.of(a, b, c), 26), 1e-6);
        assertClose("a", new double[] {3, 4}, a.grad().toFloatArray(), 0, 0);
        assertClose("b", new double[] {12}, b.grad().toFloatArray(), 0, 0);
        assertNull(c.grad());
    }

    @Test
    void aboveMaxScalesToMax() {
        Variable a = param(0, 0), b = param(0);
        setGrad(a, 3, 4);
        setGrad(b, 12);
        assertEquals(13f, GradClip.clipGradNorm(List.of(a, b), 6.5), 1e-6);
        double k = 6.5 / (13 + 1e-6);
        assertClose("a", new double[] {3 * k, 4 * k}, a.grad().toFloatArray(), 1e-6, 1e-6);
        assertClose("b", new double[] {12 * k}, b.grad().toFloatArray(), 1e-6, 1e-6);
        assertEquals(6.5, Math.sqrt(Math.pow(a.grad().get(0), 2) + Math.pow(a.grad().get(1), 2) + Math.pow(b.grad().get(0), 2)), 1e-5);
    }

    @Test
    void noGradientsAndBadMax() {
        assertEquals(0f, GradClip.clipGradNorm(List.of(param(1)), 1));
        assertMessage("maxNorm", () -> GradClip.clipGradNorm(List.of(param(1)), -1));
    }
}
