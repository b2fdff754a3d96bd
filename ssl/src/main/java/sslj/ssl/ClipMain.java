package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sslj.nn.ResNet;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.method.Clip;
import sslj.ssl.train.EpochMonitor;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * The CLIP-style paired-data example ({@link Clip}): an image tower (ResNet) and an edge-map tower
 * (small CNN over the image's Sobel edge map) trained with the symmetric InfoNCE loss and a learnable
 * logit scale. After every epoch it reports image → edge-map top-1 retrieval on a held-out batch of
 * test images ({@code --eval-batch}, chance = 1/that) and the current logit scale.
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.ClipMain -Dargs="--epochs 2 --limit 2000 --width 8"
 * </pre>
 */
public final class ClipMain {
    private ClipMain() { }

    public static Options defaults() {
        Options o = new Options("ClipMain", "Trains a CLIP-style two-tower model on (image, edge map) pairs; reports image→edge retrieval.", Set.of());
        o.epochs = 10;
        o.batchSize = 128;
        o.lr = 5e-4;            // CLIP Table 20 (ResNets)
        o.weightDecay = 0.2;    // CLIP Table 20
        o.width = 16;
        o.out = Path.of("runs", "clip");
        o.addOption("embed-dim", "N", "size of the shared embedding", "128", true, Options.number("embed-dim", 1, false));
        o.addOption("edge-width", "N", "channels of the edge tower's first conv stage", "16", true, Options.number("edge-width", 1, false));
        o.addOption("eval-batch", "N", "held-out test pairs for the retrieval accuracy", "256", false, Options.number("eval-batch", 2, false));
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o = defaults().parseOrExit(args);
        try {
            List<SslTrainer.EpochResult> r = run(o, TrainData.train(o), TrainData.test(o), o.epochs);
            if (!r.isEmpty()) System.out.println("final image->edge top-1 retrieval: " + r.get(r.size() - 1).metrics());
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("ClipMain: " + e.getMessage());
            System.exit(1);
        }
    }

    public static List<SslTrainer.EpochResult> run(Options o, Dataset train, Dataset test, int stopAfter) throws IOException {
        if (o.batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2 (in-batch negatives), got " + o.batchSize);
        int embed = (int) o.optionDouble("embed-dim"), edgeWidth = (int) o.optionDouble("edge-width"), evalN = (int) o.optionDouble("eval-batch");
        Device device = Device.parse(o.device);
        Generator gen = new Generator(o.seed);
        ResNet encoder = Encoders.build(o, TrainData.channels(o), gen);
        Clip clip = new Clip(encoder, encoder.featureDim(), embed, edgeWidth, device, gen);
        Batch heldOut = heldOutPairs(o, test, Math.min(evalN, test.size()));
        EpochMonitor retrieval = (m, epoch) -> {
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("retrieval_top1", clip.retrievalTop1(heldOut.view(0), heldOut.view(1)));
            r.put("logit_scale", (double) clip.contrastiveLoss().currentScale());
            return r;
        };
        List<EpochMonitor> monitors = new ArrayList<>();
        monitors.add(retrieval);
        return SslTrainer.run(o, clip, train, monitors, stopAfter);
    }

    /** The first n test images with their edge maps, not augmented: the retrieval benchmark. */
    static Batch heldOutPairs(Options o, Dataset test, int n) {
        try (DataLoader l = DataLoader.builder(test).batchSize(n).views(Clip.views(o, TrainData.side(o), false)).workers(0).build();
             DataLoader.Epoch it = l.epoch(0)) {
            return it.next();
        }
    }
}
