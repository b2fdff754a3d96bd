package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.emu.PtxEmulator;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/** The devices the kernels module provides, and the reduction kernels under the emulator's race check. */
class CudaDeviceTest {

    @Test
    void cudaIsTheGpuOrAClearError() {
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        if (gpu.available()) {
            assertInstanceOf(CudaBackend.class, Device.cuda().backend());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Device::cuda);
            assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains(gpu.reason()), e.getMessage());
        }
        assertInstanceOf(CudaBackend.class, Device.of("cuda-emu", 0).backend());
    }

    @Test
    void rowKernelsHaveNoSharedMemoryRaces() {
        Device emu = Device.of("cuda-emu", 1); // its own emulator, so the race check slows no other test
        PtxEmulator runtime = (PtxEmulator) GpuDevices.backend(emu).runtime();
        runtime.setRaceDetection(true);
        Tensor x = Tensor.randn(new Generator(5), 5, 300);
        Tensor g = x.to(emu);
        Close.assertClose("sum", new int[] {5}, Close.toDouble(x.sum(new int[] {1}, false).toFloatArray()), g.sum(new int[] {1}, false), 1e-4, 1e-5);
        Close.assertClose("logsumexp", new int[] {5}, Close.toDouble(x.logsumexp(new int[] {1}, false).toFloatArray()),
                g.logsumexp(new int[] {1}, false), 1e-5, 1e-5);
        Close.assertExact("argmax", new int[] {5}, Close.toDouble(x.argmax(1, false).toFloatArray()), g.argmax(1, false));
        Close.assertClose("softmax", new int[] {5, 300}, Close.toDouble(x.softmax(1).toFloatArray()), g.softmax(1), 1e-6, 1e-5);
        Close.assertClose("l2Normalize", new int[] {5, 300}, Close.toDouble(x.l2Normalize(1).toFloatArray()), g.l2Normalize(1), 1e-6, 1e-5);
    }
}
