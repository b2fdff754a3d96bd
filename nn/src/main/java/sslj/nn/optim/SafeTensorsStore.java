package sslj.nn.optim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import sslj.nn.SafeTensors;
import sslj.tensor.Tensor;

/**
 * Checkpoint tensors in the safetensors format ({@link SafeTensors}), so that a model saved during
 * training loads in PyTorch with {@code safetensors.torch.load_file} and back.
 */
public final class SafeTensorsStore implements TensorStore {
    @Override public void write(Path file, Map<String, Tensor> tensors) throws IOException { SafeTensors.save(file, tensors); }

    @Override public Map<String, Tensor> read(Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) throw new java.nio.file.NoSuchFileException(file + ": no such tensor file");
        return SafeTensors.load(file);
    }

    @Override public String extension() { return "safetensors"; }
}
