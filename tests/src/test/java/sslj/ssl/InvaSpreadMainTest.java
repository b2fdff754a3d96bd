package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.ssl.train.TrainData;

/** InvaSpreadMain end to end on a few embedded images: it trains, monitors and plots. */
class InvaSpreadMainTest {

    @Test
    void oneEpochRunsAndReportsEveryMetric(@TempDir Path out) throws IOException {
        Options o = InvaSpreadMain.defaults().parse("--epochs", "2", "--width", "2", "--batch-size", "32", "--workers", "0");
        o.out = out;
        Dataset train = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), 128);
        Dataset test = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TEST), 64);
        List<SslTrainer.EpochResult> r = InvaSpreadMain.run(o, train, test, 2);
        assertEquals(2, r.size());
        for (SslTrainer.EpochResult e : r) {
            assertTrue(Double.isFinite(e.loss()), "loss " + e.loss());
            assertTrue(e.metrics().keySet().containsAll(List.of("knn_acc", "std", "std_ref", "align", "uniform")), e.metrics().toString());
        }
        if (sslj.ssl.train.PlotSupport.available()) assertTrue(Files.exists(out.resolve("curves.png")));
        assertTrue(Files.exists(out.resolve("checkpoint")));
    }
}
