package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class DropoutTest {
    @Test void zeroesAboutPAndScalesSurvivorsByOneOverOneMinusP() {
        float p = 0.3f;
        int n = 100_000;
        Variable y = new Dropout(p, new Generator(20)).forward(Variable.constant(Tensor.ones(n)));
        int zeros = 0;
        for (float v : y.data().toFloatArray()) {
            if (v == 0) zeros++;
            else assertEquals(1 / (1 - p), v, 1e-6, "survivors are scaled");
        }
        // binomial: sd = √(n p (1 − p)) ≈ 145; allow 5 sd
        assertEquals(p * n, zeros, 5 * Math.sqrt(n * p * (1 - p)));
        assertEquals(1.0, y.data().mean().item(), 0.02, "expectation preserved");
    }

    @Test void evalModeIsIdentity() {
        Dropout d = new Dropout(0.5f, new Generator(21));
        d.eval();
        Variable x = Variable.constant(Tensor.randn(new Generator(1), 50));
        assertSame(x, d.forward(x));
    }

    @Test void sameSeedSameMaskAndGradientFollowsTheMask() {
        Tensor x = Tensor.randn(new Generator(2), 8, 16);
        float[] a = new Dropout(0.5f, new Generator(22)).forward(Variable.constant(x)).data().toFloatArray();
        float[] b = new Dropout(0.5f, new Generator(22)).forward(Variable.constant(x)).data().toFloatArray();
        assertArrayEquals(a, b);
        Dropout d = new Dropout(0.5f, new Generator(23));
        Variable xv = Variable.param(x);
        Variable y = d.forward(xv);
        y.sum().backward();
        float[] ys = y.data().toFloatArray(), gs = xv.grad().toFloatArray();
        for (int i = 0; i < ys.length; i++) assertEquals(ys[i] == 0 ? 0f : 2f, gs[i], "grad is the scaled mask");
        float[] c = new Dropout(0.5f, new Generator(24)).forward(Variable.constant(x)).data().toFloatArray();
        assertFalse(java.util.Arrays.equals(a, c), "another seed, another mask");
    }

    @Test void edgeProbabilities() {
        Variable x = Variable.constant(Tensor.ones(10));
        assertEquals(0f, new Dropout(1f, new Generator(1)).forward(x).data().abs().sum().item());
        assertEquals(10f, new Dropout(0f, new Generator(1)).forward(x).data().sum().item());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f, new Generator(1)));
    }
}
