package sslj.kernels.runtime;

/** A loaded PTX module; owned by the runtime that loaded it. */
public interface GpuModule {
    /** The classpath resource it came from. */
    String resourcePath();
}
