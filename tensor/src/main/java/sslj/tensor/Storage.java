package sslj.tensor;

/**
 * A flat buffer of float32 numbers on one device. Tensors are views (shape, strides, offset) over a
 * storage; several tensors may share one. The CPU's is a {@code float[]}: a large one made inside a
 * {@link TensorScope} goes back to a pool when the scope releases it, any other belongs to the garbage
 * collector; a GPU's is device memory. {@link #release()}, which a scope calls when it closes, gives the
 * memory back (see TensorScope for the rules).
 */
public interface Storage {
    /** The device that holds the numbers. */
    Device device();

    /** How many floats it holds. */
    long length();

    /**
     * Gives the memory back now. Afterwards every use of a tensor over this storage is an
     * {@link IllegalStateException}; releasing again does nothing. A CPU storage that is not pooled
     * ignores it (its array belongs to the garbage collector), so device-agnostic code may call it freely.
     */
    default void release() { }

    /** Whether {@link #release()} has given the memory back (never, for an unpooled CPU array). */
    default boolean isReleased() { return false; }
}
