package sslj.ssl.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.ResNet;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.nn.optim.Scheduler;
import sslj.nn.optim.WarmupCosine;
import sslj.ssl.Classifier;
import sslj.ssl.SupervisedMain;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Compose;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.RandomCrop;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.ssl.train.TrainLog;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * End-to-end fine-tuning of an encoder + a new linear classifier on labelled images: the semi-supervised
 * protocol of SimCLR (appendix B.5) and SimCLRv2 — every layer trained, SGD with momentum 0.9, no warmup,
 * cosine decay, random crop and flip only — and, from a random-init encoder with the very same recipe,
 * the supervised-from-scratch baseline it is compared with (the seeds' MoCo experiment: ResNet from
 * scratch vs MoCo-pretrained ResNet on a small labelled set).
 *
 * <p>Test accuracy is measured after every epoch (eval mode, no gradients), so the two runs' curves can
 * be plotted side by side. Each run logs to its own directory (log.txt, metrics.jsonl).
 */
public final class FineTune {
    private FineTune() { }

    /** One epoch: mean training loss, accuracy on the (augmented) training batches, test accuracy. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy) { }

    /** A run's epochs and its final test accuracy. */
    public record Curve(String name, List<Epoch> epochs) {
        public double finalTestAccuracy() { return epochs.get(epochs.size() - 1).testAccuracy(); }
    }

    /**
     * Fine-tunes {@code encoder} (already on {@code device}) with a fresh linear classifier on
     * {@code train} for {@code o.epochs}, testing on {@code test} after each epoch; logs to {@code out}.
     */
    @SuppressWarnings("try")
    public static Curve run(String name, ResNet encoder, Options o, Dataset train, Dataset test, Device device, Path out) throws IOException {
        Generator gen = new Generator(o.seed ^ 0xF17E);
        Classifier model = new Classifier(encoder, encoder.featureDim(), train.numClasses(), gen);
        model.to(device);
        SGD opt = new SGD(ParamGroup.decayAndNoDecay(model), o.lr, 0.9, o.weightDecay);
        int side = TrainData.side(o);
        Compose augment = Compose.of(new RandomCrop(side, side >= 32 ? 4 : 2), new HorizontalFlip(0.5), TrainData.normalize(o));
        int bs = Math.min(o.batchSize, train.size());
        List<Epoch> epochs = new ArrayList<>();
        try (DataLoader trainLoader = DataLoader.builder(train).batchSize(bs).transform(augment).shuffle(true).dropLast(true)
                     .seed(o.seed).workers(o.workers).build();
             DataLoader testLoader = DataLoader.builder(test).batchSize(256).transform(TrainData.normalize(o)).workers(o.workers).build();
             TrainLog log = TrainLog.open(out, false, trainLoader.batchesPerEpoch(), o.epochs, o.logEvery)) {
            int perEpoch = trainLoader.batchesPerEpoch();
            Scheduler sched = new Scheduler(opt, new WarmupCosine(o.lr, 0, (long) o.epochs * perEpoch));
            log.info(name + ": " + train.describe() + "; " + model.parameterCount() + " parameters; " + perEpoch + " steps/epoch of " + bs);
            long step = 0;
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                model.train(true);
                double lossSum = 0;
                long correct = 0, seen = 0;
                try (DataLoader.Epoch it = trainLoader.epoch(epoch)) {
                    while (it.hasNext()) {
                        Batch b = log.next(it);
                        double lr = opt.groups().get(0).lr(), l;
                        try (TensorScope scope = TensorScope.open()) {
                            Tensor labels = b.labels().to(device);
                            Variable logits = model.forward(Variable.constant(b.images().to(device)));
                            Variable loss = logits.crossEntropy(labels);
                            opt.zeroGrad();
                            loss.backward();
                            opt.step();
                            opt.zeroGrad();
                            l = loss.item();
                            float[] pred = logits.data().argmax(1, false).toFloatArray(), y = b.labels().toFloatArray();
                            for (int i = 0; i < pred.length; i++) if (pred[i] == y[i]) correct++;
                            seen += pred.length;
                        }
                        if (!Double.isFinite(l)) throw new IllegalStateException(name + ": loss is " + l + " at step " + step + " (lower --lr?)");
                        sched.step();
                        step++;
                        lossSum += l;
                        log.step(epoch, step, l, lr, b.size());
                    }
                }
                double acc = SupervisedMain.accuracy(model, testLoader, device);
                Epoch ep = new Epoch(epoch, lossSum / perEpoch, (double) correct / seen, acc);
                epochs.add(ep);
                log.epoch(epoch, step, Map.of("train_acc", ep.trainAccuracy(), "test_acc", acc));
            }
            log.info(String.format(java.util.Locale.ROOT, "%s: final test accuracy %.2f%%", name, 100 * epochs.get(epochs.size() - 1).testAccuracy()));
        }
        return new Curve(name, epochs);
    }
}
