package sslj.kernels.cuda;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import sslj.kernels.runtime.GpuException;

/** The probe runs on every machine: it never throws, and without a GPU it says why. */
class JCudaRuntimeProbeTest {

    @Test
    void probeSaysWhyThereIsNoGpuOrNamesTheGpu() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        assertNotNull(a.reason());
        assertFalse(a.reason().isBlank());
        if (a.available()) {
            assertTrue(a.reason().contains("(sm_"), a.reason());
        } else {
            // Without a driver the binding stops at libcuda.so.1; with a driver but no device, at cuInit.
            assertTrue(a.reason().contains("libcuda.so.1") || a.reason().contains("cuInit") || a.reason().contains("device"), a.reason());
        }
        assertSame(a, JCudaRuntime.probe(), "the probe is cached");
    }

    @Test
    void openingARuntimeWithoutAGpuFailsWithTheProbesReason() {
        JCudaRuntime.Availability a = JCudaRuntime.probe();
        if (a.available()) return;
        GpuException e = assertThrows(GpuException.class, JCudaRuntime::new);
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
    }
}
