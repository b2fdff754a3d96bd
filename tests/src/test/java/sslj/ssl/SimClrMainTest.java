package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.method.SimClr;
import sslj.ssl.train.KnnMonitor;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;

/** SimCLR end to end on the embedded Fashion-MNIST subset: it learns features that kNN can use, and bad options fail early. */
class SimClrMainTest {

    static Options options(Path out, String... args) {
        Options o = SimClrMain.defaults().parse(args);
        o.out = out;
        o.logEvery = 1000;
        return o;
    }

    /**
     * MEASURED (see the report in the commit): ResNet-18 width 4, batch 64, SGD lr 0.1, 3 epochs on
     * 512 embedded training images; kNN (k 200, τ 0.1) of 256 embedded test images against the 512.
     */
    @Test
    void knnAccuracyBeatsTheRandomEncoder(@TempDir Path out) throws IOException {
        Options o = options(out, "--epochs", "3", "--width", "4", "--batch-size", "64", "--lr", "0.1", "--workers", "2");
        Dataset train = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), 512);
        Dataset test = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TEST), 256);
        double random = KnnMonitor.of(train, test, o).accuracy(SimClrMain.build(o, SimClr.Optim.SGD));
        long t0 = System.nanoTime();
        List<SslTrainer.EpochResult> r = SimClrMain.run(o, train, test, o.epochs, SimClr.Optim.SGD);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SimCLR short run: random-init kNN %.4f%n", random);
        for (SslTrainer.EpochResult e : r) System.out.println("  epoch " + e.epoch() + " loss " + e.loss() + " " + e.metrics());
        System.out.printf("  %.1f s%n", seconds);
        double trained = r.get(r.size() - 1).metrics().get("knn_acc");
        assertTrue(Files.exists(out.resolve("curves.png")));
        assertTrue(trained > random, "kNN " + trained + " vs random " + random);
    }
}
