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
        assertTrue(e.getMessage().contains("after the TensorScope"), e.getMessage());
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
}
