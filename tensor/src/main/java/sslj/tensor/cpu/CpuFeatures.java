package sslj.tensor.cpu;

/**
 * What this JVM offers the CPU backend, probed once at start-up. The Vector API lives in the
 * incubator module jdk.incubator.vector (JDK 17: present only with --add-modules); without it the
 * backend runs its scalar loops, which compute the same results more slowly.
 */
public final class CpuFeatures {
    private CpuFeatures() { }

    /** True when jdk.incubator.vector is in the boot layer (the JVM was started with --add-modules). */
    public static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("sslj.scalar");

    /** One line for logs: "CPU backend: 2 threads, Vector API on (AVX-512: 16 float lanes)". */
    public static String describe() {
        return "CPU backend: " + CpuParallel.threads() + " threads, Vector API "
                + (VECTOR_API ? "on (" + VectorLanes.lanes() + " float lanes)" : "off (scalar loops; start java with --add-modules=jdk.incubator.vector)");
    }

    /** Kept in its own class so that it is loaded only when the module is present. */
    private static final class VectorLanes {
        static int lanes() { return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(); }
    }
}
