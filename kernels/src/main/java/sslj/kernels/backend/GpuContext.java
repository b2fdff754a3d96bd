package sslj.kernels.backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import sslj.kernels.runtime.CachingAllocator;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * What every launcher of one device shares: the runtime (a real GPU or the PTX emulator), the caching
 * allocator over it, and the kernels, looked up once by (module, name). Modules are loaded once per
 * runtime from classpath resources (STYLE.md 9); {@link GpuRuntime#loadModule} caches them.
 */
final class GpuContext {
    /** Threads per block of the one-thread-per-element kernels. */
    static final int BLOCK = 256;

    final GpuRuntime runtime;
    final CachingAllocator allocator;
    private final Map<String, GpuKernel> kernels = new ConcurrentHashMap<>();

    GpuContext(GpuRuntime runtime) {
        this.runtime = runtime;
        this.allocator = new CachingAllocator(runtime);
    }

    /** Kernel {@code name} of the PTX resource {@code module}, loaded on first use. */
    GpuKernel kernel(String module, String name) {
        return kernels.computeIfAbsent(module + "#" + name, k -> runtime.kernel(runtime.loadModule(module), name));
    }

    /** A one-thread-per-element launch over {@code n} elements (n > 0). */
    void launchElements(GpuKernel kernel, long n, KernelArgs args) {
        long blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException(kernel.name() + ": " + n + " elements are too many for one launch");
        runtime.launch(kernel, Dim3.of((int) blocks), Dim3.of(BLOCK), 0, args);
    }
}
