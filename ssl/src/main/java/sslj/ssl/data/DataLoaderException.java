package sslj.ssl.data;

/**
 * A failure while producing a batch — in a dataset's {@code get}, a transform, or assembling the
 * batch — rethrown in the consumer's thread. The message names the sample index (and epoch and batch);
 * the cause is the original exception.
 */
public class DataLoaderException extends RuntimeException {
    private final int sampleIndex;

    public DataLoaderException(String message, int sampleIndex, Throwable cause) {
        super(message, cause);
        this.sampleIndex = sampleIndex;
    }

    /** The dataset index of the sample that failed, or −1 when the failure was not tied to one sample. */
    public int sampleIndex() { return sampleIndex; }
}
