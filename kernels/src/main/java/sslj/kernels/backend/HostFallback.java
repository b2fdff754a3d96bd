package sslj.kernels.backend;

import java.util.ArrayList;
import java.util.List;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * NOT ON THE GPU YET: the cases of the CUDA backend that still run as a host round trip — download the
 * operands, compute with the CPU backend, upload the result. Correct (the CPU backend is the
 * reference) but slow and synchronous. What remains here: sorting lines longer than the bitonic
 * kernel's 2048. Listed in docs/ARCHITECTURE.md.
 */
final class HostFallback {
    private final CudaBackend gpu;

    HostFallback(CudaBackend gpu) {
        this.gpu = gpu;
    }

    /** A CPU copy of a device tensor (same shape, contiguous). */
    Tensor toHost(Tensor t) {
        return Tensor.of(gpu.download(t), t.shape());
    }

    /** A device copy of a CPU result, registered in the current scope like any result. */
    Tensor toDevice(Tensor t) {
        return new Tensor(gpu.upload(t.toFloatArray()), t.shape());
    }

    Tensor[] topk(Tensor x, int k, int dim, boolean largest) {
        Tensor[] r = Device.CPU.backend().topk(toHost(x), k, dim, largest);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : r) out.add(toDevice(t));
        return out.toArray(new Tensor[0]);
    }

    Tensor argsort(Tensor x, int dim, boolean descending) {
        return toDevice(Device.CPU.backend().argsort(toHost(x), dim, descending));
    }
}
