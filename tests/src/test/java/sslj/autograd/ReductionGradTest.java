package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static sslj.autograd.Inputs.assertValues;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** Reductions over all dims, one dim and several dims, with and without keepdim. */
class ReductionGradTest {
    private final Inputs in = new Inputs(3);
    private static final int[] ALL = {};

    @Test void sum() {
        Tensor x = in.randn(2, 3, 4);
        assertValues(x.sum(), Variable.param(x).sum().data());
        assertValues(x.sum(new int[] {0, 2}, true), Variable.param(x).sum(new int[] {0, 2}, true).data());
        GradCheck.check(v -> v[0].sum(), x);
        GradCheck.check(v -> v[0].sum(1), x);
        GradCheck.check(v -> v[0].sum(new int[] {0, 2}, true), x);
        GradCheck.check(v -> v[0].sum(new int[] {-1, 0}, false), x);
    }

    @Test void mean() {
        Tensor x = in.randn(2, 3, 4);
        assertValues(x.mean(new int[] {1}, true), Variable.param(x).mean(new int[] {1}, true).data());
        GradCheck.check(v -> v[0].mean(), x);
        GradCheck.check(v -> v[0].mean(new int[] {0, 2}, true), x);
        GradCheck.check(v -> v[0].mean(new int[] {1, 2}, false), x);
    }

    @Test void max() {
        Tensor x = in.distinct(2, 3, 4);   // no near-ties: the winner does not change within the step
        assertValues(x.max(new int[] {1}, false), Variable.param(x).max(new int[] {1}, false).data());
        assertValues(x.max(new int[] {0, 2}, true), Variable.param(x).max(new int[] {0, 2}, true).data());
        GradCheck.check(v -> v[0].max(), x);
        GradCheck.check(v -> v[0].max(new int[] {1}, false), x);
        GradCheck.check(v -> v[0].max(new int[] {0, 2}, true), x);
        GradCheck.check(v -> v[0].max(new int[] {2, 0}, false), x.transpose(0, 1));   // non-contiguous input
        GradCheck.check(v -> v[0].min(new int[] {1}, true), x);
    }

    @Test void maxGivesTiesToTheFirst() {
        Variable x = Variable.param(Tensor.of(new float[] {1, 3, 3, 7, 7, 2}, 2, 3));
        x.max(new int[] {1}, false).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, x.grad().toFloatArray());
        x.zeroGrad();
        x.max().backward();   // all dims: the first 7 in row-major order
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0}, x.grad().toFloatArray());
    }

    @Test void logsumexp() {
        Tensor x = in.randn(3, 4, 2);
        assertValues(x.logsumexp(new int[] {1}, false), Variable.param(x).logsumexp(new int[] {1}, false).data());
        GradCheck.check(v -> v[0].logsumexp(new int[] {1}, false), x);
        GradCheck.check(v -> v[0].logsumexp(new int[] {0, 2}, true), x);
        GradCheck.check(v -> v[0].logsumexp(ALL, false), x);
    }

    @Test void var() {
        Tensor x = in.randn(4, 5);
        assertValues(x.var(new int[] {1}, 1, false), Variable.param(x).var(new int[] {1}, 1, false).data());
        assertValues(x.var(ALL, 0, true), Variable.param(x).var(ALL, 0, true).data());
        GradCheck.check(v -> v[0].var(new int[] {1}, 1, false), x);
        GradCheck.check(v -> v[0].var(new int[] {0}, 0, true), x);
        GradCheck.check(v -> v[0].var(ALL, 1, false), x);
    }
}
