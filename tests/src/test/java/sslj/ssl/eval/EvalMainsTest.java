package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.nn.ResNet;
import sslj.nn.optim.Checkpoint;
import sslj.ssl.KnnEvalMain;
import sslj.ssl.LinearProbeMain;
import sslj.ssl.SemiSupervisedMain;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.train.Options.OptionsException;
import sslj.ssl.train.TrainData;
import sslj.tensor.Generator;

/**
 * The evaluation mains end to end on a few hundred embedded Fashion-MNIST images with tiny ResNets
 * (width 2): the table with its baselines, the feature cache, the semi-supervised runs and the plot.
 */
class EvalMainsTest {

    private static Dataset train(int n) throws IOException { return TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TRAIN), n); }

    private static Dataset test(int n) throws IOException { return TrainData.firstN(FashionMnist.embedded(FashionMnist.Split.TEST), n); }

    /** A "pretrained" run directory: a checkpoint of an encoder (here: random) under "encoder.", with options.txt. */
    private static Path fakeRun(Path dir, int width) throws IOException {
        EncoderLoaderTest.Method m = new EncoderLoaderTest.Method(ResNet.resnet18(1, width, true, new Generator(5)), new Generator(5));
        new Checkpoint().save(dir.resolve("checkpoint"), m, null, null, null, 1, 1);
        Files.writeString(dir.resolve("options.txt"), "--data fashion-mnist --epochs 1 --encoder resnet18 --width " + width + " --seed 5\n");
        return dir;
    }

    /** The stem is not in the state dict (same names and shapes), so an evaluation must take it from options.txt. */
    @Test
    void theRunsStemIsAdopted(@TempDir Path tmp) throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("options.txt"), "--data fashion-mnist --encoder resnet18 --stem small-stride2 --width 4 --seed 5\n");
        EvalOptions e = EvalOptions.parse(LinearProbeMain.defaults(), Set.of("pretrained"), null, "--pretrained", run.toString());
        String said = EvalModels.adoptArchitecture(e, run);
        assertEquals("small-stride2", e.common.stem);
        assertEquals(4, e.common.width);
        assertTrue(said.contains("--stem small-stride2"), said);
        EvalOptions given = EvalOptions.parse(LinearProbeMain.defaults(), Set.of("pretrained"), null, "--pretrained", run.toString(), "--stem", "small");
        EvalModels.adoptArchitecture(given, run);
        assertEquals("small", given.common.stem, "a stem given on the command line wins");
    }

    @Test
    void linearProbeWithARandomEncoderPrintsTheBaselineTable(@TempDir Path tmp) throws IOException {
        Path run = fakeRun(tmp.resolve("run"), 2);
        EvalOptions e = EvalOptions.parse(LinearProbeMain.defaults(), Set.of("pretrained", "features", "k"), null,
                "--pretrained", run.toString(), "--features", tmp.resolve("f.safetensors").toString(), "--k", "20",
                "--epochs", "10", "--out", tmp.resolve("out").toString(), "--workers", "0");
        ResultTable t = LinearProbeMain.run(e, train(300), test(200));
        assertEquals(2, e.common.width);                       // adopted from the run's options.txt
        assertEquals(3, t.rows());
        for (String row : new String[] {FrozenEvaluation.PRETRAINED, FrozenEvaluation.PIXELS}) {
            for (String col : new String[] {FrozenEvaluation.LINEAR, FrozenEvaluation.KNN + " (k=20)"}) {
                Double acc = t.get(row, col);
                assertNotNull(acc, row + " / " + col);
                assertTrue(acc > 0.3 && acc <= 1, row + " / " + col + ": " + acc);   // chance is 0.1
            }
        }
        String text = Files.readString(tmp.resolve("out").resolve("results.txt"));
        assertTrue(text.contains("raw pixels") && text.contains("random-init encoder (resnet18 w2)") && text.contains("pretrained encoder"), text);
        // below the table: the encoder against each baseline, per protocol, with a difference that matches the table's
        for (String vs : new String[] {"linear probe, pretrained encoder vs raw pixels: ", "kNN (k=20), pretrained encoder vs raw pixels: ",
                "linear probe, pretrained encoder vs random-init encoder (resnet18 w2): "}) {
            assertTrue(text.contains(vs), "no line '" + vs + "' in\n" + text);
        }
        double d = 100 * (t.get(FrozenEvaluation.PRETRAINED, FrozenEvaluation.LINEAR) - t.get(FrozenEvaluation.PIXELS, FrozenEvaluation.LINEAR));
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "vs raw pixels: %+.2f points", d)), d + " in\n" + text);
        // the feature cache was written, and a second run reads it (same numbers)
        assertTrue(Files.isRegularFile(tmp.resolve("f-train.safetensors")));
        Features cached = Features.load(tmp.resolve("f-test.safetensors"));
        assertEquals(200, cached.size());
        assertEquals(16, cached.dim());
        EvalOptions again = EvalOptions.parse(KnnEvalMain.defaults(), Set.of("pretrained", "features", "k", "no-baselines"), null,
                "--pretrained", run.toString(), "--features", tmp.resolve("f.safetensors").toString(), "--k", "20,50", "--no-baselines",
                "--out", tmp.resolve("knn").toString(), "--workers", "0");
        ResultTable k = KnnEvalMain.run(again, train(300), test(200));
        assertEquals(1, k.rows());
        assertEquals(t.get(FrozenEvaluation.PRETRAINED, FrozenEvaluation.KNN + " (k=20)"), k.get(FrozenEvaluation.PRETRAINED, FrozenEvaluation.knnColumn(20)));
        Double k50 = k.get(FrozenEvaluation.PRETRAINED, FrozenEvaluation.knnColumn(50));   // a second column from --k 20,50
        assertNotNull(k50);
        assertTrue(k50 > 0.3 && k50 <= 1, "k=50: " + k50);
    }

    @Test
    void semiSupervisedComparesFineTuningWithScratchAndPlotsBoth(@TempDir Path tmp) throws IOException {
        Path run = fakeRun(tmp.resolve("run"), 2), out = tmp.resolve("out");
        String[] args = {"--pretrained", run.toString(), "--labels-percent", "10", "--compare-scratch", "--epochs", "2",
                "--batch-size", "16", "--out", out.toString(), "--workers", "0"};
        SemiSupervisedMain.Result r = SemiSupervisedMain.run(EvalOptions.parse(SemiSupervisedMain.defaults(),
                Set.of("pretrained", "labels-percent", "compare-scratch"), null, args), train(300), test(100));
        assertEquals(30, r.labelled().length);                    // 10% of 300, 3 per class
        assertEquals(2, r.finetuned().epochs().size());
        assertNotNull(r.scratch());
        for (FineTune.Epoch ep : r.scratch().epochs()) assertTrue(Double.isFinite(ep.loss()) && ep.testAccuracy() >= 0);
        if (sslj.ssl.train.PlotSupport.available()) {
            BufferedImage png = ImageIO.read(out.resolve("finetune-vs-scratch.png").toFile());
            assertTrue(png.getWidth() > 0 && png.getHeight() > 0);
        }
        assertTrue(Files.isRegularFile(out.resolve("labels-10pct-seed42.txt")));
        assertTrue(Files.readString(out.resolve("results.txt")).contains(SemiSupervisedMain.SCRATCH));
        assertTrue(Files.isRegularFile(out.resolve("finetune").resolve("metrics.jsonl")));
        // a second run reads the same labelled images back
        SemiSupervisedMain.Result r2 = SemiSupervisedMain.run(EvalOptions.parse(SemiSupervisedMain.defaults(),
                Set.of("pretrained", "labels-percent", "compare-scratch", "no-baselines"), null,
                "--pretrained", run.toString(), "--labels-percent", "10", "--epochs", "1", "--no-baselines", "--batch-size", "16",
                "--out", out.toString(), "--workers", "0"), train(300), test(50));
        assertArrayEquals(r.labelled(), r2.labelled());
        assertNull(r2.scratch());
    }

    @Test
    void badOptionsAreRefusedBeforeAnyWork(@TempDir Path tmp) {
        java.util.Set<String> all = Set.of("pretrained", "k", "labels-percent");
        assertMessage("--k must be >= 1", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--k", "0"));
        assertMessage("--k must be >= 1", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--k", "20,0"));
        assertMessage("--k lists 20 twice", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--k", "20,200,20"));
        assertMessage("--k needs a whole number, got ''", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--k", "20,"));
        assertMessage("--labels-percent must be > 0 and <= 100", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--labels-percent", "150"));
        assertMessage("--compare-scratch does not apply to LinearProbeMain", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--compare-scratch"));
        assertMessage("--pretrained " + tmp.resolve("none") + ": not found", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--pretrained", tmp.resolve("none").toString()));
        assertMessage("unknown option --bogus", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--bogus", "1"));
        assertMessage("--epochs must be at least 1", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--epochs", "0"));
        assertMessage("--temperature does not apply", () -> EvalOptions.parse(LinearProbeMain.defaults(), all, null, "--temperature", "0.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemiSupervisedMain.run(
                EvalOptions.parse(SemiSupervisedMain.defaults(), all, null, "--out", tmp.toString()), train(20), test(10)));
        assertTrue(e.getMessage().contains("--pretrained PATH is needed"), e.getMessage());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable x) {
        OptionsException e = assertThrows(OptionsException.class, x);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static final class Set {
        static java.util.Set<String> of(String... s) { return java.util.Set.of(s); }
    }
}
