package sslj.tensor;

/**
 * A flat buffer of float32 numbers on one device. Tensors are views (shape, strides, offset) over a
 * storage; several tensors may share one. The CPU's is a {@code float[]} that the garbage collector
 * frees; a GPU's is device memory, freed deterministically by {@link #release()}, which a
 * {@link TensorScope} calls when it closes (see there for the rules).
 */
public interface Storage {
    /** The device that holds the numbers. */
    Device device();

    /** How many floats it holds. */
    long length();

    /**
     * Gives the memory back now. Afterwards every use of a tensor over this storage is an
     * {@link IllegalStateException}; releasing again does nothing. The CPU's storage ignores it (its
     * array belongs to the garbage collector), so device-agnostic code may call it freely.
     */
    default void release() { }

    /** Whether {@link #release()} has given the memory back (always false for the CPU). */
    default boolean isReleased() { return false; }
}
