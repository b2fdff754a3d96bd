package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * A per-sample image transform (an augmentation), CHW float[] in, CHW float[] out.
 *
 * <p>All randomness comes from the {@link Generator} passed in, drawn in a fixed order, so the same
 * image and a generator with the same seed give the same output on any thread: this is what makes the
 * {@link DataLoader} deterministic whatever its number of workers. Transforms never modify their input.
 */
@FunctionalInterface
public interface Transform {

    Image apply(Image image, Generator gen);

    /** This transform, then {@code next}. */
    default Transform then(Transform next) { return Compose.of(this, next); }

    /** The identity. */
    static Transform identity() { return (image, gen) -> image; }
}
