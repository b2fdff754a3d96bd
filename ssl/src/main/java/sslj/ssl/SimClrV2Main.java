package sslj.ssl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.optim.Checkpoint;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.data.LabelledSubset;
import sslj.ssl.method.EncoderHead;
import sslj.ssl.method.SimClrV2;
import sslj.ssl.method.SimClrV2Distill;
import sslj.ssl.method.SimClrV2FineTune;
import sslj.ssl.method.SslMethod;
import sslj.ssl.train.EpochMonitor;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * SimCLRv2's three steps (Chen et al. 2020b), one {@code --stage} per run:
 * <pre>
 *   --stage pretrain   contrastive pretraining, 3-layer head                       → runs/simclrv2-pretrain
 *   --stage finetune   fine-tune from the head's first layer on --labels-percent 1|10 of the labels
 *                      (class-balanced, seeded; indices written to OUT/labelled-subset.txt), from --pretrained DIR
 *                                                                                  → runs/simclrv2-finetune
 *   --stage distill    distil the fine-tuned --teacher DIR into a student (--encoder/--width) on all
 *                      training images without labels, softened with --temperature τ → runs/simclrv2-distill
 * </pre>
 * Each stage prints its test accuracy after every epoch (fine-tune: the fine-tuned network; distill: the
 * student, with the teacher's printed once before). The defaults chain: each stage reads the previous
 * stage's default output, so three commands with only --stage run the whole recipe:
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SimClrV2Main -Dargs="--stage pretrain --epochs 1 --limit 2000 --width 8"
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SimClrV2Main -Dargs="--stage finetune --labels-percent 10 --epochs 5"
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SimClrV2Main -Dargs="--stage distill --epochs 1 --limit 2000 --width 8"
 * </pre>
 * Architecture options (--encoder, --width, --data) of fine-tuning and of the teacher come from the
 * earlier stage's OUT/options.txt; --width and --encoder of the distill stage choose the student.
 */
public final class SimClrV2Main {
    private SimClrV2Main() { }

    public static final List<String> STAGES = List.of("pretrain", "finetune", "distill");

    /** The stage's defaults (paper Appendix B, scaled to a CPU run); the flags it takes depend on the stage. */
    public static Options defaults(String stage) {
        if (!STAGES.contains(stage)) throw new Options.OptionsException("--stage must be one of " + String.join(", ", STAGES) + ", got '" + stage + "'");
        Options o = new Options("SimClrV2Main", "SimCLRv2 (Chen et al. 2020b): --stage pretrain | finetune | distill.",
                stage.equals("finetune") ? Set.of() : Set.of("temperature", "crop-min"));
        o.width = 16;
        o.addOption("stage", "NAME", "pretrain | finetune | distill", stage, true, Options.choice("stage", STAGES.toArray(new String[0])));
        switch (stage) {
            case "pretrain" -> {
                o.epochs = 20;
                o.batchSize = 256;
                o.lr = 0.1 * Math.sqrt(256);   // LARS, 0.1·√B (paper Appendix B.1)
                o.weightDecay = 1e-4;
                o.temperature = 0.5;           // SimCLR's CIFAR value; the paper's ImageNet τ is 0.1
                o.out = Path.of("runs", "simclrv2-pretrain");
            }
            case "finetune" -> {
                o.epochs = 30;                 // paper: 30 epochs on 10% of the labels, 60 on 1%
                o.batchSize = 64;
                o.lr = 0.005 * Math.sqrt(64);  // LARS, 0.005·√B, no weight decay (paper Appendix B.2)
                o.weightDecay = 0;
                o.out = Path.of("runs", "simclrv2-finetune");
                o.addOption("labels-percent", "P", "percent of the training labels used: 1 | 10", "10", true, Options.choice("labels-percent", "1", "10"));
                o.addOption("pretrained", "DIR", "output directory of the pretrain stage", Path.of("runs", "simclrv2-pretrain").toString(), true, Options.text());
            }
            default -> {
                o.epochs = 20;
                o.batchSize = 128;
                o.lr = 0.1 * Math.sqrt(128);   // as pretraining (our choice)
                o.weightDecay = 1e-4;
                o.temperature = 1.0;           // distillation τ (paper eq. 3; τ = 1 without labels)
                o.out = Path.of("runs", "simclrv2-distill");
                o.addOption("teacher", "DIR", "output directory of the finetune stage", Path.of("runs", "simclrv2-finetune").toString(), true, Options.text());
            }
        }
        return o;
    }

    /** The --stage of a command line (pretrain when absent), read before the stage's options are parsed. */
    static String stageOf(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--stage") && i + 1 < args.length) return args[i + 1];
            if (args[i].startsWith("--stage=")) return args[i].substring("--stage=".length());
        }
        return "pretrain";
    }

    /** Parses a command line: the stage's defaults, then the arguments. */
    public static Options parse(String... args) { return defaults(stageOf(args)).parse(args); }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = defaults(stageOf(args));
        } catch (Options.OptionsException e) {
            System.err.println("SimClrV2Main: " + e.getMessage());
            System.exit(2);
            return;
        }
        o = o.parseOrExit(args);
        try {
            List<SslTrainer.EpochResult> r = run(o, TrainData.train(o), TrainData.test(o), o.epochs);
            if (!r.isEmpty()) System.out.println(o.option("stage") + " done: " + r.get(r.size() - 1).metrics());
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            System.err.println("SimClrV2Main: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs the stage {@code o} names on these datasets, stopping after epoch {@code stopAfter}. */
    public static List<SslTrainer.EpochResult> run(Options o, Dataset train, Dataset test, int stopAfter) throws IOException {
        if (o.batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2, got " + o.batchSize);
        Device device = Device.parse(o.device);
        Generator gen = new Generator(o.seed);
        int channels = TrainData.channels(o);
        switch (o.option("stage")) {
            case "pretrain" -> {
                ResNet enc = Encoders.build(o, channels, gen);
                SimClrV2 m = new SimClrV2(enc, enc.featureDim(), (float) o.temperature, device, gen);
                return SslTrainer.run(o, m, train, sslj.ssl.train.Monitors.standard(o, m, train, test), stopAfter);
            }
            case "finetune" -> {
                EncoderHead pretrained = loadPretrained(o, Path.of(o.option("pretrained")), channels, gen);
                int percent = Integer.parseInt(o.option("labels-percent"));
                int[] subset = labelledSubset(o, train, percent);
                Dataset labelled = LabelledSubset.subset(train, subset, percent + "% of the labels, class-balanced, seed " + o.seed);
                SimClrV2FineTune method = new SimClrV2FineTune(pretrained, train.numClasses(), device, gen);
                return SslTrainer.run(o, method, labelled, List.of(testAccuracy(o, test, method.trainable(), device)), stopAfter);
            }
            default -> {
                Module teacher = loadTeacher(o, Path.of(o.option("teacher")), channels, train.numClasses(), gen);
                ResNet enc = Encoders.build(o, channels, gen);
                Classifier student = new Classifier(enc, enc.featureDim(), train.numClasses(), gen);
                SimClrV2Distill method = new SimClrV2Distill(teacher, student, enc, (float) o.temperature,
                        SimClrV2FineTune.views(o, TrainData.side(o)), device);
                System.out.printf(Locale.ROOT, "teacher (%s) test accuracy: %.4f%n", o.option("teacher"), accuracy(teacher, o, test, device));
                return SslTrainer.run(o, method, train, List.of(testAccuracy(o, test, student, device)), stopAfter);
            }
        }
    }

    /** The labelled subset: chosen and written to OUT/labelled-subset.txt, or read back from it on --resume. */
    static int[] labelledSubset(Options o, Dataset train, int percent) throws IOException {
        Path file = o.out.resolve("labelled-subset.txt");
        int[] chosen = LabelledSubset.select(train, percent / 100.0, o.seed);
        if (o.resume && Files.isRegularFile(file)) {
            int[] saved = LabelledSubset.read(file, train.size());
            if (!Arrays.equals(saved, chosen)) throw new IllegalStateException("--resume: " + file + " holds another subset than this run's (same --seed, --limit, --labels-percent?)");
            return saved;
        }
        LabelledSubset.write(file, chosen, percent + "% of the labels of " + train.describe() + ", class-balanced, seed " + o.seed + ": "
                + chosen.length + " dataset indices");
        return chosen;
    }

    /** The options an earlier stage ran with (its OUT/options.txt). */
    static Options earlierStage(Path dir, String stage) throws IOException {
        Path file = dir.resolve("options.txt");
        if (!Files.isRegularFile(file) || !Checkpoint.exists(dir.resolve("checkpoint"))) {
            throw new IllegalArgumentException(dir + " holds no finished " + stage + " run (expected " + file + " and a checkpoint; run --stage " + stage + " first)");
        }
        Options prev = defaults(stage).parse(Files.readString(file).trim().split("\\s+"));
        if (!stage.equals(prev.option("stage"))) throw new IllegalArgumentException(dir + " is a " + prev.option("stage") + " run, not a " + stage + " run");
        return prev;
    }

    /** The pretrained network of a pretrain run's checkpoint. */
    static EncoderHead loadPretrained(Options o, Path dir, int channels, Generator gen) throws IOException {
        Options prev = earlierStage(dir, "pretrain");
        if (!prev.data.equals(o.data)) throw new IllegalArgumentException("--pretrained " + dir + " was trained on " + prev.data + ", this run uses " + o.data);
        ResNet enc = Encoders.build(prev, channels, gen);
        EncoderHead net = SimClrV2.network(enc, enc.featureDim(), gen);
        new Checkpoint().load(dir.resolve("checkpoint"), net, null, null, null);
        return net;
    }

    /** The fine-tuned teacher of a finetune run's checkpoint. */
    static Module loadTeacher(Options o, Path dir, int channels, int classes, Generator gen) throws IOException {
        Options prev = earlierStage(dir, "finetune");
        if (!prev.data.equals(o.data)) throw new IllegalArgumentException("--teacher " + dir + " was trained on " + prev.data + ", this run uses " + o.data);
        Options arch = earlierStage(Path.of(prev.option("pretrained")), "pretrain");
        ResNet enc = Encoders.build(arch, channels, gen);
        Module teacher = SimClrV2FineTune.fromPretrained(SimClrV2.network(enc, enc.featureDim(), gen), classes, gen);
        new Checkpoint().load(dir.resolve("checkpoint"), teacher, null, null, null);
        return teacher;
    }

    /** Test accuracy of a classifier network after every epoch. */
    static EpochMonitor testAccuracy(Options o, Dataset test, Module model, Device device) {
        return (SslMethod m, int epoch) -> Map.of("test_acc", accuracy(model, o, test, device));
    }

    /** Top-1 accuracy of {@code model} (logits) on {@code test}, in eval mode, without a graph. */
    @SuppressWarnings("try")
    static double accuracy(Module model, Options o, Dataset test, Device device) {
        boolean wasTraining = model.isTraining();
        model.eval();
        long correct = 0, seen = 0;
        try (DataLoader l = DataLoader.builder(test).batchSize(256).transform(TrainData.normalize(o)).workers(o.workers).build();
             NoGrad g = NoGrad.enter(); DataLoader.Epoch it = l.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                Tensor logits = model.forward(Variable.constant(b.images().to(device))).data();
                float[] pred = logits.argmax(1, false).toFloatArray(), labels = b.labels().toFloatArray();
                for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) correct++;
                seen += pred.length;
            }
        } finally {
            model.train(wasTraining);
        }
        return (double) correct / seen;
    }
}
