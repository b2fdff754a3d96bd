package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.InvaSpread;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Monitors;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * InvaSpread ({@link InvaSpread}, Ye et al. 2019): end-to-end instance discrimination between each
 * image's augmentation and the batch's original images, with the kNN / collapse monitors and
 * OUT/curves.png every epoch.
 *
 * <p>Defaults (the paper's §4.1; DESIGN.md §6): τ 0.1, 128-d embedding, SGD momentum 0.9, lr 0.03,
 * weight decay 5e-4, batch 128.
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.InvaSpreadMain -Dargs="--epochs 1 --limit 2000"
 * </pre>
 */
public final class InvaSpreadMain {
    private InvaSpreadMain() { }

    public static Options defaults() {
        Options o = new Options("InvaSpreadMain", "InvaSpread: invariant and spreading instance features, in-batch softmax over originals (Ye et al. 2019).",
                Set.of("temperature", "momentum", "crop-min"));
        o.epochs = 10;
        o.batchSize = 128;
        o.lr = 0.03;
        o.momentum = 0.9;
        o.weightDecay = 5e-4;
        o.temperature = 0.1;
        o.encoder = "resnet18";
        o.width = 16;
        o.out = Path.of("runs", "invaspread");
        o.logEvery = 10;
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o = defaults().parseOrExit(args);
        try {
            check(o);
            run(o, TrainData.train(o), TrainData.test(o), o.epochs);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("InvaSpreadMain: " + e.getMessage());
            System.exit(1);
        }
    }

    public static List<SslTrainer.EpochResult> run(Options o, Dataset train, Dataset test, int stopAfter) throws IOException {
        InvaSpread method = build(o);
        return SslTrainer.run(o, method, train, Monitors.standard(o, method, train, test), stopAfter);
    }

    public static InvaSpread build(Options o) {
        check(o);
        Device device = Device.parse(o.device);
        InvaSpread method = new InvaSpread(Encoders.build(o, TrainData.channels(o), new Generator(o.seed)), InvaSpread.EMBEDDING_DIM, o.temperature, new Generator(o.seed + 1));
        method.trainable().to(device);
        return method;
    }

    /** The checks on the options that need no data: a contrastive batch needs at least two images, the device must exist. */
    public static void check(Options o) {
        if (o.batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2 for InvaSpread (the negatives are the other images of the batch), got " + o.batchSize);
        Device.parse(o.device);
    }
}
