package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static sslj.autograd.Inputs.assertValues;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** Broadcasting arithmetic: forward equals the Tensor op, backward passes gradcheck, broadcasts included. */
class ArithmeticGradTest {
    private final Inputs in = new Inputs(1);

    @Test void addSameShape() {
        Tensor a = in.randn(2, 3), b = in.randn(2, 3);
        assertValues(a.add(b), Variable.param(a).add(Variable.param(b)).data());
        GradCheck.check(x -> x[0].add(x[1]), a, b);
    }

    @Test void addBroadcastColumnAndRow() {
        // [3, 1] + [1, 4] -> [3, 4]: a's gradient sums over dim 1, b's over dim 0.
        GradCheck.check(x -> x[0].add(x[1]), in.randn(3, 1), in.randn(1, 4));
    }

    @Test void biasAdd() {
        // [5, 3] + [3]: the bias gradient is the column sum.
        Tensor x = in.randn(5, 3), bias = in.randn(3);
        GradCheck.check(v -> v[0].add(v[1]), x, bias);
        Variable b = Variable.param(bias);
        Variable.constant(x).add(b).sum().backward();
        assertValues(Tensor.full(5f, 3), b.grad());
    }

    @Test void rankZeroScalarBroadcasts() {
        // A learnable scalar (CLIP's temperature) against a matrix: its gradient sums over everything.
        Tensor t = Tensor.scalar(0.7f), m = in.randn(3, 4);
        GradCheck.check(x -> x[1].div(x[0]), t, m);
        GradCheck.check(x -> x[0].mul(x[1]).add(x[0]), t, m);
    }

    @Test void subBroadcast() {
        Tensor a = in.randn(4, 3), b = in.randn(1, 3);
        assertValues(a.sub(b), Variable.param(a).sub(Variable.param(b)).data());
        GradCheck.check(x -> x[0].sub(x[1]), a, b);
        GradCheck.check(x -> x[1].sub(x[0]), a, b);
    }

    @Test void mulBroadcast() {
        Tensor a = in.randn(2, 3, 4), b = in.randn(3, 1);
        assertValues(a.mul(b), Variable.param(a).mul(Variable.param(b)).data());
        GradCheck.check(x -> x[0].mul(x[1]), a, b);
    }

    @Test void divBroadcast() {
        Tensor a = in.randn(3, 4), b = in.uniform(0.5f, 2f, 4);   // denominators away from 0
        assertValues(a.div(b), Variable.param(a).div(Variable.param(b)).data());
        GradCheck.check(x -> x[0].div(x[1]), a, b);
    }

    @Test void scalarOps() {
        Tensor a = in.randn(2, 5);
        assertValues(a.add(2f).mul(-3f).sub(1f).div(4f).neg(), Variable.param(a).add(2f).mul(-3f).sub(1f).div(4f).neg().data());
        GradCheck.check(x -> x[0].add(2f).mul(-3f).sub(1f).div(4f).neg(), a);
    }

    @Test void maximumAndMinimumBroadcast() {
        Tensor both = in.distinct(2, 12);   // distinct values, so no ties within the finite-difference step
        Tensor a = both.select(0, 0).reshape(3, 4), b = both.select(0, 1).narrow(0, 0, 4);
        assertValues(a.maximum(b), Variable.param(a).maximum(Variable.param(b)).data());
        GradCheck.check(x -> x[0].maximum(x[1]), a, b);
        GradCheck.check(x -> x[0].minimum(x[1]), a, b);
    }

    @Test void maximumSplitsTiesEvenly() {
        Variable a = Variable.param(Tensor.of(1f, 5f, 2f)), b = Variable.param(Tensor.of(3f, 5f, 0f));
        a.maximum(b).sum().backward();
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {1f, 0.5f, 0f}, b.grad().toFloatArray());
    }

    @Test void whereBroadcast() {
        Tensor cond = Tensor.of(new float[] {1, 0, 0, 1}, 4, 1);      // broadcast against [4, 3]
        Tensor a = in.randn(4, 3), b = in.randn(3);
        assertValues(Tensor.where(cond, a, b), Variable.where(cond, Variable.param(a), Variable.param(b)).data());
        GradCheck.check(x -> Variable.where(cond, x[0], x[1]), a, b);
        Variable va = Variable.param(a), vb = Variable.param(b);
        Variable.where(cond, va, vb).sum().backward();
        assertValues(Tensor.of(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1}, 4, 3), va.grad());
        assertValues(Tensor.full(2f, 3), vb.grad());
    }
}
