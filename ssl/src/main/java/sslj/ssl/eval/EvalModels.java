package sslj.ssl.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import sslj.nn.ResNet;
import sslj.nn.SafeTensors;
import sslj.ssl.Classifier;
import sslj.ssl.SupervisedMain;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/** The models an evaluation compares: the pretrained encoder, a random-init one, the supervised baseline. */
public final class EvalModels {
    private EvalModels() { }

    /**
     * The encoder architecture for {@code source}: --encoder, --stem and --width as given on the command line,
     * otherwise as recorded in the run's options.txt, otherwise this main's defaults. Sets them in
     * {@code e.common} and returns a line for the log saying which.
     */
    public static String adoptArchitecture(EvalOptions e, Path source) throws IOException {
        if (source == null) return "";
        Map<String, String> arch = EncoderLoader.runArchitecture(source);
        if (arch == null) return "";
        Options o = e.common;
        StringBuilder said = new StringBuilder();
        if (arch.containsKey("encoder") && !e.given.contains("encoder") && !arch.get("encoder").equals(o.encoder)) {
            o.encoder = arch.get("encoder");
            said.append(" --encoder ").append(o.encoder);
        }
        if (arch.containsKey("stem") && !e.given.contains("stem") && !arch.get("stem").equals(o.stem)) {
            o.stem = arch.get("stem");
            said.append(" --stem ").append(o.stem);
        }
        if (arch.containsKey("width") && !e.given.contains("width")) {
            int w = Integer.parseInt(arch.get("width"));
            if (w != o.width) said.append(" --width ").append(w);
            o.width = w;
        }
        if (arch.containsKey("data") && !arch.get("data").equals(o.data)) {
            said.append(" (note: the encoder was trained on ").append(arch.get("data")).append(", evaluated on ").append(o.data).append(')');
        }
        return said.length() == 0 ? "" : "architecture from " + source + "/options.txt:" + said;
    }

    /** The pretrained encoder: the architecture the options name, loaded from {@code e.pretrained}. */
    public static ResNet pretrained(EvalOptions e, Device device) throws IOException {
        Options o = e.common;
        ResNet enc = Encoders.build(o, TrainData.channels(o), new Generator(o.seed));
        EncoderLoader.load(enc, e.pretrained, e.prefix);
        enc.to(device);
        return enc;
    }

    /** The random-init baseline: the same architecture, initialised from the seed, never trained. */
    public static ResNet randomInit(Options o, Device device) {
        ResNet enc = Encoders.build(o, TrainData.channels(o), new Generator(o.seed));
        enc.to(device);
        return enc;
    }

    /**
     * Test accuracy of a SupervisedMain run: its Classifier (architecture from DIR/options.txt)
     * loaded from DIR/checkpoint/model.safetensors.
     */
    public static double supervisedAccuracy(Path dir, Options o, Dataset test, Device device) throws IOException {
        Path file = dir.resolve("checkpoint").resolve(EncoderLoader.MODEL_FILE);
        if (!Files.isRegularFile(file)) throw new IOException("--supervised " + dir + ": no checkpoint/" + EncoderLoader.MODEL_FILE + " (a SupervisedMain --out directory?)");
        Options arch = SupervisedMain.defaults();
        arch.data = o.data;
        Map<String, String> a = EncoderLoader.runArchitecture(dir);
        if (a != null && a.containsKey("encoder")) arch.encoder = a.get("encoder");
        if (a != null && a.containsKey("width")) arch.width = Integer.parseInt(a.get("width"));
        if (a != null && a.containsKey("stem")) arch.stem = a.get("stem");
        Generator gen = new Generator(0);
        ResNet enc = Encoders.build(arch, TrainData.channels(o), gen);
        Classifier model = new Classifier(enc, enc.featureDim(), test.numClasses(), gen);
        try {
            model.loadStateDict(SafeTensors.load(file), true);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("--supervised: " + file + " is not a " + arch.encoder + " width " + arch.width + " (stem " + arch.stem + ") classifier: " + ex.getMessage(), ex);
        }
        model.to(device);
        try (DataLoader loader = DataLoader.builder(test).batchSize(256).transform(TrainData.normalize(o)).workers(o.workers).build()) {
            return SupervisedMain.accuracy(model, loader, device);
        }
    }
}
