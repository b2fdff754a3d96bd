package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static sslj.autograd.Inputs.assertValues;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** Views route gradients back to the viewed elements, also when the input itself is a strided view. */
class ViewGradTest {
    private final Inputs in = new Inputs(5);

    @Test void reshapeViewFlatten() {
        Tensor x = in.randn(2, 6);
        assertValues(x.reshape(3, 4), Variable.param(x).reshape(3, -1).data());
        GradCheck.check(v -> v[0].reshape(3, 4), x);
        GradCheck.check(v -> v[0].view(4, 3), x);
        GradCheck.check(v -> v[0].flatten(), x);
        GradCheck.check(v -> v[0].reshape(4, 3), in.randn(6, 2).t());   // reshape of a transpose copies
        assertThrows(IllegalStateException.class, () -> Variable.param(in.randn(6, 2).t()).view(12));
    }

    @Test void transposeAndPermute() {
        Tensor x = in.randn(2, 3, 4);
        assertValues(x.permute(2, 0, 1), Variable.param(x).permute(2, 0, 1).data());
        GradCheck.check(v -> v[0].transpose(0, 2), x);
        GradCheck.check(v -> v[0].permute(2, 0, 1), x);
        GradCheck.check(v -> v[0].t(), in.randn(3, 5));
    }

    @Test void narrowSliceSelect() {
        Tensor x = in.randn(4, 6);
        assertValues(x.slice(1, 1, 6, 2), Variable.param(x).slice(1, 1, 6, 2).data());
        GradCheck.check(v -> v[0].narrow(1, 2, 3), x);
        GradCheck.check(v -> v[0].slice(1, 1, 6, 2), x);
        GradCheck.check(v -> v[0].select(0, 2), x);
        GradCheck.check(v -> v[0].select(1, -1), x);
    }

    @Test void narrowedElementsGetZero() {
        Variable x = Variable.param(Tensor.zeros(5));
        x.narrow(0, 1, 2).sum().backward();
        assertArrayEquals(new float[] {0, 1, 1, 0, 0}, x.grad().toFloatArray());
    }

    @Test void expandSqueezeUnsqueeze() {
        Tensor x = in.randn(3, 1);
        assertValues(x.expand(2, 3, 4), Variable.param(x).expand(2, 3, 4).data());
        GradCheck.check(v -> v[0].expand(2, 3, 4), x);
        GradCheck.check(v -> v[0].squeeze(), x);
        GradCheck.check(v -> v[0].squeeze(1).unsqueeze(0), x);
        Variable p = Variable.param(x);
        p.expand(2, 3, 4).sum().backward();
        assertValues(Tensor.full(8f, 3, 1), p.grad());
    }

    @Test void chainOfViewsOnANonContiguousInput() {
        // The input is itself a transposed view; then transpose, narrow, expand, select in a row.
        Tensor x = in.randn(5, 4).t();   // [4, 5], strides [1, 4]
        GradCheck.check(v -> v[0].transpose(0, 1).narrow(0, 1, 3).unsqueeze(0).expand(2, 3, 4).select(2, 1), x);
        GradCheck.check(v -> v[0].narrow(1, 1, 3).mul(v[0].select(1, 0).unsqueeze(1)), x);
    }
}
