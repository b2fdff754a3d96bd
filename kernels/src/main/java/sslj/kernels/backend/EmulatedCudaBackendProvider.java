package sslj.kernels.backend;

import sslj.kernels.emu.PtxEmulator;
import sslj.tensor.Backend;
import sslj.tensor.BackendProvider;
import sslj.tensor.Device;

/**
 * Device "cuda-emu": the CUDA backend on the PTX emulator, the same kernels interpreted on the CPU
 * with every memory access checked. Slow (an instruction at a time), so for tests, small shapes and
 * the curious; always available. Each device index gets its own emulator.
 */
public final class EmulatedCudaBackendProvider implements BackendProvider {
    @Override public String kind() { return "cuda-emu"; }

    @Override
    public Backend create(Device device) {
        return new CudaBackend(device, new PtxEmulator());
    }
}
