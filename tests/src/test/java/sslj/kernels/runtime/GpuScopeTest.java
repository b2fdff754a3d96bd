package sslj.kernels.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpuScopeTest {
    private final RecordingRuntime rt = new RecordingRuntime();
    private final CachingAllocator alloc = new CachingAllocator(rt);

    @AfterEach
    void noScopeLeftOpen() {
        assertFalse(GpuScope.isOpen(), "a test left a scope open on the thread");
    }

    @Test
    void closingAScopeReturnsEveryBufferToTheAllocator() {
        try (GpuScope scope = GpuScope.open(alloc)) {
            scope.alloc(100);
            scope.alloc(5000);
            assertEquals(2, scope.size());
            assertSame(scope, GpuScope.current());
        }
        assertEquals(0, alloc.stats().bytesInUse());
        assertEquals(512 + 5120, alloc.stats().bytesCached(), "returned to the cache, not to the device");
        assertEquals(0, rt.frees.size());
    }

    @Test
    void aSecondStepReusesTheFirstStepsMemory() {
        for (int step = 0; step < 3; step++) {
            try (GpuScope scope = GpuScope.open(alloc)) {
                scope.alloc(4096);
                scope.alloc(4096);
            }
        }
        assertEquals(2, alloc.stats().deviceMallocs());
    }

    @Test
    void nestedScopesRestoreTheParentAndFreeOnlyTheirOwnBuffers() {
        try (GpuScope outer = GpuScope.open(alloc)) {
            DevicePtr a = outer.alloc(512);
            try (GpuScope inner = GpuScope.open(alloc)) {
                assertSame(outer, inner.parent());
                assertSame(inner, GpuScope.current());
                inner.alloc(512);
            }
            assertSame(outer, GpuScope.current());
            assertTrue(alloc.owns(a));
            assertEquals(512, alloc.stats().bytesInUse());
        }
    }

    @Test
    void keepMovesAResultToTheParentScope() {
        DevicePtr result;
        try (GpuScope outer = GpuScope.open(alloc)) {
            try (GpuScope step = GpuScope.open(alloc)) {
                step.alloc(1024);                                  // a temporary
                result = step.keep(step.alloc(4));                 // the step's result
                assertFalse(step.owns(result));
            }
            assertTrue(outer.owns(result));
            assertTrue(alloc.owns(result), "kept buffers outlive the inner scope");
            assertEquals(512, alloc.stats().bytesInUse());
        }
        assertFalse(alloc.owns(result), "and are freed with the outer scope");
    }

    @Test
    void keepInTheOutermostScopeHandsTheBufferToTheCaller() {
        DevicePtr parameters;
        try (GpuScope init = GpuScope.open(alloc)) {
            parameters = init.keep(init.alloc(1 << 20));
        }
        assertTrue(alloc.owns(parameters), "parameters live outside step scopes");
        alloc.free(parameters);
    }

    @Test
    void closingAnOuterScopeClosesInnerScopesLeftOpen() {
        GpuScope outer = GpuScope.open(alloc);
        outer.alloc(512);
        GpuScope inner = GpuScope.open(alloc);
        inner.alloc(512);
        outer.close();
        assertEquals(0, alloc.stats().bytesInUse());
        assertThrows(IllegalStateException.class, () -> inner.alloc(4), "the inner scope is closed too");
        assertThrows(IllegalStateException.class, GpuScope::current);
    }

    @Test
    void misuseGivesErrorsThatNameTheProblem() {
        IllegalStateException none = assertThrows(IllegalStateException.class, GpuScope::current);
        assertTrue(none.getMessage().contains("no GpuScope open"), none.getMessage());
        GpuScope scope = GpuScope.open(alloc);
        DevicePtr foreign = alloc.malloc(64);
        GpuException notOwned = assertThrows(GpuException.class, () -> scope.keep(foreign));
        assertTrue(notOwned.getMessage().contains("not a buffer owned by this scope"), notOwned.getMessage());
        scope.close();
        scope.close();                                                       // idempotent
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> scope.alloc(4));
        assertTrue(after.getMessage().contains("after the scope was closed"), after.getMessage());
        alloc.free(foreign);
    }

    @Test
    void adoptTakesOwnershipOfABufferFromTheSameAllocator() {
        DevicePtr p = alloc.malloc(256);
        try (GpuScope scope = GpuScope.open(alloc)) {
            scope.adopt(p);
        }
        assertFalse(alloc.owns(p));
    }
}
