package sslj.tensor;

/**
 * A flat buffer of float32 numbers on one device. Tensors are views (shape, strides, offset) over a
 * storage; several tensors may share one. The CPU's is a {@code float[]}; a GPU's is device memory
 * that a scope frees deterministically.
 */
public interface Storage {
    /** The device that holds the numbers. */
    Device device();

    /** How many floats it holds. */
    long length();
}
