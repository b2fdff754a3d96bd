package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/** The CPU array pool: reuse across scopes, zeros on every hand-out, no use after release, keep and small arrays untouched. */
class CpuArrayPoolTest {
    private static final int BIG = CpuArrayPool.MIN_FLOATS * 3 + 5;   // a length no other test allocates

    @Test
    void aClosedScopesArrayIsReusedZeroFilledByTheNextScope() {
        float[] zeros, twos;
        try (TensorScope s = TensorScope.open()) {
            Tensor z = Tensor.zeros(BIG), t = z.add(2f);    // two pooled arrays, the second full of non-zeros
            zeros = Strided.data(z);
            twos = Strided.data(t);
            assertTrue(s.owns(t), "a large CPU tensor made in a scope is the scope's");
        }
        try (TensorScope s = TensorScope.open()) {
            float[] a = Strided.data(Tensor.zeros(BIG)), b = Strided.data(Tensor.zeros(BIG));
            assertTrue((a == zeros && b == twos) || (a == twos && b == zeros), "the second scope gets the arrays the first gave back");
            for (float[] arr : new float[][] {a, b}) {
                for (float v : arr) if (v != 0f) throw new AssertionError("a pooled array is handed out zero-filled, found " + v);
            }
        }
    }

    @Test
    void aTensorUsedAfterItsScopeClosedFailsLoudly() {
        Tensor escaped;
        try (TensorScope s = TensorScope.open()) {
            escaped = Tensor.zeros(BIG).add(1f);
        }
        assertTrue(escaped.storage().isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> escaped.add(1f));
        assertTrue(e.getMessage().contains("used after it was released"), e.getMessage());
    }

    @Test
    void keptSmallAndUnscopedTensorsStayPlainArrays() {
        Tensor kept, small;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope s = TensorScope.open()) {
                kept = s.keep(Tensor.zeros(BIG).add(3f));
                small = Tensor.zeros(CpuArrayPool.MIN_FLOATS - 1).add(4f);
                assertFalse(s.owns(small), "arrays under MIN_FLOATS are not pooled");
            }
            assertEquals(3f, kept.toFloatArray()[BIG - 1], "kept: moved to the enclosing scope, still alive");
            assertEquals(4f, small.toFloatArray()[0]);
        }
        assertTrue(kept.storage().isReleased(), "released with the scope it was kept into");
        Tensor unscoped = Tensor.zeros(BIG).add(5f);
        try (TensorScope s = TensorScope.open()) {
            assertNotSame(Strided.data(unscoped), Strided.data(Tensor.zeros(BIG)));
        }
        assertEquals(5f, unscoped.toFloatArray()[0], "made outside any scope: the collector's, never released");
        assertFalse(unscoped.storage().isReleased());
    }

    /** Fills the pool with NaN arrays of n floats, so that the next results of that length start as NaN. */
    private static void poison(int n, int count) {
        for (int i = 0; i < count; i++) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, Float.NaN);
            CpuArrayPool.give(a);
        }
    }

    /**
     * The ops that take their result array unfilled (CpuBackend.uninitialized) write every element: run in a scope
     * whose pool holds only NaN arrays of the result's length, each equals the same op run outside any scope.
     */
    @Test
    void opsThatSkipTheZeroFillWriteEveryElement() {
        sslj.tensor.Generator gen = new sslj.tensor.Generator(5);
        int[] shape = {3, 17, 19, 19};                          // 18,411 floats: pooled; 361-float planes, not whole vectors
        int n = 3 * 17 * 361, c = 17;
        Tensor x = Tensor.randn(gen, shape), g = Tensor.randn(gen, shape), r = Tensor.randn(gen, shape);
        Tensor w = Tensor.randn(gen, 17, 17, 3, 3), gamma = Tensor.randn(gen, c), beta = Tensor.randn(gen, c);
        sslj.tensor.Window2d win = sslj.tensor.Window2d.square(3, 1, 1, 1);
        java.util.function.Supplier<java.util.List<Tensor>> ops = () -> {
            Tensor[] bn = sslj.tensor.BatchNormOps.forwardTrainingRelu(x, gamma, beta, 1e-5f, r);
            Tensor[] back = sslj.tensor.BatchNormOps.backwardRelu(g, bn[0], x, bn[1], bn[3], gamma, true);
            Tensor[] plain = sslj.tensor.BatchNormOps.backward(g, x, bn[1], bn[3], gamma, true);
            return java.util.List.of(x.relu(), x.add(r), x.mul(r), x.permute(0, 2, 3, 1).contiguous(), x.conv2d(w, win),
                    g.conv2dBackwardData(w, win, 19, 19), sslj.tensor.BatchNormOps.apply(x, bn[1], bn[3], gamma, beta), bn[0], back[0], back[3], plain[0]);
        };
        java.util.List<Tensor> want = ops.get();                // no scope: fresh zeroed arrays
        poison(n, 64);
        try (TensorScope s = TensorScope.open()) {
            java.util.List<Tensor> got = ops.get();
            for (int i = 0; i < want.size(); i++) {
                float[] a = want.get(i).toFloatArray(), b = got.get(i).toFloatArray();
                assertEquals(a.length, b.length);
                for (int j = 0; j < a.length; j++) {
                    if (Float.floatToIntBits(a[j]) != Float.floatToIntBits(b[j])) throw new AssertionError("op " + i + " element " + j + ": " + b[j] + " instead of " + a[j]);
                }
            }
        }
    }
}
