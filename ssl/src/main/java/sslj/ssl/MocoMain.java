package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.MocoV1;
import sslj.ssl.method.MocoV2;
import sslj.ssl.method.MocoV3;
import sslj.ssl.method.SslMethod;
import sslj.ssl.train.EpochMonitor;
import sslj.ssl.train.Options;
import sslj.ssl.train.Options.OptionsException;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;

/**
 * Trains MoCo, version 1, 2 (default) or 3 ({@code --version}), with the shared trainer.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.MocoMain -Dargs="--version 2 --epochs 1 --limit 512"
 *   ... -Dargs="--version 3 --encoder vit --epochs 1 --limit 512"
 * </pre>
 * Defaults (the papers', scaled to small CPU runs on 28–32 px images; linear lr scaling lr = base·B/256):
 * <ul>
 *   <li>v1: τ 0.07, queue 4096, key momentum 0.99 (the CIFAR values of MoCo's §4 / its CIFAR demo;
 *       ImageNet: 65536, 0.999), SGD 0.03·B/256, wd 1e-4, shuffle-BN with 2 groups;</li>
 *   <li>v2: as v1 with τ 0.2, the MLP head and blur;</li>
 *   <li>v3: τ 0.2, m 0.99 → 1 cosine, no queue; ResNet: LARS 0.6·B/256, wd 1e-6; ViT
 *       ({@code --encoder vit}): AdamW 1.5e-4·B/256, wd 0.1.</li>
 * </ul>
 * The lr default follows the batch size given on the command line; {@code --lr} overrides it. Every
 * run uses the trainer's warmup + cosine schedule (MoCo v1's paper used step decay; v2 switched to cosine).
 * Checks before training: batch ≥ 2; v1/v2: queue ≥ batch (any K: the queue wraps), batch ≥ 2·groups;
 * {@code --encoder vit} and no {@code --queue-size} / {@code --shuffle-groups} with v3.
 */
public final class MocoMain {
    private MocoMain() { }

    static final Set<String> OPTIONS = Set.of("temperature", "queue-size", "momentum", "version", "shuffle-groups", "crop-min");

    /** The defaults of MoCo {@code version} with {@code encoder} and batch size {@code batch}. */
    public static Options defaults(int version, String encoder, int batch) {
        Options o = new Options("MocoMain", "Trains MoCo v1, v2 or v3 (--version) on unlabelled images.", OPTIONS);
        o.version = version;
        o.encoder = encoder;
        o.batchSize = batch;
        o.epochs = 10;
        o.width = 16;
        o.out = Path.of("runs", "moco-v" + version);
        switch (version) {
            case 1, 2 -> {
                o.temperature = version == 1 ? MocoV1.TEMPERATURE : MocoV2.TEMPERATURE;
                o.queueSize = MocoV1.QUEUE_CIFAR;
                o.momentum = MocoV1.MOMENTUM_CIFAR;
                o.lr = MocoV1.LR * batch / 256;
                o.weightDecay = MocoV1.WEIGHT_DECAY;
                o.shuffleGroups = 2;
            }
            default -> {
                o.temperature = MocoV3.TEMPERATURE;
                o.momentum = MocoV3.MOMENTUM;
                boolean vit = encoder.equals("vit");
                o.lr = (vit ? MocoV3.ADAMW_LR : MocoV3.LARS_LR) * batch / 256;
                o.weightDecay = vit ? MocoV3.ADAMW_WEIGHT_DECAY : MocoV3.LARS_WEIGHT_DECAY;
                o.shuffleGroups = 1;
            }
        }
        return o;
    }

    /**
     * Parses in two passes: the first finds --version, --encoder and --batch-size over v2's defaults,
     * the second parses again over that version's defaults (so --lr etc. given by the user win).
     */
    public static Options parse(String... args) {
        Options probe = defaults(2, "resnet18", 128).parse(args);
        Options o = defaults(probe.version, probe.encoder, probe.batchSize).parse(args);
        check(o, args);
        return o;
    }

    /** The checks that involve the method: batch, queue, groups, encoder. */
    static void check(Options o, String... args) {
        if (o.help) return;
        if (o.batchSize < 2) throw new OptionsException("--batch-size must be at least 2 for a contrastive loss, got " + o.batchSize);
        if (o.version == 3) {
            if (given(args, "queue-size")) throw new OptionsException("--queue-size does not apply to MoCo v3 (no queue: in-batch negatives)");
            if (given(args, "shuffle-groups")) throw new OptionsException("--shuffle-groups does not apply to MoCo v3 (it uses plain BN; the paper syncs BN across devices)");
        } else {
            if (o.encoder.equals("vit")) throw new OptionsException("--encoder vit needs --version 3 (MoCo v1/v2 use a ResNet)");
            if (o.queueSize < o.batchSize) {
                throw new OptionsException("--queue-size " + o.queueSize + " is smaller than --batch-size " + o.batchSize + " (each step enqueues a whole batch)");
            }
            if (o.batchSize < 2 * o.shuffleGroups) {
                throw new OptionsException("--batch-size " + o.batchSize + " is too small for --shuffle-groups " + o.shuffleGroups
                        + " (each BN group needs at least 2 images: batch >= 2 x groups)");
            }
        }
    }

    static boolean given(String[] args, String name) {
        for (String a : args) if (a.equals("--" + name) || a.startsWith("--" + name + "=")) return true;
        return false;
    }

    /** The method {@code o} asks for. */
    public static SslMethod method(Options o) {
        return switch (o.version) {
            case 1 -> new MocoV1(o);
            case 2 -> new MocoV2(o);
            default -> new MocoV3(o);
        };
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = parse(args);
        } catch (OptionsException e) {
            defaults(2, "resnet18", 128).parseOrExit(args);   // prints the parser's own errors with the usage
            System.err.println("MocoMain: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.print(defaults(o.version, o.encoder, o.batchSize).usage());
            return;
        }
        try {
            runWithMonitors(o);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("MocoMain: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The main job: trains with the standard epoch monitors (kNN accuracy on the test set, collapse statistics). */
    static List<SslTrainer.EpochResult> runWithMonitors(Options o) throws IOException {
        sslj.ssl.method.SslMethod m = method(o);
        sslj.ssl.data.Dataset train = TrainData.train(o), test = TrainData.test(o);
        return SslTrainer.run(o, m, train, sslj.ssl.train.Monitors.standard(o, m, train, test), o.epochs);
    }

    public static List<SslTrainer.EpochResult> run(Options o, List<EpochMonitor> monitors) throws IOException {
        return SslTrainer.run(o, method(o), TrainData.train(o), monitors, o.epochs);
    }
}
