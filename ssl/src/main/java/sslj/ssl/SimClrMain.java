package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.SimClr;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Monitors;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * SimCLR ({@link SimClr}) on Fashion-MNIST (or CIFAR-10, or an image folder): a ResNet-18 (width 16,
 * small-image stem) + projection head trained with NT-Xent on two augmented views, LARS, warmup +
 * cosine. Every epoch it reports the weighted kNN accuracy of the encoder on the test split (bank:
 * the training images of the run), the collapse statistics, and redraws OUT/curves.png.
 *
 * <p>Defaults (Chen et al. 2020; DESIGN.md §6): τ 0.5 (the paper's CIFAR value), batch 256, lr
 * 0.3·B/256 (so 0.3 at batch 256; a batch size given without --lr rescales it), weight decay 1e-6.
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SimClrMain -Dargs="--epochs 1 --limit 2000"
 * </pre>
 */
public final class SimClrMain {
    private SimClrMain() { }

    public static Options defaults() {
        Options o = new Options("SimClrMain", "SimCLR: contrastive learning with NT-Xent over two augmented views (Chen et al. 2020).", Set.of("temperature", "crop-min"));
        o.epochs = 10;
        o.batchSize = 256;
        o.lr = 0.3;
        o.weightDecay = 1e-6;
        o.temperature = 0.5;
        o.encoder = "resnet18";
        o.width = 16;
        o.out = Path.of("runs", "simclr");
        o.logEvery = 10;
        return o;
    }

    /** Parses the command line; without --lr the learning rate follows the batch size, 0.3·B/256. */
    public static Options parse(String... args) {
        Options o = defaults().parseOrExit(args);
        if (Arrays.stream(args).noneMatch(a -> a.equals("--lr") || a.startsWith("--lr="))) o.lr = 0.3 * o.batchSize / 256;
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o = parse(args);
        try {
            check(o);
            run(o, TrainData.train(o), TrainData.test(o), o.epochs, SimClr.Optim.LARS);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("SimClrMain: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Trains on {@code train}, monitors on {@code test}; stops after epoch {@code stopAfter} (tests). */
    public static List<SslTrainer.EpochResult> run(Options o, Dataset train, Dataset test, int stopAfter, SimClr.Optim optim) throws IOException {
        SimClr method = build(o, optim);
        return SslTrainer.run(o, method, train, Monitors.standard(o, method, train, test), stopAfter);
    }

    /** The method as the options say, on the options' device; the checks that need no data first. */
    public static SimClr build(Options o, SimClr.Optim optim) {
        check(o);
        Device device = Device.parse(o.device);
        SimClr method = new SimClr(Encoders.build(o, TrainData.channels(o), new Generator(o.seed)), SimClr.PROJECTION_DIM, o.temperature, optim, new Generator(o.seed + 1));
        method.trainable().to(device);
        return method;
    }

    /** The checks on the options that need no data: a contrastive batch needs at least two images, the device must exist. */
    public static void check(Options o) {
        if (o.batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2 for NT-Xent (each image's negatives are the other images), got " + o.batchSize);
        Device.parse(o.device);
    }
}
