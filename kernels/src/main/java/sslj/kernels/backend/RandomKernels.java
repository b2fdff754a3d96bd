package sslj.kernels.backend;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.KernelArgs;
import sslj.tensor.Generator;

/**
 * The launcher of random.ptx: Philox4x32-10 fills that reproduce {@link Generator}'s stream. The host
 * claims the blocks with {@link Generator#reserve} (so a CPU fill and a GPU fill advance the generator
 * alike) and the kernel computes block first + t in thread t.
 *
 * <p>Why Philox in PTX rather than cuRAND: the same numbers on every device (a uniform fill is
 * bit-identical to the CPU's, a normal fill equal within 1e-5·std), so a run seeded on the CPU
 * initialises a model identically on the GPU; and no dependence on libcurand being loadable.
 */
final class RandomKernels {
    static final String MODULE = "/sslj/kernels/ptx/random.ptx";

    private final GpuContext ctx;

    RandomKernels(GpuContext ctx) {
        this.ctx = ctx;
    }

    /** Fills {@code n} floats at {@code out}: uniform in [a, b), or normal with mean a and std b. */
    void fill(DevicePtr out, int n, Generator gen, boolean normal, float a, float b) {
        long blocks = (n + 3) / 4L;
        long first = gen.reserve(blocks);
        if (n == 0) return;
        KernelArgs args = KernelArgs.of().ptr(out).i32(n).i64(gen.seed()).i64(first).i32(normal ? 1 : 0).f32(a).f32(b);
        ctx.launchElements(ctx.kernel(MODULE, "philoxFill"), blocks, args);
    }
}
