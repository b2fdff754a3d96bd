package sslj.ssl.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import sslj.nn.Module;
import sslj.nn.SafeTensors;
import sslj.tensor.Tensor;

/**
 * Loads a pretrained encoder's parameters and buffers into a freshly built encoder of the same
 * architecture. The source may be
 * <ul>
 *   <li>a run directory (what a training main wrote to --out): RUN/checkpoint/model.safetensors,</li>
 *   <li>a checkpoint directory holding model.safetensors, or</li>
 *   <li>a .safetensors file.</li>
 * </ul>
 * The file holds either a method's whole {@code trainable()} state dict, whose encoder entries carry a
 * prefix ({@value #DEFAULT_PREFIX} by default: the SSL methods and {@link sslj.ssl.Classifier} name
 * their backbone "encoder"), or a plain encoder state dict (no prefix). Entries outside the prefix
 * (projection heads, predictors, classifiers) are ignored. Every missing name and shape mismatch is
 * reported at once, with the file named.
 */
public final class EncoderLoader {
    public static final String DEFAULT_PREFIX = "encoder.";
    public static final String MODEL_FILE = "model.safetensors";

    private EncoderLoader() { }

    /** The safetensors file a source names (see the class comment); IllegalArgumentException naming the path when there is none. */
    public static Path resolve(Path source) throws IOException {
        if (Files.isRegularFile(source)) return source;
        for (Path p : List.of(source.resolve("checkpoint").resolve(MODEL_FILE), source.resolve(MODEL_FILE))) {
            if (Files.isRegularFile(p)) return p;
        }
        if (!Files.exists(source)) throw new IllegalArgumentException("pretrained encoder: " + source + " does not exist");
        throw new IllegalArgumentException("pretrained encoder: " + source + " holds neither checkpoint/" + MODEL_FILE + " nor " + MODEL_FILE
                + " (give a run directory, a checkpoint directory or a .safetensors file)");
    }

    /** Loads {@code source} into {@code encoder}; returns the file read. */
    public static Path load(Module encoder, Path source, String prefix) throws IOException {
        Path file = resolve(source);
        load(encoder, SafeTensors.load(file), prefix, file.toString());
        return file;
    }

    /**
     * Loads the entries of {@code state} under {@code prefix} (or, when no entry has the prefix, the
     * whole of {@code state} as a plain encoder state dict) into {@code encoder}.
     *
     * @param where names the source in error messages
     */
    public static void load(Module encoder, Map<String, Tensor> state, String prefix, String where) {
        String p = onlineEncoderPrefix(state, prefix == null ? "" : prefix);
        Map<String, Tensor> own = encoder.stateDict();
        Map<String, Tensor> picked = new LinkedHashMap<>();
        boolean anyPrefixed = !p.isEmpty() && state.keySet().stream().anyMatch(k -> k.startsWith(p));
        if (anyPrefixed) {
            state.forEach((k, v) -> { if (k.startsWith(p)) picked.put(k.substring(p.length()), v); });
        } else if (p.isEmpty() || own.keySet().stream().anyMatch(state::containsKey)) {
            picked.putAll(state);                        // a plain encoder state dict
        } else {
            throw new IllegalArgumentException(where + ": no entry starts with the prefix '" + p + "' and none is an encoder name; "
                    + "its names start with " + heads(state.keySet()) + " (choose one with --prefix)");
        }
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor v = picked.get(e.getKey());
            if (v == null) missing.add(anyPrefixed ? p + e.getKey() : e.getKey());
            else if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())) {
                problems.add("'" + (anyPrefixed ? p : "") + e.getKey() + "' has shape " + java.util.Arrays.toString(v.shape())
                        + ", the encoder expects " + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, missing.size() + " missing: " + String.join(", ", missing.subList(0, Math.min(8, missing.size())))
                    + (missing.size() > 8 ? ", ..." : ""));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(where + " does not fit the encoder (" + own.size() + " tensors; check --encoder and --width): "
                    + String.join("; ", problems));
        }
        Map<String, Tensor> exact = new LinkedHashMap<>();
        for (String k : own.keySet()) exact.put(k, picked.get(k));
        encoder.loadStateDict(exact, false);
    }

    /**
     * The default prefix, where the file has it; otherwise, for the methods whose trained encoder sits
     * one level down (BYOL and MoCo v3: "online.encoder.", CLIP: "image.encoder."), that prefix when
     * exactly one such is there besides the momentum copies ("target.", "key."), which are not what
     * the papers evaluate. Any other prefix the user gave is taken as given.
     */
    public static String onlineEncoderPrefix(Map<String, Tensor> state, String prefix) {
        if (!prefix.equals(DEFAULT_PREFIX) || state.keySet().stream().anyMatch(k -> k.startsWith(prefix))) return prefix;
        TreeSet<String> found = new TreeSet<>();
        for (String k : state.keySet()) {
            int dot = k.indexOf('.');
            if (dot > 0 && k.startsWith(DEFAULT_PREFIX, dot + 1)) found.add(k.substring(0, dot + 1) + DEFAULT_PREFIX);
        }
        found.removeAll(java.util.Set.of("target." + DEFAULT_PREFIX, "key." + DEFAULT_PREFIX));
        return found.size() == 1 ? found.first() : prefix;
    }

    /** The distinct first name parts of {@code keys} ("encoder.", "projector.", ...), for error messages. */
    private static String heads(java.util.Set<String> keys) {
        TreeSet<String> h = new TreeSet<>();
        for (String k : keys) h.add(k.contains(".") ? k.substring(0, k.indexOf('.') + 1) : k);
        return h.toString();
    }

    /**
     * The architecture recorded with a run ({@code --encoder}, {@code --width} and {@code --stem} in RUN/options.txt,
     * written by every training main), or null where the source has no options.txt beside it.
     */
    public static Map<String, String> runArchitecture(Path source) throws IOException {
        Path dir = Files.isRegularFile(source) ? source.toAbsolutePath().getParent() : source;
        for (Path cand : new Path[] {dir.resolve("options.txt"), dir.getParent() == null ? null : dir.getParent().resolve("options.txt")}) {
            if (cand == null || !Files.isRegularFile(cand)) continue;
            String[] tok = Files.readString(cand).trim().split("\\s+");
            Map<String, String> arch = new LinkedHashMap<>();
            for (int i = 0; i + 1 < tok.length; i++) {
                if (tok[i].equals("--encoder") || tok[i].equals("--width") || tok[i].equals("--stem") || tok[i].equals("--data")) arch.put(tok[i].substring(2), tok[i + 1]);
            }
            return arch.isEmpty() ? null : arch;
        }
        return null;
    }
}
