package sslj.kernels.cuda;

import sslj.kernels.runtime.GpuLibraries;

/**
 * Prints, in two lines, whether this machine can run the CUDA backend and which GPU libraries load:
 * {@code java -cp ... sslj.kernels.cuda.GpuInfo}. Used by bench/gpu/run-on-gpu.sh; never throws.
 */
public final class GpuInfo {
    private GpuInfo() { }

    public static void main(String[] args) {
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        System.out.println("GPU: " + (gpu.available() ? "yes, " : "no, ") + gpu.reason());
        System.out.println(GpuLibraries.summaryLine());
    }
}
