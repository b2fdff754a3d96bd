package sslj.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.nn.optim.Optimizer;
import sslj.ssl.MocoMain;
import sslj.ssl.SimClrMain;
import sslj.ssl.data.Batch;
import sslj.ssl.method.MocoV2;
import sslj.ssl.method.SimClr;
import sslj.ssl.method.SslMethod;
import sslj.ssl.train.Knn;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * The CPU training step timed side by side with PyTorch ({@code bench/cpu/torch_train_step.py} times the
 * same work; {@code bench/cpu/train-step.sh} runs both and prints the ratios). Three jobs, each on
 * ResNet-18 with the small-image stem, 28×28×1 images, the data loader excluded (random images made once):
 * <ul>
 *   <li>{@code simclr}: the two views as one batch of 2B, the projection head Linear-BN-ReLU-Linear → 128,
 *       NT-Xent (τ 0.5), backward, LARS — {@link SimClr} as {@code SimClrMain} builds it;</li>
 *   <li>{@code moco}: MoCo v2 — query forward in 2 BN groups, key forward (no gradient, shuffled in 2
 *       groups), InfoNCE against a 4,096-key queue (τ 0.2), backward, SGD, EMA of the key encoder and
 *       the enqueue — {@link MocoV2} as {@code MocoMain} builds it;</li>
 *   <li>{@code knn}: the kNN evaluation — the encoder's eval-mode features of 10,000 images (batches of
 *       256), then weighted kNN (k 200, τ 0.1) of those against a 60,000-row bank of random features.</li>
 * </ul>
 * A training step's method, optimiser and step body are the trainer's ({@code SslTrainer}); only the
 * learning-rate schedule is left out. Prints one line: {@code images_per_s} (source images: a SimCLR
 * step of batch B counts B, though the network sees 2B views) and {@code peak_rss_mb} (the process's
 * VmHWM, which includes the JVM itself).
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar sslj.bench.TrainStepBench simclr --width 16 [--batch 256] [--steps 10] [--warmup 3]
 * </pre>
 */
public final class TrainStepBench {
    private TrainStepBench() { }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: TrainStepBench simclr|moco|knn [--width W] [--batch B] [--steps S] [--warmup S]");
            return;
        }
        String job = args[0];
        int width = 16, batch = 256, steps = 10, warmup = 3;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 == args.length) usage(args[i] + " needs a value");
            int v = 0;
            try {
                v = Integer.parseInt(args[i + 1]);
            } catch (NumberFormatException e) {
                usage(args[i] + " needs a whole number, got '" + args[i + 1] + "'");
            }
            if (v < 0) usage(args[i] + " must not be negative, got " + v);
            switch (args[i]) {
                case "--width" -> width = v;
                case "--batch" -> batch = v;
                case "--steps" -> steps = v;
                case "--warmup" -> warmup = v;
                default -> usage("unknown option " + args[i]);
            }
        }
        if (steps < 1 || batch < 2 || width < 1) usage("--steps and --width must be at least 1, --batch at least 2");
        double seconds = switch (job) {
            case "simclr", "moco" -> train(job, width, batch, steps, warmup) / steps;
            case "knn" -> knn(width, warmup);
            default -> {
                usage("unknown job " + job + " (simclr, moco, knn)");
                yield 0;
            }
        };
        double perSecond = job.equals("knn") ? KNN_QUERIES / seconds : batch / seconds;
        System.out.printf("engine=sslj job=%s width=%d batch=%d threads=%d seconds=%.4f images_per_s=%.1f peak_rss_mb=%d%n",
                job, width, batch, Runtime.getRuntime().availableProcessors(), seconds, perSecond, peakRssMb());
    }

    /** One line naming what is wrong, then exit 2 (a usage error). */
    private static void usage(String problem) {
        System.err.println("TrainStepBench: " + problem + "; see --help");
        System.exit(2);
    }

    /** Seconds for {@code steps} training steps after {@code warmup} untimed ones. */
    @SuppressWarnings("try")
    static double train(String job, int width, int batch, int steps, int warmup) {
        SslMethod method;
        Options o;
        if (job.equals("simclr")) {
            o = SimClrMain.parse("--width", String.valueOf(width), "--batch-size", String.valueOf(batch));
            method = SimClrMain.build(o, SimClr.Optim.LARS);
        } else {
            o = MocoMain.parse("--version", "2", "--width", String.valueOf(width), "--batch-size", String.valueOf(batch));
            method = new MocoV2(o);
        }
        Optimizer opt = method.optimizer(o);
        Device device = Device.parse(o.device);
        Generator gen = new Generator(7);
        Batch b = new Batch(List.of(Tensor.randn(gen, batch, 1, 28, 28), Tensor.randn(gen, batch, 1, 28, 28)),
                Tensor.zeros(batch), new int[batch], 0, 0);
        method.trainable().train(true);
        long t0 = 0;
        for (int s = 0; s < warmup + steps; s++) {
            if (s == warmup) t0 = System.nanoTime();
            try (TensorScope scope = TensorScope.open()) {          // the step body of SslTrainer
                Variable loss = method.loss(b, device, s);
                loss.item();
                opt.zeroGrad();
                loss.backward();
                opt.step();
                try (NoGrad g = NoGrad.enter()) {
                    method.afterStep(s, warmup + steps);
                }
                opt.zeroGrad();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static final int KNN_QUERIES = 10_000, KNN_BANK = 60_000, KNN_BATCH = 256;

    /** Seconds for the features of 10,000 images and their kNN over a 60,000-row bank (best of warmup + 1 runs). */
    @SuppressWarnings("try")
    static double knn(int width, int warmup) {
        Options o = SimClrMain.parse("--width", String.valueOf(width));
        Module encoder = SimClrMain.build(o, SimClr.Optim.LARS).encoder();
        Generator gen = new Generator(11);
        Tensor images = Tensor.randn(gen, KNN_QUERIES, 1, 28, 28);
        int f = 8 * width;
        Tensor bank = Tensor.randn(gen, KNN_BANK, f);
        int[] bankLabels = new int[KNN_BANK];
        for (int i = 0; i < KNN_BANK; i++) bankLabels[i] = i % 10;
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= warmup; r++) {
            long t0 = System.nanoTime();
            encoder.eval();
            try (TensorScope run = TensorScope.open(); NoGrad g = NoGrad.enter()) {
                Tensor[] parts = new Tensor[(KNN_QUERIES + KNN_BATCH - 1) / KNN_BATCH];
                for (int i = 0; i < parts.length; i++) {
                    int lo = i * KNN_BATCH, n = Math.min(KNN_BATCH, KNN_QUERIES - lo);
                    try (TensorScope batch = TensorScope.open()) {   // a batch's activations go back as it ends (Features.extract's pattern)
                        parts[i] = batch.keep(encoder.forward(Variable.constant(images.narrow(0, lo, n))).data().contiguous());
                    }
                }
                Knn.predict(bank, bankLabels, Tensor.cat(0, parts), Knn.DEFAULT_K, Knn.DEFAULT_TAU, 10, Knn.DEFAULT_CHUNK);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** The process's peak resident set (VmHWM) in MB, or -1 where /proc is absent. */
    static long peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return -1;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }
}
