package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;
import sslj.testing.Close;

/** Max/avg pooling against direct loops, their gradients, max-pool ties, global pooling shapes. */
class PoolTest {
    private final Generator gen = new Generator(3);

    /** Distinct values 0.1 apart in random order: no near-ties, so finite differences see one winner. */
    private Tensor distinct(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return Tensor.rand(gen, n).argsort(0, false).mul(0.1f).sub(0.05f * n).reshape(shape);
    }

    private void checkPool(boolean max, int k, int s, int p, int... shape) {
        Tensor x = Tensor.randn(gen, shape);
        Variable y = max ? new MaxPool2d(k, s, p).forward(Variable.constant(x)) : new AvgPool2d(k, s, p).forward(Variable.constant(x));
        Window2d win = Window2d.square(k, s, p, 1);
        int[] out = {shape[0], shape[1], win.outH(shape[2]), win.outW(shape[3])};
        Close.assertClose((max ? "max" : "avg") + " pool k" + k + " s" + s + " p" + p, out, ConvReference.pool2d(x, win, max), y.data(), 1e-6, 1e-5);
    }

    @Test void maxPoolForward() {
        checkPool(true, 3, 2, 1, 2, 3, 7, 8);    // the ResNet stem's pool on odd and even sizes
        checkPool(true, 2, 2, 0, 1, 2, 6, 5);
        checkPool(true, 3, 1, 0, 2, 1, 5, 5);
    }

    @Test void avgPoolForward() {
        checkPool(false, 2, 2, 0, 2, 3, 6, 7);
        checkPool(false, 3, 2, 1, 1, 2, 7, 7);   // padding counts in the divisor
    }

    @Test void maxPoolGradients() {
        GradCheck.check(v -> NnFunctional.maxPool2d(v[0], 3, 2, 1), distinct(2, 2, 5, 6));
        GradCheck.check(v -> NnFunctional.maxPool2d(v[0], 2, 2, 0), distinct(1, 3, 4, 4));
    }

    @Test void avgPoolGradients() {
        GradCheck.check(v -> NnFunctional.avgPool2d(v[0], 3, 2, 1), Tensor.randn(gen, 2, 2, 5, 6));
        GradCheck.check(v -> NnFunctional.avgPool2d(v[0], 2, 1, 0), Tensor.randn(gen, 1, 2, 4, 3));
    }

    /**
     * Ties: the gradient of a window goes to its first maximum in row-major order, as PyTorch's CPU
     * kernel. A 2×2 window of equal values sends all of it to the top-left element; with overlapping
     * windows (stride 1) an element collects the gradient of every window it wins.
     */
    @Test void maxPoolTiesGoToTheFirstMaximum() {
        Variable x = Variable.param(Tensor.full(5f, 1, 1, 2, 2));
        NnFunctional.maxPool2d(x, 2, 2, 0).sum().backward();
        assertArrayEquals(new float[] {1, 0, 0, 0}, x.grad().toFloatArray());

        Variable y = Variable.param(Tensor.of(new float[] {1, 3, 3, 0, 3, 0, 2, 2, 2}, 1, 1, 3, 3));
        NnFunctional.maxPool2d(y, 2, 1, 0).sum().backward();
        // rows {1 3 3 / 0 3 0 / 2 2 2}; windows {1,3,0,3} and {3,3,3,0} pick (0,1) over the later 3s,
        // {0,3,2,2} and {3,0,2,2} pick (1,1).
        assertArrayEquals(new float[] {0, 2, 0, 0, 2, 0, 0, 0, 0}, y.grad().toFloatArray());
    }

    @Test void globalPools() {
        Tensor x = Tensor.randn(gen, 2, 3, 4, 5);
        Tensor a = new AdaptiveAvgPool2d(1).forward(Variable.constant(x)).data();
        Tensor g = new GlobalAvgPool().forward(Variable.constant(x)).data();
        assertArrayEquals(new int[] {2, 3, 1, 1}, a.shape());
        assertArrayEquals(new int[] {2, 3}, g.shape());
        Close.assertClose("global average", Close.toDouble(x.mean(2, 3).toFloatArray()), g.toFloatArray(), 1e-6, 1e-6);
        Close.assertClose("adaptive average", Close.toDouble(g.toFloatArray()), a.toFloatArray(), 0, 0);
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(2));
    }

    @Test void clearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2).forward(Variable.constant(Tensor.zeros(1, 1, 4, 4))));
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3).forward(Variable.constant(Tensor.zeros(1, 4, 4))));
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(5).forward(Variable.constant(Tensor.zeros(1, 1, 4, 4))));
    }
}
