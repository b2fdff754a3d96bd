package sslj.bench;

import java.util.List;
import java.util.Locale;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.kernels.backend.CudaBackend;
import sslj.kernels.emu.PtxEmulator;
import sslj.nn.optim.Optimizer;
import sslj.ssl.SimClrMain;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.method.SimClr;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.TensorScope;

/**
 * Kernel launches per SimCLR training step (ResNet-18, LARS), counted on the PTX emulator
 * ({@link PtxEmulator#launches()}) and split into forward, backward, optimiser step and after-step. Not a
 * timing: on a GPU each launch costs the host microseconds whatever the kernel does, so a step's launch
 * count is what bounds it when the host sets the pace (bench/RESULTS.md, GPU runs 14 and 17). The count
 * hardly depends on width or batch, so a width-1, batch-4 step is measured (seconds on the emulator).
 * The emulator runs convolutions and batch norm on PTX (im2col + GEMM, batchnorm.ptx) where a GPU uses
 * cuDNN, so those layers' counts differ there; the rest are the same launches.
 *
 * <pre>
 *   mvn -B -q -DskipTests package && java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar sslj.bench.LaunchesPerStep
 * </pre>
 */
public final class LaunchesPerStep {
    private LaunchesPerStep() { }

    public static void main(String[] args) throws Exception {
        Options o = SimClrMain.parse("--device", "cuda-emu", "--width", "1", "--batch-size", "4", "--limit", "16", "--workers", "0");
        SimClr method = SimClrMain.build(o, SimClr.Optim.LARS);
        Device device = Device.parse(o.device);
        PtxEmulator emu = (PtxEmulator) ((CudaBackend) device.backend()).runtime();
        Optimizer opt = method.optimizer(o);
        Dataset train = TrainData.train(o);
        long[] phases = new long[4];
        try (DataLoader loader = DataLoader.builder(train).batchSize(4).views(method.augmentation(o, TrainData.side(o), TrainData.channels(o)))
                .shuffle(true).dropLast(true).seed(1).workers(0).build();
             DataLoader.Epoch it = loader.epoch(0)) {
            for (int step = 0; step < 3; step++) {                  // the last step is counted: lazily made state exists by then
                Batch b = it.next();
                try (TensorScope scope = TensorScope.open()) {
                    long t0 = emu.launches();
                    Variable loss = method.loss(b, device, step);
                    loss.item();
                    long t1 = emu.launches();
                    opt.zeroGrad();
                    loss.backward();
                    long t2 = emu.launches();
                    opt.step();
                    long t3 = emu.launches();
                    try (NoGrad g = NoGrad.enter()) {
                        method.afterStep(step, 100);
                    }
                    opt.zeroGrad();
                    phases = new long[] {t1 - t0, t2 - t1, t3 - t2, emu.launches() - t3};
                }
            }
        }
        List<String> names = List.of("forward", "backward", "optimiser step", "after step");
        long total = 0;
        for (int i = 0; i < phases.length; i++) {
            System.out.printf(Locale.ROOT, "%-15s %5d launches%n", names.get(i), phases[i]);
            total += phases[i];
        }
        System.out.printf(Locale.ROOT, "%-15s %5d launches per SimCLR step (%d parameters)%n", "total", total, method.trainable().parameters().size());
        System.exit(0);   // the data loader's and the backend's threads
    }
}
