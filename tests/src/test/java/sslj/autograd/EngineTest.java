package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sslj.autograd.Inputs.assertValues;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** The backward walk: reuse, accumulation, release, detach, NoGrad, errors, depth. */
class EngineTest {
    private final Inputs in = new Inputs(7);

    @Test void variableUsedTwice() {
        Variable x = Variable.param(Tensor.of(1f, -2f, 3f));
        x.mul(x).sum().backward();                       // d(x²)/dx = 2x: both uses contribute
        assertArrayEquals(new float[] {2f, -4f, 6f}, x.grad().toFloatArray());
        GradCheck.check(v -> v[0].mul(v[0]).add(v[0]), in.randn(2, 3));
    }

    @Test void diamond() {
        // x -> a -> (b, c) -> d: a's gradient is complete only after both b and c have passed theirs.
        GradCheck.check(v -> {
            Variable a = v[0].tanh();
            Variable b = a.mul(3f), c = a.exp();
            return b.mul(c).add(a);
        }, in.randn(3, 2));
        Variable x = Variable.param(Tensor.scalar(0.5f));
        Variable a = x.mul(2f);
        a.mul(a).add(a).backward();                      // d/dx (4x² + 2x) = 8x + 2 = 6
        assertEquals(6f, x.grad().item(), 1e-6);
    }

    /** An identity whose backward keeps the gradient it was given, to see what the walk does with it afterwards. */
    private static final class Probe extends Function {
        Tensor seen;
        @Override protected Tensor forward(Tensor... x) { return x[0].mul(1f); }
        @Override protected Tensor[] backward(Tensor grad) {
            seen = grad;
            return new Tensor[] {grad.mul(1f)};
        }
    }

    /** A backward that passes its gradient on unchanged to both inputs: the same tensor pending twice. */
    private static final class Fork extends Function {
        @Override protected Tensor forward(Tensor... x) { return x[0].add(x[1]); }
        @Override protected Tensor[] backward(Tensor grad) { return new Tensor[] {grad, grad}; }
    }

    @Test void intermediateGradientsAreReleasedOnceNothingPendingSharesThem() {
        int n = 1 << 16;                                  // large enough for the CPU's pooled (releasable) arrays
        Tensor x0 = Tensor.randn(new sslj.tensor.Generator(3), n);
        try (sslj.tensor.TensorScope step = sslj.tensor.TensorScope.open()) {
            Variable x = Variable.param(x0), y = Variable.param(x0.mul(2f));
            Probe probe = new Probe();
            Variable p = probe.apply(new Fork().apply(x.mul(3f), y.mul(5f)));
            p.mul(2f).sum().backward();
            assertTrue(probe.seen.storage().isReleased(), "the probe's incoming gradient went back once passed on");
            assertFalse(x.grad().storage().isReleased(), "leaf gradients outlive the walk");
            // d/dx = 2·3, d/dy = 2·5: the forked gradient was not released before both inputs had used it
            for (float v : x.grad().toFloatArray()) assertEquals(6f, v);
            for (float v : y.grad().toFloatArray()) assertEquals(10f, v);
            // the same tensor handed to an input that wants no gradient (first) and to one that does (second)
            Variable c = Variable.constant(x0), z = Variable.param(x0);
            new Fork().apply(c, z.mul(1f)).mul(4f).sum().backward();
            for (float v : z.grad().toFloatArray()) assertEquals(4f, v);
        }
    }

    @Test void gradientsAccumulateUntilZeroGrad() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {6f, 6f}, x.grad().toFloatArray());
        x.zeroGrad();
        assertNull(x.grad());
        x.square().sum().backward();
        assertArrayEquals(new float[] {2f, 4f}, x.grad().toFloatArray());
    }

    @Test void onlyLeavesThatRequireGradKeepGradients() {
        Variable x = Variable.param(Tensor.of(1f, 2f)), c = Variable.constant(Tensor.of(5f, 7f));
        Variable y = x.mul(c);
        y.sum().backward();
        assertNull(y.grad(), "intermediate gradients are released");
        assertNull(c.grad(), "constants get no gradient");
        assertArrayEquals(new float[] {5f, 7f}, x.grad().toFloatArray());
        assertFalse(y.isLeaf());
        assertTrue(x.isLeaf());
    }

    @Test void detachStopsGradients() {
        Variable x = Variable.param(Tensor.of(2f, 3f));
        Variable d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.data().storage() == x.data().storage(), "detach shares the data");
        x.mul(d).sum().backward();                        // only the non-detached factor is differentiated
        assertArrayEquals(new float[] {2f, 3f}, x.grad().toFloatArray());
    }

    @Test void requiresGradFalseOnALeaf() {
        Variable w = Variable.param(Tensor.of(1f)).requiresGrad(false);
        Variable x = Variable.param(Tensor.of(4f));
        w.mul(x).sum().backward();
        assertNull(w.grad());
        assertThrows(IllegalStateException.class, () -> x.mul(2f).requiresGrad(false));
    }

    @SuppressWarnings("try")
    @Test void noGradRecordsNothingAndNests() throws Exception {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        assertTrue(NoGrad.isGradEnabled());
        try (NoGrad outer = NoGrad.enter()) {
            assertFalse(x.mul(2f).requiresGrad());
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(x.exp().requiresGrad());
            }
            assertFalse(NoGrad.isGradEnabled(), "still inside the outer scope");
            // Another thread has its own mode.
            AtomicBoolean other = new AtomicBoolean();
            Thread t = new Thread(() -> other.set(x.mul(2f).requiresGrad()));
            t.start();
            t.join();
            assertTrue(other.get());
        }
        assertTrue(NoGrad.isGradEnabled());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test void backwardOfNonScalarNeedsAGradient() {
        Variable y = Variable.param(Tensor.zeros(2, 3)).mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3, 2)));
        assertTrue(e2.getMessage().contains("[3, 2]"), e2.getMessage());
        y.backward(Tensor.ones(2, 3));   // with a matching output gradient it works
    }

    @Test void backwardWithoutGradIsAnError() {
        Variable c = Variable.constant(Tensor.of(1f)).mul(2f);
        assertThrows(IllegalStateException.class, () -> c.sum().backward());
    }

    @Test void secondBackwardThroughReleasedGraphIsAnError() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    @Test void retainGraphAllowsTwoBackwards() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable loss = x.square().sum();
        loss.backward(Tensor.scalar(1f), true);
        loss.backward(Tensor.scalar(1f), false);
        assertArrayEquals(new float[] {4f, 8f}, x.grad().toFloatArray());
    }

    @Test void gradientIsACopyNotAnAlias() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Tensor g = Tensor.of(1f, 1f);
        x.reshape(2).backward(g);
        g.fill_(9f);
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toFloatArray());
    }

    @Test void aFunctionInstanceIsAppliedOnce() {
        Function f = new sslj.autograd.functions.Unary.Exp();
        Variable x = Variable.param(Tensor.of(1f));
        f.apply(x);
        assertThrows(IllegalStateException.class, () -> f.apply(x));
    }

    @Test void chainOf100000Ops() {
        // Deeper than any recursion would survive: the topological sort and the walk are iterative.
        Variable x = Variable.param(Tensor.of(0.5f, -1f));
        Variable y = x;
        for (int i = 0; i < 50_000; i++) y = y.mul(1f).add(1f);   // 100,000 ops; whole numbers stay exact
        y.sum().backward();
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toFloatArray());
        assertValues(Tensor.of(50_000.5f, 49_999f), y.data());
    }
}
