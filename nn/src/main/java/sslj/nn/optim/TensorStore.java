package sslj.nn.optim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import sslj.tensor.Tensor;

/**
 * How a {@link Checkpoint} writes and reads a map of named tensors; {@link SafeTensorsStore} (the
 * default) keeps them in the safetensors format, which PyTorch reads.
 */
public interface TensorStore {
    /** Writes {@code tensors} (any device; stored as float32) to {@code file}, replacing it. */
    void write(Path file, Map<String, Tensor> tensors) throws IOException;

    /** Reads the tensors of {@code file} onto the CPU, in their stored order. */
    Map<String, Tensor> read(Path file) throws IOException;

    /** The file-name extension of this format, without the dot ("tensors", "safetensors"). */
    String extension();
}
