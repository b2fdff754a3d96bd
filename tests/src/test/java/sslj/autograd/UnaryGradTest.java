package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static sslj.autograd.Inputs.assertValues;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** Elementwise functions: forward equals the Tensor op, backward passes gradcheck; kinks by hand. */
class UnaryGradTest {
    private final Inputs in = new Inputs(2);

    private void check(GradCheck.Fn f, java.util.function.UnaryOperator<Tensor> reference, Tensor x) {
        assertValues(reference.apply(x), f.apply(Variable.param(x)).data());
        GradCheck.check(f, x);
    }

    @Test void exp() { check(x -> x[0].exp(), Tensor::exp, in.randn(3, 4)); }
    @Test void log() { check(x -> x[0].log(), Tensor::log, in.uniform(0.5f, 3f, 3, 4)); }
    @Test void sqrt() { check(x -> x[0].sqrt(), Tensor::sqrt, in.uniform(0.5f, 3f, 3, 4)); }
    @Test void rsqrt() { check(x -> x[0].rsqrt(), Tensor::rsqrt, in.uniform(0.5f, 3f, 3, 4)); }
    @Test void abs() { check(x -> x[0].abs(), Tensor::abs, in.awayFromZero(3, 4)); }
    @Test void relu() { check(x -> x[0].relu(), Tensor::relu, in.awayFromZero(3, 4)); }
    @Test void gelu() { check(x -> x[0].gelu(), Tensor::gelu, in.randn(3, 4)); }
    @Test void sigmoid() { check(x -> x[0].sigmoid(), Tensor::sigmoid, in.randn(3, 4)); }
    @Test void tanh() { check(x -> x[0].tanh(), Tensor::tanh, in.randn(3, 4)); }
    @Test void square() { check(x -> x[0].square(), Tensor::square, in.randn(3, 4)); }
    @Test void powCube() { check(x -> x[0].pow(3f), t -> t.pow(3f), in.randn(3, 4)); }
    @Test void powFractionalAndNegative() {
        check(x -> x[0].pow(0.5f), t -> t.pow(0.5f), in.uniform(0.5f, 3f, 3, 4));
        check(x -> x[0].pow(-1.5f), t -> t.pow(-1.5f), in.uniform(0.5f, 3f, 3, 4));
    }

    @Test void clamp() {
        Tensor x = in.distinct(3, 4);   // -0.6 .. 0.5 in steps of 0.1: at least 0.03 from the bounds
        check(v -> v[0].clamp(-0.27f, 0.33f), t -> t.clamp(-0.27f, 0.33f), x);
        check(v -> v[0].clampMin(-0.27f), t -> t.clampMin(-0.27f), x);
        check(v -> v[0].clampMax(0.33f), t -> t.clampMax(0.33f), x);
    }

    @Test void kinksFollowPyTorch() {
        // relu'(0) = 0, |x|'(0) = 0, clamp passes the gradient at its bounds.
        Variable x = Variable.param(Tensor.of(-1f, 0f, 2f));
        x.relu().sum().backward();
        assertArrayEquals(new float[] {0f, 0f, 1f}, x.grad().toFloatArray());
        x.zeroGrad();
        x.abs().sum().backward();
        assertArrayEquals(new float[] {-1f, 0f, 1f}, x.grad().toFloatArray());
        x.zeroGrad();
        x.clamp(0f, 2f).sum().backward();
        assertArrayEquals(new float[] {0f, 1f, 1f}, x.grad().toFloatArray());
    }
}
