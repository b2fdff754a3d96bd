package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.Byol;
import sslj.ssl.train.EpochMonitor;
import sslj.ssl.train.Options;
import sslj.ssl.train.Options.OptionsException;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;

/**
 * Trains BYOL ({@link Byol}) with the shared trainer.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.ByolMain -Dargs="--epochs 1 --limit 512"
 *   ... -Dargs="--no-bn-heads ..."      heads without batch norm: the collapse study
 * </pre>
 * Defaults (Grill et al. 2020, scaled to small CPU runs): LARS lr 0.2·B/256 (follows --batch-size;
 * --lr overrides), weight decay 1.5e-6, target momentum τ_base 0.996 → 1 cosine ({@code --momentum}),
 * batch 128, ResNet-18 width 16, warmup + cosine lr.
 */
public final class ByolMain {
    private ByolMain() { }

    public static Options defaults(int batch) {
        Options o = new Options("ByolMain", "Trains BYOL (no negatives; EMA target, predictor) on unlabelled images.", Set.of("momentum", "no-bn-heads", "crop-min"));
        o.batchSize = batch;
        o.epochs = 10;
        o.width = 16;
        o.lr = Byol.LR * batch / 256;
        o.weightDecay = Byol.WEIGHT_DECAY;
        o.momentum = Byol.TAU_BASE;
        o.out = Path.of("runs", "byol");
        return o;
    }

    /** Two passes: the batch size first (the lr default scales with it), then everything over those defaults. */
    public static Options parse(String... args) {
        Options o = defaults(defaults(128).parse(args).batchSize).parse(args);
        if (!o.help && o.batchSize < 2) throw new OptionsException("--batch-size must be at least 2 (batch norm and the loss need two images), got " + o.batchSize);
        if (o.encoder.equals("vit")) throw new OptionsException("--encoder vit: BYOL here uses a ResNet (the ViT is MoCo v3's)");
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = parse(args);
        } catch (OptionsException e) {
            defaults(128).parseOrExit(args);
            System.err.println("ByolMain: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.print(defaults(o.batchSize).usage());
            return;
        }
        try {
            runWithMonitors(o);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("ByolMain: " + e.getMessage());
            System.exit(1);
        }
    }

    public static List<SslTrainer.EpochResult> run(Options o, List<EpochMonitor> monitors) throws IOException {
        return SslTrainer.run(o, new Byol(o), TrainData.train(o), monitors, o.epochs);
    }

    /** The main job: trains with the standard epoch monitors (kNN accuracy on the test set, collapse statistics). */
    static List<SslTrainer.EpochResult> runWithMonitors(Options o) throws IOException {
        Byol m = new Byol(o);
        sslj.ssl.data.Dataset train = TrainData.train(o), test = TrainData.test(o);
        return SslTrainer.run(o, m, train, sslj.ssl.train.Monitors.standard(o, m, train, test), o.epochs);
    }
}
