package sslj.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import sslj.ssl.data.Augmentations;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;

/**
 * Images per second through the data pipeline: Fashion-MNIST (28×28×1; the real training set when
 * dataset-fashion-mnist is installed, else the embedded 4000-image subset), SimCLR's two-view
 * augmentation (crop, flip, jitter, blur), batches of 256 assembled into [256, 1, 28, 28] tensors.
 * The consumer does nothing, so this is the rate at which the loader can feed a trainer.
 * {@code workers = 0} augments in the consumer's thread (no prefetch), for comparison.
 *
 * <pre>java --add-modules=jdk.incubator.vector -jar bench/target/benchmarks.jar DataLoaderBench -f 1 -wi 2 -i 3 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class DataLoaderBench {
    private static final int BATCH = 256;

    @Param({"0", "1", "2"})
    public int workers;

    private DataLoader loader;
    private DataLoader.Epoch epoch;
    private int epochNumber;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Dataset train = FashionMnist.load(FashionMnist.Split.TRAIN, null);
        loader = DataLoader.builder(train).batchSize(BATCH).views(Augmentations.simclr(28, 1))
                .shuffle(true).dropLast(true).seed(1).workers(workers).build();
        epoch = loader.epoch(0);
    }

    /** One batch of 256 images (512 views); the score is source images per second. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Batch simclrTwoViews() {
        if (!epoch.hasNext()) {
            epoch.close();
            epoch = loader.epoch(++epochNumber);
        }
        return epoch.next();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        epoch.close();
        loader.close();
    }
}
