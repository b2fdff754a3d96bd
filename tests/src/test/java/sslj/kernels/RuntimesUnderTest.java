package sslj.kernels;

import java.util.List;
import sslj.kernels.emu.PtxEmulator;
import sslj.kernels.runtime.GpuRuntime;

/**
 * The GPU runtimes the kernel tests run on: every test that takes a {@link GpuRuntime} from
 * {@link #all()} must pass on each. Today that is the PTX emulator; the JCuda runtime joins when it is
 * available on the machine (a GPU run of the same suite confirms what the emulator says).
 */
public final class RuntimesUnderTest {
    private RuntimesUnderTest() { }

    /** Fresh runtimes; the caller closes each. */
    public static List<GpuRuntime> all() {
        return List.of(new PtxEmulator());
    }
}
