package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import sslj.nn.ResNet;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.InstDisc;
import sslj.ssl.train.EpochMonitor;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * Trains InstDisc ({@link InstDisc}: memory bank, NCE over sampled negatives, proximal regulariser).
 * {@code --queue-size} is K, the negatives drawn from the bank per step; {@code --momentum} is SGD's;
 * {@code --bank-momentum} the bank's (0.5) and {@code --proximal} the regulariser's λ.
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.InstDiscMain -Dargs="--epochs 1 --limit 2000 --width 8"
 * </pre>
 */
public final class InstDiscMain {
    private InstDiscMain() { }

    /** The paper's defaults (DESIGN.md §6), scaled to a CPU run: ResNet-18 width 16, batch 128. */
    public static Options defaults() {
        Options o = new Options("InstDiscMain", "Trains InstDisc (Wu et al. 2018): memory bank, NCE over K sampled negatives, proximal regulariser.",
                Set.of("temperature", "queue-size", "momentum", "crop-min"));
        InstDisc.Config c = InstDisc.Config.defaults();
        o.epochs = 20;
        o.batchSize = 128;
        o.lr = 0.03;
        o.momentum = 0.9;
        o.weightDecay = 1e-4;
        o.temperature = 0.07;            // = c.temperature(), as a double
        o.queueSize = c.negatives();
        o.width = 16;
        o.out = Path.of("runs", "instdisc");
        o.addOption("proximal", "X", "λ of the proximal regulariser λ‖v_i(t) − v_i(t−1)‖² (0 = off)", Float.toString(c.lambda()), true,
                Options.number("proximal", 0, false));
        o.addOption("z-momentum", "X", "NCE normaliser Z: 1 = fixed after the first step (paper), m < 1 = Z <- m Z + (1 - m) Z_batch", Float.toString(c.zMomentum()), true,
                v -> {
                    double m = Double.parseDouble(Options.number("z-momentum", 0, false).apply(v));
                    if (m > 1) throw new Options.OptionsException("--z-momentum must be in [0, 1], got " + v);
                    return v.trim();
                });
        o.addOption("bank-init", "HOW", "memory bank before training: random (paper) | features (the untrained network's features of the images)",
                "random", true, Options.choice("bank-init", "random", "features"));
        o.addOption("bank-momentum", "X", "momentum of the memory-bank update", Float.toString(c.bankMomentum()), true,
                v -> {
                    double m = Double.parseDouble(Options.number("bank-momentum", 0, false).apply(v));
                    if (m >= 1) throw new Options.OptionsException("--bank-momentum must be in [0, 1), got " + v);
                    return v.trim();
                });
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o = defaults().parseOrExit(args);
        try {
            run(o, TrainData.train(o), null, o.epochs);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("InstDiscMain: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Builds the method for {@code train} and trains it (stopping after epoch {@code stopAfter}); null
     * monitors means the standard ones (kNN accuracy on the test set, collapse statistics).
     */
    public static List<SslTrainer.EpochResult> run(Options o, Dataset train, List<EpochMonitor> monitors, int stopAfter) throws IOException {
        if (o.batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2 (batch norm in the encoder), got " + o.batchSize);
        Device device = Device.parse(o.device);
        Generator gen = new Generator(o.seed);
        ResNet encoder = Encoders.build(o, TrainData.channels(o), gen);
        InstDisc.Config cfg = new InstDisc.Config(InstDisc.Config.defaults().dim(), o.queueSize, (float) o.temperature,
                (float) o.optionDouble("bank-momentum"), (float) o.optionDouble("proximal"), o.seed, (float) o.optionDouble("z-momentum"));
        InstDisc method = new InstDisc(encoder, encoder.featureDim(), train.size(), cfg, device, gen);
        // A resumed run loads its bank from the checkpoint: only a fresh one is initialised here.
        if (o.option("bank-init").equals("features") && !o.resume) method.initBankFromFeatures(train, TrainData.normalize(o), o.workers);
        List<EpochMonitor> ms = monitors != null ? monitors : sslj.ssl.train.Monitors.standard(o, method, train, TrainData.test(o));
        return SslTrainer.run(o, method, train, ms, stopAfter);
    }
}
