package sslj.ssl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sslj.nn.ResNet;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.data.LabelledSubset;
import sslj.ssl.eval.EncoderLoader;
import sslj.ssl.eval.EvalModels;
import sslj.ssl.eval.EvalOptions;
import sslj.ssl.eval.FineTune;
import sslj.ssl.eval.FrozenEvaluation;
import sslj.ssl.eval.ResultTable;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;

/**
 * Semi-supervised evaluation: the pretrained encoder and a new linear classifier fine-tuned end to end
 * on a class-balanced, seeded 1% or 10% of the training labels (SimCLR appendix B.5, SimCLRv2: every
 * layer trained, SGD momentum 0.9, no warmup, cosine decay, crop + flip only, no weight decay; 60
 * epochs on 1%, 30 on 10%), and as its baseline the same recipe from a random-init encoder (supervised
 * from scratch on the same images). The chosen indices go to OUT/labels-&lt;p&gt;pct-seed&lt;s&gt;.txt and are
 * read back from there when present.
 *
 * <p>{@code --compare-scratch} is the seeds' MoCo experiment (a ResNet trained from scratch vs the
 * SSL-pretrained one on a small labelled set): both runs' loss and accuracy by epoch are drawn side by
 * side in OUT/finetune-vs-scratch.png.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SemiSupervisedMain \
 *       -Dargs="--pretrained runs/simclr --labels-percent 1 --compare-scratch"
 * </pre>
 */
public final class SemiSupervisedMain {
    private SemiSupervisedMain() { }

    static final Set<String> EVAL_OPTIONS = Set.of("pretrained", "prefix", "supervised", "labels-percent", "compare-scratch", "test-limit", "no-baselines");
    public static final String FINETUNED = "fine-tuned pretrained encoder", SCRATCH = "from scratch (random init)";

    public static Options defaults() {
        Options o = new Options("SemiSupervisedMain", "Fine-tunes a pretrained encoder on 1% / 10% of the labels; baseline: the same from scratch.", Set.of());
        o.epochs = 30;           // SimCLR B.5: 30 epochs on 10% of the labels (60 on 1%: the default when --labels-percent <= 1)
        o.batchSize = 64;        // a few hundred to a few thousand labelled images
        o.lr = 0.05;             // SimCLR B.5: 0.05 x B/256 (kept at 0.05 for small batches)
        o.weightDecay = 0;       // SimCLR B.5: no regularisation
        o.out = Path.of("runs", "semi-supervised");
        return o;
    }

    public static void main(String[] args) throws IOException {
        EvalOptions e = EvalOptions.parseOrExit(defaults(), EVAL_OPTIONS, null, args);
        try {
            run(e);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e2) {
            System.err.println("SemiSupervisedMain: " + e2.getMessage());
            System.exit(1);
        }
    }

    /** The two runs' curves (the scratch one null when not run) and the table. */
    public record Result(FineTune.Curve finetuned, FineTune.Curve scratch, ResultTable table, int[] labelled) { }

    public static Result run(EvalOptions e) throws IOException {
        return run(e, TrainData.train(e.common), FrozenEvaluation.test(e));
    }

    public static Result run(EvalOptions e, Dataset train, Dataset test) throws IOException {
        Options o = e.common;
        if (e.pretrained == null) throw new IllegalArgumentException("--pretrained PATH is needed (a run directory, checkpoint directory or .safetensors file)");
        if (!e.given.contains("epochs") && e.labelsPercent <= 1) o.epochs = 60;
        Device device = Device.parse(o.device);
        String arch = EvalModels.adoptArchitecture(e, e.pretrained);
        System.out.println("SemiSupervisedMain " + e.describe());
        if (!arch.isEmpty()) System.out.println(arch);

        LabelledSubset.Chosen chosen = LabelledSubset.chooseOrRead(train, e.labelsPercent, o.seed, o.out);
        Dataset labelled = LabelledSubset.subset(train, chosen.indices(), "class-balanced labelled subset, seed " + o.seed);
        System.out.println((chosen.read() ? "labelled subset read from " : "labelled subset written to ") + chosen.file() + ": "
                + labelled.size() + " of " + train.size() + " training images; test: " + test.describe());
        Files.writeString(o.out.resolve("options.txt"), e.describe() + "\n");

        ResNet enc = EvalModels.pretrained(e, device);
        System.out.println("pretrained encoder from " + EncoderLoader.resolve(e.pretrained) + ": " + o.encoder + " width " + o.width);
        FineTune.Curve ft = FineTune.run(FINETUNED, enc, o, labelled, test, device, o.out.resolve("finetune"));
        FineTune.Curve scratch = null;
        if (e.baselines || e.compareScratch) {
            scratch = FineTune.run(SCRATCH, EvalModels.randomInit(o, device), o, labelled, test, device, o.out.resolve("scratch"));
        }
        String column = String.format(Locale.ROOT, "test, %s%% labels", fmt(e.labelsPercent));
        ResultTable table = new ResultTable(column);
        table.row(FINETUNED, ft.finalTestAccuracy());
        if (scratch != null) table.row(SCRATCH, scratch.finalTestAccuracy());
        if (e.supervised != null) table.row("supervised run " + e.supervised, EvalModels.supervisedAccuracy(e.supervised, o, test, device));
        System.out.println();
        System.out.print(table);
        Files.writeString(o.out.resolve("results.txt"), e.describe() + "\n\n" + table);
        if (e.compareScratch) {
            List<FineTune.Curve> curves = new ArrayList<>(List.of(ft, scratch));
            Path png = o.out.resolve("finetune-vs-scratch.png");
            if (sslj.ssl.train.PlotSupport.available()) {
                plot(png, String.format(Locale.ROOT, "%s width %d on %d labelled images (%s%%): pretrained vs from scratch",
                        o.encoder, o.width, labelled.size(), fmt(e.labelsPercent)), curves);
                System.out.println("curves: " + png);
            } else {
                System.out.println("curves not drawn: this Java runtime has no java.desktop module (numbers in " + o.out + ")");
            }
        }
        return new Result(ft, scratch, table, chosen.indices());
    }

    /** Loss and accuracy by epoch for each run (test solid line per run, train as its own series). */
    private static void plot(Path png, String title, List<FineTune.Curve> curves) throws IOException {
        List<sslj.ssl.train.CurvePlot.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        for (FineTune.Curve c : curves) {
            int n = c.epochs().size();
            double[] x = new double[n], l = new double[n], te = new double[n], tr = new double[n];
            for (int i = 0; i < n; i++) {
                FineTune.Epoch ep = c.epochs().get(i);
                x[i] = i + 1;
                l[i] = ep.loss();
                te[i] = ep.testAccuracy();
                tr[i] = ep.trainAccuracy();
            }
            loss.add(new sslj.ssl.train.CurvePlot.Series(c.name(), x, l));
            acc.add(new sslj.ssl.train.CurvePlot.Series(c.name() + " (test)", x, te));
            acc.add(new sslj.ssl.train.CurvePlot.Series(c.name() + " (train)", x, tr));
        }
        sslj.ssl.train.CurvePlot.write(png, title, "epoch", List.of(new sslj.ssl.train.CurvePlot.Panel("training loss", loss),
                new sslj.ssl.train.CurvePlot.Panel("accuracy", acc)));
    }

    private static String fmt(double p) { return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p); }
}
