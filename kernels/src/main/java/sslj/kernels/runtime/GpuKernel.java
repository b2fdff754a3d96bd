package sslj.kernels.runtime;

/** A kernel (a PTX .entry) of a loaded module. */
public interface GpuKernel {
    /** The .entry name. */
    String name();
    /** The module it belongs to. */
    GpuModule module();
}
