package sslj.kernels.runtime;

/** A failed GPU call: the message names the call, the kernel where there is one, and the error. */
public class GpuException extends RuntimeException {
    public GpuException(String message) { super(message); }
    public GpuException(String message, Throwable cause) { super(message, cause); }
}
