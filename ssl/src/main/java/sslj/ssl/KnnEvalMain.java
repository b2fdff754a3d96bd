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
 * Weighted kNN evaluation of a frozen pretrained encoder (InstDisc's protocol, Wu et al. 2018 section 3.4,
 * as lightly's and solo-learn's kNN monitors: cosine similarity, k = 200, vote weights exp(s/0.1);
 * DESIGN.md section 6).
 * Test features are compared with all training features a chunk at a time (never N_test x N_train at
 * once). Baselines in the same table: raw pixels, a random-init encoder, a --supervised run.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.KnnEvalMain -Dargs="--pretrained runs/simclr"
 * </pre>
 */
public final class KnnEvalMain {
    private KnnEvalMain() { }

    public static Options defaults() {
        Options o = new Options("KnnEvalMain", "Weighted kNN (k=200, t=0.1, cosine) of a frozen pretrained encoder, with baselines.", Set.of());
        o.out = Path.of("runs", "knn-eval");
        return o;
    }

    public static void main(String[] args) throws IOException {
        EvalOptions e = EvalOptions.parseOrExit(defaults(), LinearProbeMain.EVAL_OPTIONS, null, args);
        try {
            run(e, TrainData.train(e.common), FrozenEvaluation.test(e));
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e2) {
            System.err.println("KnnEvalMain: " + e2.getMessage());
            System.exit(1);
        }
    }

    public static ResultTable run(EvalOptions e, Dataset train, Dataset test) throws IOException {
        return new FrozenEvaluation(e, false, true, System.out).run(train, test);
    }
}
