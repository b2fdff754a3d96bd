package sslj.nn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read: truncated, a bad header length, invalid JSON, an unsupported
 * dtype, bad data offsets. An IOException, since it is a problem with a file; the message starts with
 * the file's path and then says what is wrong.
 */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
