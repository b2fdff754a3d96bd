package sslj.ssl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.SafeTensors;
import sslj.nn.optim.Checkpoint;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.Scheduler;
import sslj.nn.optim.WarmupCosine;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.method.SslMethod;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.TensorScope;

/**
 * The training loop every SSL main shares: views from the loader, the method's loss, backward, the
 * optimiser and its warmup + cosine schedule (per step), the method's after-step updates, one progress
 * line per N steps and per epoch ({@link TrainLog}), the epoch monitors (kNN accuracy, collapse), and
 * a checkpoint every epoch from which {@code --resume} continues bit for bit, and OUT/curves.png
 * ({@link CurvePlot}) redrawn after every epoch.
 *
 * <p>Each step runs inside a {@link TensorScope}: on a GPU every temporary of the step (activations,
 * gradients) is released when it ends; parameters, optimiser state and the method's state live outside.
 */
public final class SslTrainer {
    private SslTrainer() { }

    /** One epoch's outcome: mean loss and the monitors' numbers. */
    public record EpochResult(int epoch, double loss, Map<String, Double> metrics) { }

    /**
     * Trains {@code method} on {@code train} as {@code o} says, stopping after epoch {@code stopAfter}
     * (≤ o.epochs; the schedule still spans o.epochs) as if interrupted — what the resume tests use.
     */
    @SuppressWarnings("try")
    public static List<EpochResult> run(Options o, SslMethod method, Dataset train, List<EpochMonitor> monitors, int stopAfter)
            throws IOException {
        Device device = Device.parse(o.device);
        int channels = TrainData.channels(o), side = TrainData.side(o);
        Generator rng = new Generator(o.seed ^ 0x5EED);
        Optimizer opt = method.optimizer(o);
        Path ckptDir = o.out.resolve("checkpoint"), stateFile = ckptDir.resolve("method.safetensors");
        List<EpochResult> results = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(train).batchSize(o.batchSize).views(method.augmentation(o, side, channels))
                .shuffle(true).dropLast(true).seed(o.seed).workers(o.workers).build()) {
            int perEpoch = loader.batchesPerEpoch();
            if (perEpoch == 0) throw new IllegalArgumentException("--batch-size " + o.batchSize + " is larger than the " + train.size() + " training images");
            long total = (long) o.epochs * perEpoch, warmup = Math.min(10L * perEpoch, total / 10);
            Scheduler sched = new Scheduler(opt, new WarmupCosine(o.lr, warmup, total));
            int startEpoch = 0;
            long step = 0;
            if (o.resume) {
                if (!Checkpoint.exists(ckptDir)) throw new IllegalArgumentException("--resume: no checkpoint in " + ckptDir);
                Checkpoint.Progress at = new Checkpoint().load(ckptDir, method.trainable(), opt, sched, rng);
                if (Files.isRegularFile(stateFile)) method.loadState(SafeTensors.load(stateFile));
                startEpoch = (int) at.epoch();
                step = at.step();
            } else {
                Files.createDirectories(o.out);
                Files.writeString(o.out.resolve("options.txt"), o.runDefinition() + "\n");
            }
            try (TrainLog log = TrainLog.open(o.out, o.resume, perEpoch, o.epochs, o.logEvery)) {
                log.deviceMemory(device.backend()::memoryInUse).deviceWait(device.backend()::hostBlockedNanos);   // -1 on the CPU: not reported
                log.info(method.name() + " " + o.describe());
                log.info("train: " + train.describe() + "; " + method.trainable().parameterCount() + " trained parameters on " + device
                        + "; " + perEpoch + " steps/epoch, warmup " + warmup + " steps");
                for (int epoch = startEpoch; epoch < Math.min(o.epochs, stopAfter); epoch++) {
                    double lossSum = 0;
                    int steps = 0;
                    method.trainable().train(true);
                    try (DataLoader.Epoch it = loader.epoch(epoch)) {
                        while (it.hasNext()) {
                            Batch b = log.next(it);
                            double lr = opt.groups().get(0).lr();
                            double l;
                            try (TensorScope scope = TensorScope.open()) {
                                Variable loss = method.loss(b, device, step);
                                l = loss.item();
                                if (!Double.isFinite(l)) throw new IllegalStateException(method.name() + ": loss is " + l + " at step " + step + " (epoch " + epoch + ")");
                                opt.zeroGrad();
                                loss.backward();
                                opt.step();
                                try (NoGrad g = NoGrad.enter()) {
                                    method.afterStep(step, total);
                                }
                                opt.zeroGrad();   // the gradients belong to this step's scope
                            }
                            sched.step();
                            step++;
                            lossSum += l;
                            steps++;
                            log.step(epoch, step, l, lr, b.size());
                        }
                    }
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("loss", lossSum / steps);
                    for (EpochMonitor m : monitors) {
                        try (TensorScope scope = TensorScope.open()) {   // the monitor's temporaries (features, kNN)
                            metrics.putAll(m.evaluate(method, epoch));
                        }
                    }
                    new Checkpoint().save(ckptDir, method.trainable(), opt, sched, rng, epoch + 1, step);
                    if (!method.state().isEmpty()) SafeTensors.save(stateFile, method.state());
                    log.epoch(epoch, step, metrics);
                    results.add(new EpochResult(epoch, lossSum / steps, metrics));
                    plotCurves(o, method, log);
                }
            }
        }
        return results;
    }

    /** OUT/curves.png (loss and accuracies by epoch, from metrics.jsonl); a failure to draw is reported, not fatal. */
    private static void plotCurves(Options o, SslMethod method, TrainLog log) {
        if (!PlotSupport.available()) {
            log.info("curves.png skipped: this Java runtime has no java.desktop module (the numbers are in metrics.jsonl)");
            return;
        }
        try {
            CurvePlot.writeEpochCurves(o.out.resolve("metrics.jsonl"), o.out.resolve("curves.png"), method.name() + " — " + o.encoder + " width " + o.width + ", " + o.data);
        } catch (IOException | RuntimeException | LinkageError e) {
            log.info("could not write " + o.out.resolve("curves.png") + ": " + e);
        }
    }
}
