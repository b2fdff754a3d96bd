package sslj.kernels.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
    private static final long MiB = 1L << 20;

    @Test
    void sizeClassesRoundTo512BytesBelowOneMiBAndTo2MiBAbove() {
        assertEquals(512, CachingAllocator.roundUp(1));
        assertEquals(512, CachingAllocator.roundUp(512));
        assertEquals(1024, CachingAllocator.roundUp(513));
        assertEquals(MiB, CachingAllocator.roundUp(MiB - 1));          // 1 MiB - 1 rounds to 1 MiB (a 512 multiple)
        assertEquals(2 * MiB, CachingAllocator.roundUp(MiB));           // 1 MiB is "large": 2 MiB pages
        assertEquals(2 * MiB, CachingAllocator.roundUp(2 * MiB));
        assertEquals(4 * MiB, CachingAllocator.roundUp(2 * MiB + 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CachingAllocator.roundUp(0));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }

    @Test
    void aFreedBlockIsReusedWithoutAnotherDeviceMalloc() {
        RecordingRuntime rt = new RecordingRuntime();
        CachingAllocator alloc = new CachingAllocator(rt);
        DevicePtr a = alloc.malloc(1000);
        assertEquals(1000, a.bytes(), "the pointer reports the size asked for");
        alloc.free(a);
        DevicePtr b = alloc.malloc(1024);                                // same 1024-byte class
        assertEquals(a.address(), b.address());
        assertEquals(1, rt.mallocs.size());
        assertEquals(1024L, rt.mallocs.get(0), "the device allocation is the class size");
        CachingAllocator.Stats s = alloc.stats();
        assertEquals(1, s.deviceMallocs());
        assertEquals(1, s.reuses());
    }

    @Test
    void differentClassesDoNotShareBlocks() {
        RecordingRuntime rt = new RecordingRuntime();
        CachingAllocator alloc = new CachingAllocator(rt);
        DevicePtr small = alloc.malloc(512);
        alloc.free(small);
        DevicePtr bigger = alloc.malloc(4096);
        assertNotEquals(small.address(), bigger.address());
        assertEquals(2, rt.mallocs.size());
    }

    @Test
    void repeatedStepsKeepTheDeviceMallocCountFlat() {
        RecordingRuntime rt = new RecordingRuntime();
        CachingAllocator alloc = new CachingAllocator(rt);
        long[] sizes = {4096, 3 * MiB, 700, 4096, 64 * 1024};
        for (int step = 0; step < 10; step++) {
            DevicePtr[] ptrs = new DevicePtr[sizes.length];
            for (int i = 0; i < sizes.length; i++) ptrs[i] = alloc.malloc(sizes[i]);
            for (DevicePtr p : ptrs) alloc.free(p);
        }
        assertEquals(sizes.length, alloc.stats().deviceMallocs(), "only the first step allocates");
        assertEquals(0, rt.frees.size());
    }

    @Test
    void statsTrackInUsePeakAndCachedBytesInClassSizes() {
        RecordingRuntime rt = new RecordingRuntime();
        CachingAllocator alloc = new CachingAllocator(rt);
        DevicePtr a = alloc.malloc(100);          // class 512
        DevicePtr b = alloc.malloc(3 * MiB);      // class 4 MiB
        assertEquals(512 + 4 * MiB, alloc.stats().bytesInUse());
        alloc.free(b);
        CachingAllocator.Stats s = alloc.stats();
        assertEquals(512, s.bytesInUse());
        assertEquals(512 + 4 * MiB, s.peakBytesInUse());
        assertEquals(4 * MiB, s.bytesCached());
        assertEquals(512 + 4 * MiB, s.bytesReserved());
        alloc.resetPeak();
        assertEquals(512, alloc.stats().peakBytesInUse());
        alloc.free(a);
        assertEquals(0, alloc.stats().bytesInUse());
    }

    @Test
    void emptyCacheReturnsOnlyFreeBlocksToTheRuntime() {
        RecordingRuntime rt = new RecordingRuntime();
        CachingAllocator alloc = new CachingAllocator(rt);
        DevicePtr kept = alloc.malloc(2048);
        DevicePtr dropped = alloc.malloc(8192);
        alloc.free(dropped);
        alloc.emptyCache();
        assertEquals(1, rt.liveCount(), "the buffer in use stays allocated");
        assertEquals(2048, rt.liveBytes());
        assertEquals(0, alloc.stats().bytesCached());
        assertEquals(1, alloc.stats().deviceFrees());
        assertTrue(alloc.owns(kept));
    }

    @Test
    void doubleFreeAndForeignPointersAreErrorsNamingTheAddress() {
        CachingAllocator alloc = new CachingAllocator(new RecordingRuntime());
        DevicePtr a = alloc.malloc(64);
        alloc.free(a);
        GpuException twice = assertThrows(GpuException.class, () -> alloc.free(a));
        assertTrue(twice.getMessage().contains(Long.toHexString(a.address())), twice.getMessage());
        assertTrue(twice.getMessage().contains("freed twice"), twice.getMessage());
        DevicePtr b = alloc.malloc(64);
        assertThrows(GpuException.class, () -> alloc.free(b.offset(16)), "an offset pointer is not a buffer");
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        RecordingRuntime rt = new RecordingRuntime(8 * MiB);
        CachingAllocator alloc = new CachingAllocator(rt);
        alloc.free(alloc.malloc(6 * MiB));                     // 6 MiB cached, device nearly full
        DevicePtr p = alloc.malloc(4 * MiB);                   // does not fit next to the cached block
        assertNotNull(p);
        assertEquals(0, alloc.stats().bytesCached());
        assertEquals(1, alloc.stats().deviceFrees());
        GpuException oom = assertThrows(GpuException.class, () -> alloc.malloc(6 * MiB));
        assertTrue(oom.getMessage().contains("cannot allocate 6291456 bytes"), oom.getMessage());
        assertTrue(oom.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), oom.getMessage());
    }
}
