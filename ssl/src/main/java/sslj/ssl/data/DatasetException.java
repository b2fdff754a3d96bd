package sslj.ssl.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that cannot be used: missing, truncated, corrupt, a wrong magic number, counts that
 * disagree, an empty image folder. Every reader throws this (an {@link IOException}, so callers that
 * already handle I/O failures need nothing new), and the message always starts with the file or
 * directory at fault, then says what is wrong: {@code "/data/train-images.gz: bad magic 2049, expected 2051 (IDX images)"}.
 */
public class DatasetException extends IOException {
    private final String file;

    public DatasetException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DatasetException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public DatasetException(Path file, String problem) { this(String.valueOf(file), problem); }

    public DatasetException(Path file, String problem, Throwable cause) { this(String.valueOf(file), problem, cause); }

    /** The file or directory at fault (a path, or a classpath resource name). */
    public String file() { return file; }
}
