package sslj.kernels;

import java.util.ArrayList;
import java.util.List;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.runtime.GpuRuntime;

/**
 * The GPU runtimes the kernel tests run on: every test that takes a {@link GpuRuntime} from
 * {@link #all()} must pass on each. Always the PTX emulator (so CI, with no GPU, runs every kernel);
 * plus the real GPU through JCuda when the machine has one, so that the same tests confirm on
 * hardware what the emulator says. With {@code -Dsslj.gpu=required} (set by bench/gpu/run-on-gpu.sh)
 * a missing GPU is an error rather than a silently shorter list.
 */
public final class RuntimesUnderTest {
    private RuntimesUnderTest() { }

    /** Fresh runtimes; the caller closes each. */
    public static List<GpuRuntime> all() {
        List<GpuRuntime> runtimes = new ArrayList<>();
        runtimes.add(new PtxEmulator());
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        if (gpu.available()) {
            runtimes.add(new JCudaRuntime());
        } else if ("required".equals(System.getProperty("sslj.gpu"))) {
            throw new IllegalStateException("-Dsslj.gpu=required but no GPU: " + gpu.reason());
        }
        return runtimes;
    }
}
