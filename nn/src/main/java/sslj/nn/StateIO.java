package sslj.nn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Saves and loads a module's state dict (parameters and buffers, by dotted name) as a safetensors file,
 * the format PyTorch's {@code safetensors.torch.save_file(model.state_dict(), path)} writes, so the
 * same file loads on either side when the models have the same structure.
 */
public final class StateIO {
    private StateIO() { }

    /** Writes {@code module.stateDict()} to {@code file}. */
    public static void save(Module module, Path file) throws IOException {
        SafeTensors.save(file, module.stateDict());
    }

    /**
     * Loads {@code file} into {@code module}, strictly: every name present, no extra names, every shape
     * equal. A malformed file throws {@link SafeTensorsException}; a file that does not fit the module
     * throws IllegalArgumentException naming the file and every missing, unexpected or misshapen key.
     */
    public static void load(Module module, Path file) throws IOException {
        var state = SafeTensors.load(file);
        try {
            module.loadStateDict(state, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
