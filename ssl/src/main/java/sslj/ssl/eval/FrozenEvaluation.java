package sslj.ssl.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sslj.nn.Module;
import sslj.ssl.data.Dataset;
import sslj.ssl.train.Knn;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * The frozen-encoder protocols shared by LinearProbeMain and KnnEvalMain: features of the train and
 * test sets computed once, then a linear probe ({@link SoftmaxRegression}) and/or weighted kNN
 * ({@link Knn}) on them, for the pretrained encoder and the baselines (raw pixels, a
 * random-init encoder of the same architecture, and a supervised run's test accuracy), in one table;
 * below it, the pretrained encoder against each baseline per protocol as a {@link PairedComparison}
 * (the accuracy difference on the same test images, its 95% interval, McNemar's z).
 */
public final class FrozenEvaluation {
    public static final String LINEAR = "linear probe", KNN = "kNN";
    public static final String PRETRAINED = "pretrained encoder", PIXELS = "raw pixels", RANDOM = "random-init encoder", SUPERVISED = "supervised (end to end)";

    private final EvalOptions e;
    private final boolean linear, knn;
    private final PrintStream log;
    private final Device device;
    /** Each representation's test predictions per protocol, for the paired comparisons. */
    private final Map<String, Map<String, int[]>> predictions = new LinkedHashMap<>();
    private int[] testLabels;

    public FrozenEvaluation(EvalOptions e, boolean linear, boolean knn, PrintStream log) {
        this.e = e;
        this.linear = linear;
        this.knn = knn;
        this.log = log;
        this.device = Device.parse(e.common.device);
    }

    /** Runs every protocol on every representation; prints and returns the table (also written to OUT/results.txt). */
    public ResultTable run(Dataset train, Dataset test) throws IOException {
        Options o = e.common;
        String arch = EvalModels.adoptArchitecture(e, e.pretrained);
        log.println(e.common.program() + " " + e.describe());
        if (!arch.isEmpty()) log.println(arch);
        log.println("train: " + train.describe() + "; test: " + test.describe() + "; device " + device);
        List<String> columns = new ArrayList<>();
        if (linear) columns.add(LINEAR);
        if (knn) for (int k : e.k) columns.add(knnColumn(k));
        ResultTable table = new ResultTable(columns.toArray(String[]::new));
        if (e.pretrained != null) {
            Features[] f = cachedOrExtract(train, test);
            add(table, PRETRAINED, f[0], f[1]);
        } else {
            log.println("no --pretrained encoder given: baselines only");
        }
        if (e.baselines) {
            add(table, PIXELS, Features.pixels(train, TrainData.normalize(o)), Features.pixels(test, TrainData.normalize(o)));
            Module rnd = EvalModels.randomInit(o, device);
            add(table, RANDOM + " (" + o.encoder + " w" + o.width + (o.stem.equals("small") ? "" : " " + o.stem + " stem") + ")", extract(rnd, train, "random-init"), extract(rnd, test, "random-init"));
        }
        if (e.supervised != null) {
            double acc = EvalModels.supervisedAccuracy(e.supervised, o, test, device);
            Double[] v = new Double[(linear ? 1 : 0) + (knn ? e.k.length : 0)];
            v[0] = acc;
            table.row(SUPERVISED, v);
        }
        String text = table.toString() + comparisons();
        log.println();
        log.print(text);
        Files.createDirectories(o.out);
        Files.writeString(o.out.resolve("results.txt"), e.describe() + "\n\n" + text);
        return table;
    }

    /** The pretrained encoder's features, from --features when that file exists, else computed (and saved there). */
    private Features[] cachedOrExtract(Dataset train, Dataset test) throws IOException {
        Path cache = e.features;
        if (cache != null) {
            Path trainFile = sibling(cache, "train"), testFile = sibling(cache, "test");
            if (Files.isRegularFile(trainFile) && Files.isRegularFile(testFile)) {
                Features a = Features.load(trainFile), b = Features.load(testFile);
                if (a.size() == train.size() && b.size() == test.size()) {
                    log.println("features read from " + trainFile + " and " + testFile);
                    return new Features[] {a, b};
                }
                log.println("feature cache " + cache + " is for " + a.size() + "/" + b.size() + " images, not " + train.size() + "/" + test.size() + ": recomputing");
            }
        }
        Module enc = EvalModels.pretrained(e, device);
        Path file = EncoderLoader.resolve(e.pretrained);
        String prefix = EncoderLoader.onlineEncoderPrefix(sslj.nn.SafeTensors.load(file), e.prefix);   // what the loader took
        log.println("pretrained encoder from " + file + " (prefix '" + prefix + "'): "
                + e.common.encoder + " width " + e.common.width + ", " + enc.parameterCount() + " parameters");
        Features a = extract(enc, train, "pretrained"), b = extract(enc, test, "pretrained");
        if (cache != null) {
            a.save(sibling(cache, "train"));
            b.save(sibling(cache, "test"));
            log.println("features saved to " + sibling(cache, "train") + " and " + sibling(cache, "test"));
        }
        return new Features[] {a, b};
    }

    /** FILE.safetensors → FILE-train.safetensors / FILE-test.safetensors. */
    static Path sibling(Path file, String split) {
        String n = file.getFileName().toString();
        String stem = n.endsWith(".safetensors") ? n.substring(0, n.length() - ".safetensors".length()) : n;
        return file.resolveSibling(stem + "-" + split + ".safetensors");
    }

    private Features extract(Module enc, Dataset d, String what) {
        long t0 = System.nanoTime();
        Features f = Features.extract(enc, d, TrainData.normalize(e.common), device, 256, e.common.workers);
        log.printf(Locale.ROOT, "%s features of %d images: %d dims (%.1f s)%n", what, f.size(), f.dim(), (System.nanoTime() - t0) / 1e9);
        return f;
    }

    /** The table column of kNN with k neighbours: "kNN (k=200)". */
    public static String knnColumn(int k) { return KNN + " (k=" + k + ")"; }

    /** Linear probe and/or kNN of one representation; one table row; its predictions kept for the comparisons. */
    private void add(ResultTable table, String name, Features train, Features test) {
        Map<String, int[]> pred = new LinkedHashMap<>();           // column → predictions, in column order
        testLabels = test.labels();
        if (linear) pred.put(LINEAR, probe(train, test, name));
        if (knn) {
            for (int k : e.k) {
                long t0 = System.nanoTime();
                int[] p = Knn.predict(train.x(), train.labels(), test.x(), k, e.knnTemperature, train.numClasses(), Knn.DEFAULT_CHUNK, device);
                pred.put(knnColumn(k), p);
                log.printf(Locale.ROOT, "%s: kNN (k=%d, t=%.2f) %.2f%% (%.1f s)%n", name, k, e.knnTemperature, 100 * accuracy(p, test.labels()),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        predictions.put(name, pred);
        table.row(name, pred.values().stream().map(p -> accuracy(p, test.labels())).toArray(Double[]::new));
    }

    /** The pretrained encoder against each baseline, per protocol, one line each ("" without both). */
    private String comparisons() {
        Map<String, int[]> mine = predictions.get(PRETRAINED);
        if (mine == null) return "";
        StringBuilder sb = new StringBuilder();
        predictions.forEach((name, theirs) -> {
            if (name.equals(PRETRAINED)) return;
            mine.forEach((column, p) -> sb.append(column).append(", ")
                    .append(PairedComparison.of(p, theirs.get(column), testLabels).describe(PRETRAINED, name)).append('\n'));
        });
        return sb.length() == 0 ? "" : "\n" + sb;
    }

    private static double accuracy(int[] pred, int[] labels) {
        long correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) correct++;
        return (double) correct / pred.length;
    }

    /**
     * The linear probe: features standardised with the training set's per-dimension mean and std (as
     * MAE's and MoCo v3's batch norm without affine parameters before the linear layer), then
     * {@link SoftmaxRegression} for --epochs with --lr, --batch-size, --weight-decay (the L2 weight),
     * momentum 0.9 and a cosine schedule. Returns the predicted class of each test image.
     */
    private int[] probe(Features train, Features test, String name) {
        Options o = e.common;
        long t0 = System.nanoTime();
        Tensor[] m = train.moments();
        Features tr = train.standardize(m), te = test.standardize(m);
        SoftmaxRegression reg = new SoftmaxRegression(tr.dim(), Math.max(2, tr.numClasses()), o.weightDecay, device);
        List<Double> losses = reg.fit(tr, new SoftmaxRegression.Fit(o.epochs, o.batchSize, o.lr, 0.9, o.seed));
        int[] pred = reg.predict(te.x());
        log.printf(Locale.ROOT, "%s: linear probe %.2f%% (loss %.4f -> %.4f over %d epochs, train acc %.2f%%, %.1f s)%n", name, 100 * accuracy(pred, te.labels()),
                losses.get(0), losses.get(losses.size() - 1), losses.size(), 100 * reg.accuracy(tr), (System.nanoTime() - t0) / 1e9);
        return pred;
    }

    /** The test split, cut to --test-limit images. */
    public static Dataset test(EvalOptions e) throws IOException {
        Dataset t = TrainData.test(e.common);
        return e.testLimit > 0 && e.testLimit < t.size() ? TrainData.firstN(t, e.testLimit) : t;
    }
}
