package sslj.tensor;

/**
 * A plug-in that makes a non-CPU {@link Backend} (found with {@link java.util.ServiceLoader} through
 * META-INF/services/sslj.tensor.BackendProvider). {@link #create} throws {@link IllegalStateException}
 * with the reason when its device cannot be used (no driver, no GPU).
 */
public interface BackendProvider {
    /** The device kind it serves, e.g. "cuda". */
    String kind();

    /** Creates the backend for {@code device}, or throws IllegalStateException saying why it cannot. */
    Backend create(Device device);
}
