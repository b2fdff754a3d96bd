package sslj.ssl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.eval.EvalOptions;
import sslj.ssl.eval.FrozenEvaluation;
import sslj.ssl.eval.ResultTable;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;

/**
 * Linear evaluation of a pretrained encoder, the standard protocol of the SSL papers (InstDisc, MoCo,
 * SimCLR section B.6): the encoder is frozen, the features of the training and test images are computed
 * once (eval mode, no gradients, optionally cached with --features), and a softmax regression with an
 * L2 penalty is trained on them with SGD (momentum 0.9) and a cosine schedule; the test top-1 is
 * reported. Beside it, in one table: weighted kNN on the same features, and the baselines — raw
 * pixels, a random-init encoder of the same architecture (both with linear and kNN), and with
 * --supervised DIR the supervised model's test accuracy.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.LinearProbeMain \
 *       -Dargs="--pretrained runs/simclr --limit 10000 --test-limit 2000"
 * </pre>
 * --epochs, --lr, --batch-size and --weight-decay are the probe's (on cached features: cheap).
 */
public final class LinearProbeMain {
    private LinearProbeMain() { }

    static final Set<String> EVAL_OPTIONS = Set.of("pretrained", "prefix", "supervised", "features", "k", "knn-temperature", "test-limit", "no-baselines");

    /** This main's defaults. */
    public static Options defaults() {
        Options o = new Options("LinearProbeMain", "Linear probe (and kNN) of a frozen pretrained encoder, with baselines.", Set.of());
        o.epochs = 30;           // over cached features: seconds per epoch
        o.batchSize = 256;
        o.lr = 0.1;              // SimCLR B.6: 0.1 x B/256 with momentum 0.9
        o.weightDecay = 1e-4;    // the L2 weight of the softmax regression
        o.out = Path.of("runs", "linear-probe");
        return o;
    }

    public static void main(String[] args) throws IOException {
        EvalOptions e = EvalOptions.parseOrExit(defaults(), EVAL_OPTIONS, null, args);
        try {
            run(e);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e2) {
            System.err.println("LinearProbeMain: " + e2.getMessage());
            System.exit(1);
        }
    }

    public static ResultTable run(EvalOptions e) throws IOException {
        return run(e, TrainData.train(e.common), FrozenEvaluation.test(e));
    }

    /** On the given datasets (tests). */
    public static ResultTable run(EvalOptions e, Dataset train, Dataset test) throws IOException {
        return new FrozenEvaluation(e, true, true, System.out).run(train, test);
    }
}
