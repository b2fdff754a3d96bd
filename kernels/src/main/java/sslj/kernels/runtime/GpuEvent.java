package sslj.kernels.runtime;

/**
 * A point on the stream, recorded for timing. Closing it releases the driver's event object
 * (a benchmark records two per iteration); the runtime releases any left open when it closes.
 */
public interface GpuEvent extends AutoCloseable {
    @Override
    default void close() { }
}
