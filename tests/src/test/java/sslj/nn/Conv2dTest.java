package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;
import sslj.testing.Close;

/** Conv2d forward against the 7-loop reference, gradients by finite differences, init, errors. */
class Conv2dTest {
    private final Generator gen = new Generator(7);

    /** Forward of a random conv of the given geometry against {@link ConvReference#conv2d}. */
    private void checkForward(int n, int c, int h, int w, int o, Window2d win, boolean bias) {
        Conv2d conv = new Conv2d(c, o, win, bias, gen);
        Tensor x = Tensor.randn(gen, n, c, h, w);
        Tensor y = conv.forward(Variable.constant(x)).data();
        double[] ref = ConvReference.conv2d(x, conv.weight().data(), bias ? conv.bias().data() : null, win);
        int[] shape = {n, o, win.outH(h), win.outW(w)};
        Close.assertClose("conv2d " + win + " on " + n + "x" + c + "x" + h + "x" + w, shape, ref, y, 1e-5, 1e-4);
    }

    @Test void oddSizes3x3Padding1() { checkForward(2, 3, 7, 9, 4, Window2d.square(3, 1, 1, 1), true); }
    @Test void stride2Padding1() { checkForward(2, 3, 8, 8, 5, Window2d.square(3, 2, 1, 1), true); }
    @Test void stride2Padding1OddInput() { checkForward(3, 2, 9, 7, 3, Window2d.square(3, 2, 1, 1), false); }
    @Test void dilation2() { checkForward(1, 2, 9, 7, 3, Window2d.square(3, 1, 2, 2), true); }
    @Test void pointwise1x1() { checkForward(2, 4, 5, 5, 6, Window2d.square(1, 1, 0, 1), true); }
    @Test void pointwiseStride2() { checkForward(2, 4, 7, 6, 3, Window2d.square(1, 2, 0, 1), false); }
    @Test void batchOne7x7Stride2Stem() { checkForward(1, 1, 28, 28, 4, Window2d.square(7, 2, 3, 1), false); }
    @Test void nonSquareKernelStrideAndPadding() { checkForward(2, 2, 6, 9, 3, new Window2d(2, 3, 2, 1, 1, 0, 1, 2), true); }
    @Test void noPaddingValidConv() { checkForward(2, 3, 5, 6, 2, Window2d.square(5, 1, 0, 1), true); }

    /** Enough work for the multithreaded unfold/fold and GEMM paths. */
    @Test void largerConvMatchesReference() { checkForward(4, 8, 16, 16, 16, Window2d.square(3, 1, 1, 1), true); }

    @Test void nonContiguousInput() {
        Conv2d conv = new Conv2d(3, 2, 3, 1, 1, 1, true, gen);
        Tensor x = Tensor.randn(gen, 2, 6, 5, 3).permute(0, 3, 2, 1);   // [2, 3, 5, 6], strided
        double[] ref = ConvReference.conv2d(x, conv.weight().data(), conv.bias().data(), conv.window());
        Close.assertClose("conv2d on a permuted view", new int[] {2, 2, 5, 6}, ref, conv.forward(Variable.constant(x)).data(), 1e-5, 1e-4);
    }

    private void gradCheck(int n, int c, int h, int w, int o, Window2d win) {
        Tensor x = Tensor.randn(gen, n, c, h, w), wt = Tensor.randn(gen, o, c, win.kh(), win.kw()), b = Tensor.randn(gen, o);
        GradCheck.check(v -> NnFunctional.conv2d(v[0], v[1], v[2], win), x, wt, b);
        GradCheck.check(v -> NnFunctional.conv2d(v[0], v[1], null, win), x, wt);
    }

    @Test void gradients3x3Padding1() { gradCheck(2, 2, 5, 4, 3, Window2d.square(3, 1, 1, 1)); }
    @Test void gradientsStride2Padding1() { gradCheck(2, 2, 5, 5, 2, Window2d.square(3, 2, 1, 1)); }
    @Test void gradientsDilation2() { gradCheck(1, 2, 6, 5, 2, Window2d.square(3, 1, 2, 2)); }
    @Test void gradients1x1() { gradCheck(2, 3, 3, 4, 2, Window2d.square(1, 1, 0, 1)); }
    @Test void gradients1x1Stride2() { gradCheck(1, 3, 5, 4, 2, Window2d.square(1, 2, 0, 1)); }
    @Test void gradientsNonSquare() { gradCheck(2, 2, 5, 6, 2, new Window2d(2, 3, 1, 2, 1, 0, 1, 1)); }

    @Test void onlyTheNeededGradientsAreComputed() {
        Variable x = Variable.constant(Tensor.randn(gen, 1, 2, 4, 4));
        Conv2d conv = new Conv2d(2, 3, 3, gen);
        conv.forward(x).sum().backward();
        assertNull(x.grad());
        assertNotNull(conv.weight().grad());
        assertArrayEquals(new int[] {3, 2, 3, 3}, conv.weight().grad().shape());
        assertArrayEquals(new int[] {3}, conv.bias().grad().shape());
    }

    /** PyTorch's default: weight and bias in U(−1/√fan_in, 1/√fan_in), fan_in = in·kh·kw. */
    @Test void defaultInitBounds() {
        Conv2d conv = new Conv2d(4, 8, 3, 1, 1, 1, true, gen);
        float bound = (float) (1 / Math.sqrt(4 * 9));
        for (float v : conv.weight().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : conv.bias().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        assertArrayEquals(new String[] {"weight", "bias"}, conv.namedParameters().keySet().toArray());
        assertArrayEquals(new String[] {"weight"}, new Conv2d(4, 8, 3, 1, 1, 1, false, gen).namedParameters().keySet().toArray());
    }

    @Test void clearErrors() {
        Conv2d conv = new Conv2d(3, 4, 3, gen);
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Variable.constant(Tensor.zeros(1, 2, 5, 5))));
        assertTrue(e.getMessage().contains("expects [N, 3, H, W]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Variable.constant(Tensor.zeros(1, 3, 2, 5))));
        assertTrue(e.getMessage().contains("smaller than the window"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 0, 0, 1, true, gen));
    }
}
