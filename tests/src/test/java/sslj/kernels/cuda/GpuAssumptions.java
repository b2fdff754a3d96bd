package sslj.kernels.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How a test that needs a real GPU says so. Without a GPU the test is skipped, with the probe's
 * reason (e.g. "libcuda.so.1 not found"); on the GPU machine the harness sets
 * {@code -Dsslj.gpu=required}, and then a missing GPU FAILS the test instead of hiding behind a skip.
 */
public final class GpuAssumptions {
    /** The system property the GPU harness (bench/gpu/run-on-gpu.sh) sets to "required". */
    public static final String PROPERTY = "sslj.gpu";

    private GpuAssumptions() { }

    public static void requireGpu() {
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        if (gpu.available()) return;
        String why = "no GPU: " + gpu.reason();
        if ("required".equals(System.getProperty(PROPERTY))) fail(why + " (and -D" + PROPERTY + "=required is set)");
        assumeTrue(false, why);
    }
}
