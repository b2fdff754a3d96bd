package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.autograd.Inputs.assertValues;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** matmul in every rank case, softmax, log-softmax, l2Normalize, cross-entropy. */
class LinalgGradTest {
    private final Inputs in = new Inputs(4);

    private void checkMatmul(Tensor a, Tensor b) {
        assertValues(a.matmul(b), Variable.param(a).matmul(Variable.param(b)).data());
        GradCheck.check(x -> x[0].matmul(x[1]), a, b);
    }

    @Test void matrixTimesMatrix() { checkMatmul(in.randn(3, 4), in.randn(4, 5)); }
    @Test void transposedOperands() {
        checkMatmul(in.randn(4, 3).t(), in.randn(5, 4).t());   // both non-contiguous views
        GradCheck.check(x -> x[0].matmul(x[1].t()), in.randn(3, 4), in.randn(5, 4));
    }
    @Test void dotProduct() { checkMatmul(in.randn(4), in.randn(4)); }
    @Test void vectorTimesMatrix() { checkMatmul(in.randn(4), in.randn(4, 3)); }
    @Test void matrixTimesVector() { checkMatmul(in.randn(3, 4), in.randn(4)); }
    @Test void batched() { checkMatmul(in.randn(2, 3, 4), in.randn(2, 4, 5)); }
    @Test void batchTimesSharedMatrix() { checkMatmul(in.randn(2, 3, 4), in.randn(4, 5)); }
    @Test void broadcastBatches() { checkMatmul(in.randn(2, 1, 3, 4), in.randn(3, 4, 2)); }
    @Test void vectorTimesBatch() { checkMatmul(in.randn(4), in.randn(2, 4, 3)); }
    @Test void batchTimesVector() { checkMatmul(in.randn(2, 3, 4), in.randn(4)); }

    @Test void softmax() {
        Tensor x = in.randn(3, 5);
        assertValues(x.softmax(1), Variable.param(x).softmax(1).data());
        GradCheck.check(v -> v[0].softmax(1), x);
        GradCheck.check(v -> v[0].softmax(0), x);
        GradCheck.check(v -> v[0].softmax(-1), in.randn(2, 3, 4).transpose(1, 2));
    }

    @Test void logSoftmax() {
        Tensor x = in.randn(3, 5);
        assertValues(x.logSoftmax(1), Variable.param(x).logSoftmax(1).data());
        GradCheck.check(v -> v[0].logSoftmax(1), x);
        GradCheck.check(v -> v[0].logSoftmax(0), x);
    }

    @Test void l2Normalize() {
        Tensor x = in.randn(4, 3);
        assertValues(x.l2Normalize(1), Variable.param(x).l2Normalize(1).data());
        GradCheck.check(v -> v[0].l2Normalize(1), x);
        GradCheck.check(v -> v[0].l2Normalize(0), x);
        GradCheck.check(v -> v[0].l2Normalize(1), in.randn(3, 4).t());
    }

    @Test void l2NormalizeBelowEps() {
        // Row 0 has norm 0.5 < eps = 1: it is divided by the constant eps, dx = g / eps.
        // Row 1 has norm 5 > eps: the projection applies.
        Tensor x = Tensor.of(new float[][] {{0.3f, 0.4f}, {3f, 4f}});
        assertValues(x.l2Normalize(1, 1f), Variable.param(x).l2Normalize(1, 1f).data());
        GradCheck.check(v -> v[0].l2Normalize(1, 1f), x);
    }

    @Test void crossEntropy() {
        Tensor logits = in.randn(6, 4), targets = in.indices(4, 6);
        // Forward against the unfused composition: −mean(gather(logSoftmax(x), t)).
        Tensor reference = logits.logSoftmax(1).gather(1, targets.reshape(6, 1)).mean().neg();
        assertValues(reference, Variable.param(logits).crossEntropy(targets).data());
        GradCheck.check(v -> v[0].crossEntropy(targets), logits);
        GradCheck.check(v -> v[0].matmul(v[1]).crossEntropy(targets), in.randn(6, 3), in.randn(3, 4));
    }

    @Test void crossEntropyHandValue() {
        // Uniform logits over C classes: loss = ln C, gradient (1/C − onehot)/N.
        Variable x = Variable.param(Tensor.zeros(2, 4));
        Variable loss = x.crossEntropy(Tensor.of(1f, 3f));
        assertEquals(Math.log(4), loss.item(), 1e-6);
        loss.backward();
        assertValues(Tensor.of(new float[][] {{0.125f, -0.375f, 0.125f, 0.125f}, {0.125f, 0.125f, 0.125f, -0.375f}}), x.grad());
    }
}
