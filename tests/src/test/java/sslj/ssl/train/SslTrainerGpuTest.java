package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.Flatten;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ReLU;
import sslj.nn.Sequential;
import sslj.nn.contrastive.EmaUpdate;
import sslj.nn.contrastive.InfoNceLoss;
import sslj.nn.contrastive.MomentumQueue;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.ssl.SupervisedGpuTest;
import sslj.ssl.data.Batch;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.data.MultiView;
import sslj.ssl.method.SslMethod;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * The SSL trainer unchanged on "cuda-emu": a tiny MoCo (MLP encoder, EMA key encoder, a key queue,
 * queue InfoNCE) for 2 epochs of 3 steps gives the CPU's per-epoch losses, the same monitor values,
 * and the same EMA target and queue, which live across step scopes and are updated in place
 * (EMA by emaInto, the queue by enqueueInto, in {@code afterStep} inside the step scope).
 * Tolerance 1e-4 relative (float32 sums in another order over a few steps).
 */
class SslTrainerGpuTest {

    /** MoCo in miniature: q from the online MLP, k from its EMA copy, negatives from a 16-key queue. */
    static final class TinyMoco implements SslMethod {
        final Module online, target;
        final EmaUpdate ema;
        final MomentumQueue queue;
        final InfoNceLoss infoNce = InfoNceLoss.queue(0.2f);
        Variable lastKeys;

        TinyMoco(Device device) {
            online = mlp(new Generator(3)).to(device);
            target = mlp(new Generator(4)).to(device);
            ema = new EmaUpdate(online, target);
            queue = new MomentumQueue(16, 4, device, new Generator(5));
        }

        static Module mlp(Generator gen) {
            return new Sequential(new Flatten(), new Linear(64, 8, false, gen), new BatchNorm1d(8), new ReLU(), new Linear(8, 4, gen));
        }

        @Override public String name() { return "TinyMoCo"; }
        @Override public Module trainable() { return online; }
        @Override public Module encoder() { return online; }
        @Override public MultiView augmentation(Options o, int side, int channels) { return MultiView.of(FashionMnist.normalize(), 2); }
        @Override public Optimizer optimizer(Options o) { return new SGD(ParamGroup.all(online), o.lr, 0.9, 1e-4); }

        @Override
        @SuppressWarnings("try")
        public Variable loss(Batch batch, Device device, long step) {
            Variable q = online.forward(Variable.constant(batch.view(0).to(device)));
            try (NoGrad g = NoGrad.enter()) {
                lastKeys = target.forward(Variable.constant(batch.view(1).to(device))).l2Normalize(1);
            }
            return infoNce.forward(q, lastKeys, queue.queue());
        }

        @Override
        public void afterStep(long step, long totalSteps) {
            ema.update(0.9f);
            queue.enqueue(lastKeys);
            lastKeys = null;
        }

        @Override
        public Map<String, Tensor> state() {
            Map<String, Tensor> s = new LinkedHashMap<>();
            target.stateDict().forEach((k, t) -> s.put("target." + k, t));
            queue.state().forEach((k, t) -> s.put("queue." + k, t));
            return s;
        }
    }

    record Outcome(List<SslTrainer.EpochResult> epochs, Map<String, float[]> state) { }

    private static Outcome run(Path out, String device) throws IOException {
        Options o = new Options("SslTrainerGpuTest", "test", Options.METHOD_OPTIONS).parse("--epochs", "2", "--batch-size", "4", "--lr", "0.05",
                "--device", device, "--workers", "0");
        o.out = out;
        o.logEvery = 1;
        Device dev = Device.parse(device);
        TinyMoco method = new TinyMoco(dev);
        Tensor probe = Tensor.randn(new Generator(9), 5, 1, 8, 8);
        EpochMonitor featureMean = (m, epoch) -> {
            try (NoGrad g = NoGrad.enter()) {
                m.encoder().eval();
                double v = m.encoder().forward(Variable.constant(probe.to(dev))).data().abs().mean().item();
                m.encoder().train(true);
                return Map.of("feature_mean", v);
            }
        };
        List<SslTrainer.EpochResult> epochs = SslTrainer.run(o, method, SupervisedGpuTest.tiny(12, 1), List.of(featureMean), o.epochs);
        Map<String, float[]> state = new LinkedHashMap<>();
        method.state().forEach((k, t) -> state.put(k, t.toFloatArray()));
        online(method).forEach((k, t) -> state.put("online." + k, t.toFloatArray()));
        return new Outcome(epochs, state);
    }

    private static Map<String, Tensor> online(TinyMoco m) { return m.online.stateDict(); }

    @Test
    void cudaEmuTrainsLikeTheCpu(@TempDir Path tmp) throws IOException {
        Outcome cpu = run(tmp.resolve("cpu"), "cpu"), gpu = run(tmp.resolve("gpu"), "cuda-emu");
        assertEquals(2, gpu.epochs().size());
        for (int e = 0; e < 2; e++) {
            double a = cpu.epochs().get(e).loss(), b = gpu.epochs().get(e).loss();
            assertEquals(a, b, 1e-4 * Math.abs(a), "epoch " + e + " loss");
            double fa = cpu.epochs().get(e).metrics().get("feature_mean"), fb = gpu.epochs().get(e).metrics().get("feature_mean");
            assertEquals(fa, fb, 1e-4 * Math.abs(fa), "epoch " + e + " monitor");
        }
        assertEquals(cpu.state().keySet(), gpu.state().keySet());
        cpu.state().forEach((k, v) -> assertArrayEquals(v, gpu.state().get(k), 1e-4f, k));
        assertTrue(Files.readString(tmp.resolve("gpu").resolve("log.txt")).contains(" gpu "), "device memory in the progress lines");
    }
}
