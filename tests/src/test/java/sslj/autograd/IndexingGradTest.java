package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.autograd.Inputs.assertValues;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** cat, stack, split, indexSelect and gather (whose backward is a scatter-add). */
class IndexingGradTest {
    private final Inputs in = new Inputs(6);

    @Test void cat() {
        Tensor a = in.randn(2, 3), b = in.randn(4, 3), c = in.randn(2, 5);
        assertValues(Tensor.cat(0, a, b), Variable.cat(0, Variable.param(a), Variable.param(b)).data());
        GradCheck.check(v -> Variable.cat(0, v[0], v[1]), a, b);
        GradCheck.check(v -> Variable.cat(1, v[0], v[1], v[0]), a, c);   // a used twice
    }

    @Test void stack() {
        Tensor a = in.randn(2, 3), b = in.randn(2, 3);
        assertValues(Tensor.stack(1, a, b), Variable.stack(1, Variable.param(a), Variable.param(b)).data());
        GradCheck.check(v -> Variable.stack(0, v[0], v[1]), a, b);
        GradCheck.check(v -> Variable.stack(2, v[0], v[1]), a, b);
    }

    @Test void split() {
        Tensor x = in.randn(5, 3);
        List<Variable> parts = Variable.param(x).split(2, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new int[] {1, 3}, parts.get(2).shape());
        // Weight the parts differently so that a mix-up between pieces would show.
        GradCheck.check(v -> {
            List<Variable> p = v[0].split(2, 0);
            return Variable.cat(0, p.get(2).mul(3f), p.get(0), p.get(1).exp());
        }, x);
    }

    @Test void indexSelectWithRepeats() {
        Tensor x = in.randn(4, 3);
        Tensor rows = Tensor.of(2f, 0f, 2f, 3f, 2f);
        assertValues(x.indexSelect(0, rows), Variable.param(x).indexSelect(0, rows).data());
        GradCheck.check(v -> v[0].indexSelect(0, rows), x);
        GradCheck.check(v -> v[0].indexSelect(1, Tensor.of(1f, 1f, 0f)), x);
        Variable p = Variable.param(x);
        p.indexSelect(0, rows).sum().backward();   // row 2 read three times, row 1 never
        assertValues(Tensor.of(new float[][] {{1, 1, 1}, {0, 0, 0}, {3, 3, 3}, {1, 1, 1}}), p.grad());
    }

    @Test void gather() {
        Tensor x = in.randn(3, 5);
        Tensor idx1 = in.indices(5, 3, 4), idx0 = in.indices(3, 2, 5);
        assertValues(x.gather(1, idx1), Variable.param(x).gather(1, idx1).data());
        GradCheck.check(v -> v[0].gather(1, idx1), x);
        GradCheck.check(v -> v[0].gather(0, idx0), x);
        GradCheck.check(v -> v[0].gather(0, idx0), in.randn(5, 3).t());   // non-contiguous input
    }
}
