package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.nn.optim.Checkpoint;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Tensor;

/**
 * The supervised baseline end to end, on the embedded Fashion-MNIST subset (so the numbers do not
 * depend on whether the full dataset is installed): it learns, and a resumed run is the same run.
 */
class SupervisedMainTest {

    private static Options options(Path out, String... args) {
        Options o = SupervisedMain.defaults().parse(args);
        o.out = out;
        o.logEvery = 1000;
        return o;
    }

    /**
     * ResNet-18 width 4 (45k parameters), batch 32, lr 0.05, 6 epochs over the first 2000 embedded
     * training images, tested on the 1000 embedded test images: measured 76.8% (loss 1.87 → 0.59) in
     * about 50 s on 2 busy cores. The 80% of the issue needs a wider network or more epochs than this
     * test's time budget (width 8 × 4 epochs reached 75%, in 90 s); the threshold is 70%, with margin.
     */
    @Test
    void learnsFashionMnistFrom2000Images(@TempDir Path out) throws IOException {
        Options o = options(out, "--epochs", "6", "--width", "4", "--batch-size", "32", "--lr", "0.05");
        Dataset train = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), 2000);
        SupervisedMain.Result r = SupervisedMain.run(o, train, FashionMnist.embedded(FashionMnist.Split.TEST), o.epochs);

        List<SupervisedMain.EpochResult> e = r.epochs();
        assertEquals(6, e.size());
        double first = e.get(0).loss(), last = e.get(5).loss();
        assertTrue(last < 0.6 * first, "training loss should fall by 40%: " + first + " -> " + last);
        assertTrue(r.finalAccuracy() >= 0.70, "test accuracy " + r.finalAccuracy() + " < 0.70");
        // what a user finds in --out
        assertTrue(Checkpoint.exists(out.resolve("checkpoint")));
        assertEquals(6, epochRecords(out).size());
        assertTrue(Files.readString(out.resolve("log.txt")).contains("final test accuracy"));
    }

    /** 2 epochs at once vs 1 epoch, "interrupted", then --resume: bit-identical weights and metrics. */
    @Test
    void resumeGivesTheUninterruptedRun(@TempDir Path tmp) throws IOException {
        Dataset train = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), 256);
        Dataset test = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TEST), 128);
        String[] args = {"--epochs", "2", "--width", "4", "--batch-size", "32", "--workers", "2"};

        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        SupervisedMain.Result whole = SupervisedMain.run(options(a, args), train, test, 2);
        SupervisedMain.run(options(b, args), train, test, 1);
        Options resume = options(b, args);
        resume.resume = true;
        resume.workers = 0;                     // how batches are made must not matter either
        SupervisedMain.Result resumed = SupervisedMain.run(resume, train, test, 2);

        assertEquals(1, resumed.epochs().size());
        Map<String, Tensor> wa = whole.model().stateDict(), wb = resumed.model().stateDict();
        assertEquals(wa.keySet(), wb.keySet());
        for (String name : wa.keySet()) {
            assertArrayEquals(wa.get(name).toFloatArray(), wb.get(name).toFloatArray(), 0f, name);
        }
        assertEquals(withoutTimes(epochRecords(a)), withoutTimes(epochRecords(b)));
        // resuming a finished run trains nothing
        assertTrue(SupervisedMain.run(resume, train, test, 2).epochs().isEmpty());
    }

    @Test
    void resumeWithOtherOptionsIsRefused(@TempDir Path out) throws IOException {
        Dataset train = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), 64);
        Dataset test = TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TEST), 32);
        Options o = options(out, "--epochs", "2", "--width", "2", "--batch-size", "32");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SupervisedMain.run(options(out, "--epochs", "2", "--resume"), train, test, 2));
        assertTrue(none.getMessage().contains("no checkpoint in"), none.getMessage());
        SupervisedMain.run(o, train, test, 1);
        Options other = options(out, "--epochs", "2", "--width", "2", "--batch-size", "32", "--lr", "0.2", "--resume");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SupervisedMain.run(other, train, test, 2));
        assertTrue(e.getMessage().contains("--lr 0.2"), e.getMessage());
    }

    // ---------------------------------------------------------------- metrics.jsonl

    /** The "epoch" records of out/metrics.jsonl as key → value text (a flat JSON object per line). */
    static List<Map<String, String>> epochRecords(Path out) throws IOException {
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), line);
            Map<String, String> rec = new LinkedHashMap<>();
            for (String kv : line.substring(1, line.length() - 1).split(",")) {
                int colon = kv.indexOf(':');
                rec.put(kv.substring(0, colon).replace("\"", ""), kv.substring(colon + 1).replace("\"", ""));
            }
            if (rec.get("type").equals("epoch")) records.add(rec);
        }
        return records;
    }

    private static List<Map<String, String>> withoutTimes(List<Map<String, String>> records) {
        for (Map<String, String> r : records) r.keySet().removeIf(k -> k.contains("seconds") || k.contains("per_s") || k.endsWith("_mb") || k.endsWith("_s"));
        return records;
    }
}
