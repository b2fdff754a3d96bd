package sslj.ssl.data;

/**
 * A finite, indexable collection of labelled images, as torch.utils.data.Dataset (map-style).
 *
 * <p>Contract: readers do all file I/O and validation when they are built (throwing
 * {@link DatasetException}), so {@link #get} never touches a file and never fails on a valid index;
 * {@code get} must be safe to call from several {@link DataLoader} worker threads at once.
 */
public interface Dataset {

    int size();

    /** Sample {@code index}, 0 ≤ index &lt; size(); each call returns a fresh image the caller may keep. */
    Sample get(int index);

    /** Number of classes (labels are 0 .. numClasses − 1). */
    int numClasses();

    /** A short description for logs, e.g. "Fashion-MNIST train (60000, /usr/share/...)". */
    default String describe() { return getClass().getSimpleName() + " (" + size() + " images)"; }
}
