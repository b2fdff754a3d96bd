package sslj.kernels.backend;

import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.runtime.GpuLibraries;
import sslj.tensor.Backend;
import sslj.tensor.BackendProvider;
import sslj.tensor.Device;

/**
 * Device "cuda": the real GPU through the JCuda driver API. When the machine has none, creating the
 * backend fails with the probe's reason (no libcuda.so.1, no device, ...), so {@code Device.cuda()}
 * gives either the GPU or a clear error, never a silent CPU fallback (STYLE.md 11). At first use it
 * prints, once, which GPU libraries loaded.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override public String kind() { return "cuda"; }

    @Override
    public Backend create(Device device) {
        if (device.index() != 0) {
            throw new IllegalStateException("device " + device + " is not available: only cuda:0 is supported");
        }
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        if (!gpu.available()) {
            throw new IllegalStateException("device " + device + " is not available: " + gpu.reason()
                    + " (device \"cuda-emu\" runs the same kernels in the PTX emulator)");
        }
        GpuLibraries.reportOnce();
        return new CudaBackend(device, new JCudaRuntime());
    }
}
