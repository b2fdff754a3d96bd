package sslj.kernels.runtime;

/** A point on the stream, recorded for timing. */
public interface GpuEvent {
}
