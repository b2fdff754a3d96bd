package sslj.ssl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.ResNet;
import sslj.nn.optim.Checkpoint;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.nn.optim.Scheduler;
import sslj.nn.optim.WarmupCosine;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Compose;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.DatasetException;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.RandomCrop;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.ssl.train.TrainLog;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * The supervised baseline: a ResNet (default ResNet-18, width 16, small-image stem) and a linear
 * classifier trained with labels on Fashion-MNIST (or CIFAR-10, or an image folder). It shows that
 * nn + data + optimisers work, and its test accuracy is the upper reference SSL linear probes are
 * compared against.
 *
 * <p>Recipe (the usual CIFAR ResNet one, He et al. 2016 section 4.2, scaled to a short CPU run):
 * SGD with momentum 0.9 and weight decay 5e-4 (not on biases and batch-norm parameters,
 * {@link ParamGroup#decayAndNoDecay}); lr 0.1 for batch 128, linear warmup over one epoch (at most a
 * tenth of the run) then cosine decay to 0, per step; augmentation: random crop with zero padding
 * 2 (4 px on 32 px images) and horizontal flip, then standardisation. Test accuracy is measured
 * after every epoch in eval mode (batch-norm running statistics) without gradients.
 *
 * <p>Runs unchanged on any device ({@code --device cuda}, {@code cuda-emu}): every training step and
 * every evaluation batch runs in a {@link TensorScope}, so on a GPU its temporaries are released when
 * it ends; the model, its buffers and the optimiser's state live outside the scopes (made there, and
 * updated in place). The log reports the device bytes in use ({@code Backend.memoryInUse()}).
 *
 * <p>Every epoch it saves a {@link Checkpoint} (model, optimiser, schedule, RNG) in OUT/checkpoint;
 * {@code --resume} continues from it. The data order and each image's augmentation are functions of
 * (seed, epoch, index) ({@link DataLoader}), so a resumed run computes exactly what the uninterrupted
 * one would have.
 *
 * <pre>
 *   mvn -B -q -pl ssl -am compile exec:exec -Dmain=sslj.ssl.SupervisedMain -Dargs="--epochs 1 --limit 2000"
 * </pre>
 */
public final class SupervisedMain {
    private SupervisedMain() { }

    /** This main's defaults; {@link Options#parse} overrides them. */
    public static Options defaults() {
        Options o = new Options("SupervisedMain", "Trains a ResNet + linear classifier with labels (the supervised baseline).", Set.of("momentum"));
        o.epochs = 10;
        o.batchSize = 128;
        o.lr = 0.1;
        o.momentum = 0.9;
        o.weightDecay = 5e-4;
        o.encoder = "resnet18";
        o.width = 16;
        o.out = Path.of("runs", "supervised");
        o.logEvery = 50;
        return o;
    }

    public static void main(String[] args) throws IOException {
        Options o = defaults().parseOrExit(args);
        try {
            run(o, o.epochs);
        } catch (IllegalArgumentException | IllegalStateException | DatasetException e) {
            // bad input found after parsing (no checkpoint to resume, options differ from the checkpoint's,
            // a dataset file missing or corrupt, ...): the message names it; a stack trace would bury it
            System.err.println("SupervisedMain: " + e.getMessage());
            System.exit(1);
        }
    }

    /** One epoch's outcome. */
    public record EpochResult(int epoch, double loss, double testAccuracy) { }

    /** What a run produced: the epochs trained by this call, and the model as it ended. */
    public record Result(List<EpochResult> epochs, Classifier model) {
        public double finalAccuracy() { return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testAccuracy(); }
    }

    /**
     * Trains as {@code o} says, but stops after epoch {@code stopAfter} (≤ o.epochs) as if interrupted:
     * the schedule still spans {@code o.epochs}. Tests use it to check that resuming changes nothing.
     */
    public static Result run(Options o, int stopAfter) throws IOException {
        preflight(o);                 // fail before the (slow) dataset reading
        return run(o, TrainData.train(o), TrainData.test(o), stopAfter);
    }

    /** The checks that need more than the command line: the device exists, a resume has a checkpoint. */
    private static Device preflight(Options o) throws IOException {
        Device device = Device.parse(o.device);
        if (o.resume) checkResumable(o, o.out.resolve("checkpoint"));
        return device;
    }

    /** {@link #run(Options, int)} on the given datasets instead of those the options name (tests). */
    @SuppressWarnings("try")   // the step scopes are used for their effect
    public static Result run(Options o, Dataset train, Dataset test, int stopAfter) throws IOException {
        Device device = preflight(o);
        // the crop keeps the images' own side: the dataset's (28 for Fashion-MNIST), so tests can train on tiny images
        int channels = TrainData.channels(o), side = train.size() > 0 ? train.get(0).image().height() : TrainData.side(o);

        Generator gen = new Generator(o.seed);
        ResNet encoder = Encoders.build(o, channels, gen);
        Classifier model = new Classifier(encoder, encoder.featureDim(), train.numClasses(), gen);
        model.to(device);

        SGD opt = new SGD(ParamGroup.decayAndNoDecay(model), o.lr, o.momentum, o.weightDecay);
        Compose augment = Compose.of(new RandomCrop(side, side >= 32 ? 4 : 2), new HorizontalFlip(0.5), TrainData.normalize(o));
        Path ckptDir = o.out.resolve("checkpoint");
        List<EpochResult> results = new ArrayList<>();

        try (DataLoader trainLoader = DataLoader.builder(train).batchSize(o.batchSize).transform(augment)
                     .shuffle(true).dropLast(train.size() >= o.batchSize).seed(o.seed).workers(o.workers).build();
             DataLoader testLoader = DataLoader.builder(test).batchSize(256).transform(TrainData.normalize(o))
                     .workers(o.workers).build()) {
            int perEpoch = trainLoader.batchesPerEpoch();
            long total = (long) o.epochs * perEpoch, warmup = Math.min(perEpoch, total / 10);
            Scheduler sched = new Scheduler(opt, new WarmupCosine(o.lr, warmup, total));

            int startEpoch = 0;
            long step = 0;
            if (o.resume) {
                Checkpoint.Progress at = new Checkpoint().load(ckptDir, model, opt, sched, gen);
                startEpoch = (int) at.epoch();
                step = at.step();
            } else {
                Files.createDirectories(o.out);
                Files.writeString(o.out.resolve("options.txt"), o.runDefinition() + "\n");
            }

            try (TrainLog log = TrainLog.open(o.out, o.resume, perEpoch, o.epochs, o.logEvery)) {
                log.deviceMemory(device.backend()::memoryInUse).deviceWait(device.backend()::hostBlockedNanos);   // -1 on the CPU: not reported
                log.info("SupervisedMain " + o.describe());
                log.info("train: " + train.describe() + "; test: " + test.describe());
                log.info(o.encoder + " width " + o.width + " + linear: " + model.parameterCount() + " parameters on " + device
                        + "; " + perEpoch + " steps/epoch, warmup " + warmup + " steps"
                        + (o.resume ? "; resumed at epoch " + startEpoch + ", step " + step : ""));
                for (int epoch = startEpoch; epoch < Math.min(o.epochs, stopAfter); epoch++) {
                    double lossSum = 0;
                    int steps = 0;
                    model.train(true);
                    try (DataLoader.Epoch it = trainLoader.epoch(epoch)) {
                        while (it.hasNext()) {
                            Batch b = log.next(it);
                            double lr = opt.groups().get(0).lr();
                            double l;
                            try (TensorScope scope = TensorScope.open()) {   // a GPU releases the step's temporaries here
                                Variable loss = model.forward(Variable.constant(b.images().to(device))).crossEntropy(b.labels().to(device));
                                opt.zeroGrad();
                                loss.backward();
                                opt.step();
                                l = loss.item();
                                opt.zeroGrad();   // the gradients belong to this step's scope
                            }
                            sched.step();
                            step++;
                            lossSum += l;
                            steps++;
                            log.step(epoch, step, l, lr, b.size());
                        }
                    }
                    double acc = accuracy(model, testLoader, device);
                    new Checkpoint().save(ckptDir, model, opt, sched, gen, epoch + 1, step);
                    log.epoch(epoch, step, Map.of("test_acc", acc));
                    results.add(new EpochResult(epoch, lossSum / steps, acc));
                }
                if (startEpoch >= o.epochs) log.info("nothing to do: the checkpoint in " + ckptDir + " is at the last epoch (" + o.epochs + ")");
                if (!results.isEmpty()) {
                    log.info(String.format(java.util.Locale.ROOT, "final test accuracy: %.2f%% (%d test images, after epoch %d of %d)",
                            100 * results.get(results.size() - 1).testAccuracy(), test.size(), results.get(results.size() - 1).epoch() + 1, o.epochs));
                }
            }
        }
        return new Result(results, model);
    }

    /** Top-1 accuracy on every batch of {@code loader}, in eval mode and without a graph. */
    @SuppressWarnings("try")   // the NoGrad scope is used for its effect
    public static double accuracy(Classifier model, DataLoader loader, Device device) {
        model.eval();
        long correct = 0, seen = 0;
        try (NoGrad ignored = NoGrad.enter(); DataLoader.Epoch it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                float[] pred, labels = b.labels().toFloatArray();
                try (TensorScope batch = TensorScope.open()) {
                    Tensor logits = model.forward(Variable.constant(b.images().to(device))).data();
                    pred = logits.argmax(1, false).toFloatArray();
                }
                for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) correct++;
                seen += pred.length;
            }
        } finally {
            model.train(true);
        }
        return (double) correct / seen;
    }

    /** A resume needs a checkpoint made with the same run-defining options. */
    private static void checkResumable(Options o, Path ckptDir) throws IOException {
        if (!Checkpoint.exists(ckptDir)) throw new IllegalArgumentException("--resume: no checkpoint in " + ckptDir + " (start without --resume)");
        Path saved = o.out.resolve("options.txt");
        if (Files.isRegularFile(saved)) {
            String before = Files.readString(saved).trim();
            if (!before.equals(o.runDefinition())) {
                throw new IllegalArgumentException("--resume: the checkpoint in " + o.out + " was made with\n  " + before
                        + "\nbut this run has\n  " + o.runDefinition() + "\n(resume with the same options, or use another --out)");
            }
        }
    }
}
