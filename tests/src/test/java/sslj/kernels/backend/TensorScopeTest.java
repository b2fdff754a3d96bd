package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * Deterministic release of GPU tensors through {@link TensorScope}, measured by the device allocator:
 * the bytes in use return to their value before the scope when it closes; kept tensors survive;
 * a released tensor cannot be used.
 */
class TensorScopeTest {
    private final Device emu = GpuDevices.emulated();
    private CudaBackend backend;

    @BeforeEach
    void noScopeLeftOpen() {
        backend = GpuDevices.backend(emu);
        assertNull(TensorScope.current(), "a previous test left a scope open");
    }

    private long inUse() { return backend.memoryStats().bytesInUse(); }

    /** A few ops whose results and internal temporaries all land in the current scope (or nowhere). */
    private Tensor work(Tensor x) {
        Tensor y = x.t().exp().add(x.t());               // strided unary, binary
        Tensor s = y.sum(new int[] {0}, true);            // reduction of a non-contiguous layout: a temporary copy
        Tensor n = y.permute(1, 0).l2Normalize(0);        // a contiguous copy inside the op
        return s.add(n.sum(new int[] {0, 1}, false)).matmul(Tensor.full(emu, 1f, 7, 2)); // GEMM kernel
    }

    @Test
    void closingAScopeReturnsEveryBlockItMade() {
        Tensor x = Tensor.rand(new Generator(1), 7, 5).to(emu); // unscoped: lives on
        long before = inUse();
        try (TensorScope scope = TensorScope.open()) {
            work(x);
            assertTrue(inUse() > before);
            assertTrue(scope.size() > 3);
        }
        assertEquals(before, inUse(), "bytes in use back at the baseline");
        assertFalse(x.isReleased());
        x.release();
    }

    @Test
    void keptTensorsSurviveAndMoveToTheParent() {
        Tensor x = Tensor.rand(new Generator(2), 7, 5).to(emu);
        long before = inUse();
        Tensor kept;
        try (TensorScope outer = TensorScope.open()) {
            Tensor inner;
            try (TensorScope scope = TensorScope.open()) {
                inner = scope.keep(work(x));
                assertTrue(outer.owns(inner));
                assertFalse(scope.owns(inner));
            }
            assertFalse(inner.isReleased());
            float[] expected = inner.toFloatArray();
            kept = outer.keep(inner);                   // out of the outermost scope: unscoped now
            assertEquals(expected.length, kept.numel());
        }
        assertFalse(kept.isReleased());
        assertTrue(inUse() > before);
        kept.toFloatArray();
        kept.release();
        assertEquals(before, inUse());
        x.release();
    }

    @Test
    void useAfterReleaseIsAClearError() {
        Tensor leaked;
        try (TensorScope scope = TensorScope.open()) {
            leaked = Tensor.full(emu, 1f, 3).mul(2f);
        }
        assertTrue(leaked.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, leaked::toFloatArray);
        assertTrue(e.getMessage().contains("released") && e.getMessage().contains("cuda-emu:0"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> leaked.add(leaked));
        leaked.release(); // a second release does nothing
    }

    @Test
    void explicitReleaseOfAnUnscopedTensor() {
        long before = inUse();
        Tensor p = Tensor.zeros(emu, 1000);
        assertEquals(before + 4096, inUse(), "1000 floats round up to one 4 KiB class");
        p.release();
        p.release();
        assertEquals(before, inUse());
    }

    @Test
    void aScopeLeftOpenInsideIsClosedByItsParent() {
        long before = inUse();
        TensorScope outer = TensorScope.open();
        TensorScope.open();                             // never closed: an exception skipped its close
        Tensor t = Tensor.full(emu, 1f, 5).add(Tensor.full(emu, 1f, 5));
        outer.close();
        assertTrue(t.isReleased());
        assertNull(TensorScope.current());
        assertEquals(before, inUse());
    }

    @Test
    void cpuTensorsIgnoreScopes() {
        Tensor c;
        try (TensorScope scope = TensorScope.open()) {
            c = Tensor.ones(4).add(Tensor.ones(4));
            assertEquals(0, scope.size());
            assertSame(c, scope.keep(c));
        }
        assertFalse(c.isReleased());
        assertEquals(8f, c.sum().item());
        c.release(); // a no-op on the CPU
        assertEquals(8f, c.sum().item());
    }

    @Test
    void repeatedStepsReuseCachedBlocks() {
        Tensor x = Tensor.rand(new Generator(3), 7, 5).to(emu);
        try (TensorScope warm = TensorScope.open()) { work(x); }
        long mallocs = backend.memoryStats().deviceMallocs();
        for (int step = 0; step < 3; step++) {
            try (TensorScope s = TensorScope.open()) { work(x); }
        }
        assertEquals(mallocs, backend.memoryStats().deviceMallocs(), "steps after the first allocate nothing new from the device");
        x.release();
    }

    /** outside(): what is made in it belongs to no scope (long-lived state made during a step); the scopes come back after. */
    @Test
    void outsideMakesUnscopedStorageAndRestoresTheScopes() {
        try (TensorScope outer = TensorScope.open(); TensorScope inner = TensorScope.open()) {
            Tensor a = Tensor.zeros(emu, 4);
            Tensor slot = TensorScope.outside(() -> {
                assertNull(TensorScope.current());
                return a.add(1f);
            });
            assertSame(inner, TensorScope.current());
            assertTrue(inner.owns(a));
            assertFalse(inner.owns(slot) || outer.owns(slot));
            inner.close();
            outer.close();
            assertTrue(a.isReleased());
            assertFalse(slot.isReleased());
            assertEquals(4f, slot.sum().item());
            slot.release();
        }
        assertThrows(IllegalStateException.class, () -> TensorScope.outside(() -> {
            throw new IllegalStateException("boom");
        }));
        assertNull(TensorScope.current());
    }
}
