package sslj.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import sslj.kernels.runtime.CachingAllocator;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuEvent;
import sslj.kernels.runtime.GpuException;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuScope;
import sslj.kernels.runtime.KernelArgs;

/** JCudaRuntime on a real GPU: skipped without one (failed with -Dsslj.gpu=required). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JCudaRuntimeTest {
    private static final String SCALE_PTX = "/sslj/kernels/cuda/scale.ptx";

    private JCudaRuntime gpu;

    @BeforeAll
    void open() {
        GpuAssumptions.requireGpu();
        gpu = new JCudaRuntime();
    }

    @AfterAll
    void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void nameGivesTheGpuAndItsComputeCapability() {
        assertTrue(gpu.name().matches(".+ \\(sm_\\d+\\)"), gpu.name());
    }

    @Test
    void floatsAndIntsSurviveARoundTrip() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f - 100f;
        DevicePtr d = gpu.malloc(4L * x.length);
        try {
            gpu.copyToDevice(d, x, 0, x.length);
            float[] back = new float[x.length + 2];
            gpu.copyToHost(back, 1, d, x.length);                    // into the middle of a larger array
            for (int i = 0; i < x.length; i++) assertEquals(x[i], back[i + 1], "element " + i);

            int[] ids = {7, -3, Integer.MAX_VALUE, 0, 42};
            gpu.copyToDevice(d, ids, 1, 4);                           // from the middle of an array
            int[] idsBack = new int[4];
            gpu.copyToHost(idsBack, 0, d, 4);
            assertArrayEquals(new int[] {-3, Integer.MAX_VALUE, 0, 42}, idsBack);
        } finally {
            gpu.free(d);
        }
    }

    @Test
    void memset32FillsWordsAndRespectsOffsets() {
        int n = 777;
        DevicePtr d = gpu.malloc(4L * n);
        try {
            gpu.memset32(d, Float.floatToRawIntBits(2.5f), n);
            gpu.memset32(d.offset(4L * 100), Float.floatToRawIntBits(-1f), 10);   // words 100..109
            float[] back = new float[n];
            gpu.copyToHost(back, 0, d, n);
            for (int i = 0; i < n; i++) assertEquals(i >= 100 && i < 110 ? -1f : 2.5f, back[i], "word " + i);
        } finally {
            gpu.free(d);
        }
    }

    @Test
    void deviceToDeviceCopyIsOrderedOnTheStream() {
        DevicePtr a = gpu.malloc(4096), b = gpu.malloc(4096);
        try {
            gpu.memset32(a, 123, 1024);
            gpu.copyDeviceToDevice(b, a, 4096);
            int[] back = new int[1024];
            gpu.copyToHost(back, 0, b, 1024);
            for (int v : back) assertEquals(123, v);
        } finally {
            gpu.free(a);
            gpu.free(b);
        }
    }

    @Test
    void hostBlockedNanosCountsTheWaitForQueuedKernels() {
        GpuKernel scale = gpu.kernel(gpu.loadModule(SCALE_PTX), "scale_add");
        int n = 1 << 24, block = 256;
        DevicePtr x = gpu.malloc(4L * n);
        try {
            gpu.memset32(x, 0, n);
            gpu.synchronize();
            long before = gpu.hostBlockedNanos();
            GpuEvent start = gpu.recordEvent();
            for (int i = 0; i < 100; i++) {   // ~100 passes over 64 MB: milliseconds of queued work
                gpu.launch(scale, Dim3.of(n / block), Dim3.of(block), 0, KernelArgs.of().ptr(x).ptr(x).i32(n).f32(1f).f32(1f));
            }
            GpuEvent end = gpu.recordEvent();
            long launched = gpu.hostBlockedNanos();
            float[] one = new float[1];
            gpu.copyToHost(one, 0, x, 1);                        // waits for the 100 kernels
            long waited = gpu.hostBlockedNanos() - launched;
            double gpuNanos = gpu.elapsedMillis(start, end) * 1e6;
            assertEquals(100f, one[0]);
            assertEquals(before, launched, "launches do not block");
            // the host was blocked for at least the part of the kernels' time it had not spent launching them
            assertTrue(waited > 0 && waited <= gpuNanos * 1.5 + 5e6, "waited " + waited + " ns for " + gpuNanos + " ns of kernels");
            start.close();
            end.close();
        } finally {
            gpu.free(x);
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 31, 255, 256, 257, 1000, 65537})
    void scaleAddKernelComputesAxPlusBOnAwkwardSizes(int n) {
        GpuKernel scale = gpu.kernel(gpu.loadModule(SCALE_PTX), "scale_add");
        float a = 1.75f, b = -0.25f;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i) * 10f;
        DevicePtr dx = gpu.malloc(4L * n), dy = gpu.malloc(4L * n + 4);
        try {
            gpu.copyToDevice(dx, x, 0, n);
            gpu.memset32(dy, Float.floatToRawIntBits(Float.NaN), n + 1);   // a sentinel past the end
            int block = 256;
            gpu.launch(scale, Dim3.of((n + block - 1) / block), Dim3.of(block), 0,
                    KernelArgs.of().ptr(dx).ptr(dy).i32(n).f32(a).f32(b));
            float[] y = new float[n + 1];
            gpu.copyToHost(y, 0, dy, n + 1);
            for (int i = 0; i < n; i++) assertEquals(Math.fma(a, x[i], b), y[i], "y[" + i + "]");   // fma.rn: exact match
            assertTrue(Float.isNaN(y[n]), "the kernel wrote past n");
        } finally {
            gpu.free(dx);
            gpu.free(dy);
        }
    }

    @Test
    void modulesAndKernelsAreCached() {
        GpuModule m = gpu.loadModule(SCALE_PTX);
        assertSame(m, gpu.loadModule(SCALE_PTX));
        assertSame(gpu.kernel(m, "scale_add"), gpu.kernel(m, "scale_add"));
    }

    @Test
    void eventsTimeWorkOnTheStream() {
        GpuKernel scale = gpu.kernel(gpu.loadModule(SCALE_PTX), "scale_add");
        int n = 1 << 22;
        DevicePtr d = gpu.malloc(4L * n);
        try (GpuEvent start = gpu.recordEvent()) {
            gpu.memset32(d, 0, n);
            for (int r = 0; r < 10; r++) {
                gpu.launch(scale, Dim3.of(n / 256), Dim3.of(256), 0, KernelArgs.of().ptr(d).ptr(d).i32(n).f32(1f).f32(1f));
            }
            try (GpuEvent end = gpu.recordEvent()) {
                float ms = gpu.elapsedMillis(start, end);
                assertTrue(ms > 0f && ms < 10_000f, "elapsed " + ms + " ms");
            }
            float[] first = new float[1];
            gpu.copyToHost(first, 0, d, 1);
            assertEquals(10f, first[0]);
        } finally {
            gpu.free(d);
        }
    }

    @Test
    void unknownKernelNameIsAnErrorNamingKernelAndModule() {
        GpuModule m = gpu.loadModule(SCALE_PTX);
        GpuException e = assertThrows(GpuException.class, () -> gpu.kernel(m, "no_such_kernel"));
        assertTrue(e.getMessage().contains("cuModuleGetFunction(no_such_kernel)"), e.getMessage());
        assertTrue(e.getMessage().contains(SCALE_PTX), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA_ERROR_NOT_FOUND"), e.getMessage());
    }

    @Test
    void missingPtxResourceIsAnErrorNamingIt() {
        GpuException e = assertThrows(GpuException.class, () -> gpu.loadModule("/sslj/kernels/cuda/absent.ptx"));
        assertTrue(e.getMessage().contains("absent.ptx"), e.getMessage());
    }

    @Test
    void badFreesAreErrorsNamingTheAddress() {
        DevicePtr d = gpu.malloc(256);
        gpu.free(d);
        GpuException twice = assertThrows(GpuException.class, () -> gpu.free(d));
        assertTrue(twice.getMessage().contains(Long.toHexString(d.address())), twice.getMessage());
        assertTrue(twice.getMessage().contains("not a live allocation"), twice.getMessage());
        GpuException foreign = assertThrows(GpuException.class, () -> gpu.free(new DevicePtr(0x1234, 16)));
        assertTrue(foreign.getMessage().contains("0x1234"), foreign.getMessage());
    }

    @Test
    void copiesOutsideAnAllocationAreRejectedBeforeTheDriverSeesThem() {
        DevicePtr d = gpu.malloc(64);
        try {
            GpuException big = assertThrows(GpuException.class, () -> gpu.copyToDevice(d, new float[32], 0, 32));
            assertTrue(big.getMessage().contains("do not fit a 64-byte device buffer"), big.getMessage());
        } finally {
            gpu.free(d);
        }
        GpuException freed = assertThrows(GpuException.class, () -> gpu.memset32(d, 0, 4));
        assertTrue(freed.getMessage().contains("not inside a live allocation"), freed.getMessage());
    }

    @Test
    void launchWithAnImpossibleBlockNamesTheKernelAndTheShape() {
        GpuKernel scale = gpu.kernel(gpu.loadModule(SCALE_PTX), "scale_add");
        DevicePtr d = gpu.malloc(64);
        try {
            GpuException e = assertThrows(GpuException.class, () -> gpu.launch(scale, Dim3.of(1), Dim3.of(4096), 0,
                    KernelArgs.of().ptr(d).ptr(d).i32(16).f32(1f).f32(0f)));
            assertTrue(e.getMessage().contains("cuLaunchKernel(scale_add)"), e.getMessage());
            assertTrue(e.getMessage().contains("block (4096,1,1)"), e.getMessage());
        } finally {
            gpu.free(d);
        }
    }

    @Test
    void cachingAllocatorAndScopesWorkOnTheGpu() {
        CachingAllocator allocator = new CachingAllocator(gpu);
        for (int step = 0; step < 3; step++) {
            try (GpuScope scope = GpuScope.open(allocator)) {
                DevicePtr d = scope.alloc(4L * 300);
                gpu.memset32(d, step, 300);
                int[] back = new int[300];
                gpu.copyToHost(back, 0, d, 300);
                assertEquals(step, back[299]);
            }
        }
        assertEquals(1, allocator.stats().deviceMallocs(), "steps 2 and 3 reuse step 1's block");
        allocator.emptyCache();
    }
}
