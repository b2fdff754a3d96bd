package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.ssl.SupervisedMain;

class OptionsTest {

    private static Options simclrLike() { return new Options("SimClrMain", "test", Set.of("temperature", "queue-size", "crop-min")); }

    private static String error(Options o, String... args) {
        return assertThrows(Options.OptionsException.class, () -> o.parse(args)).getMessage();
    }

    @Test
    void defaultsComeFromTheMain() {
        Options o = SupervisedMain.defaults().parse();
        assertEquals("fashion-mnist", o.data);
        assertNull(o.dataDir);
        assertEquals("cpu", o.device);
        assertEquals(10, o.epochs);
        assertEquals(128, o.batchSize);
        assertEquals(0.1, o.lr);
        assertEquals(5e-4, o.weightDecay);
        assertEquals(0.9, o.momentum);
        assertEquals("resnet18", o.encoder);
        assertEquals(16, o.width);
        assertEquals(0, o.limit);
        assertFalse(o.resume);
        assertEquals(Path.of("runs", "supervised"), o.out);
    }

    @Test
    void overridesInBothForms(@TempDir Path dir) {
        Options o = simclrLike().parse("--epochs", "3", "--batch-size=64", "--lr", "0.3", "--weight-decay", "1e-6",
                "--temperature", "0.2", "--queue-size", "1024", "--encoder", "resnet50", "--width", "8", "--seed", "-7",
                "--out", dir.toString(), "--resume", "--limit", "2000", "--workers", "0", "--log-every", "5",
                "--data", "cifar10", "--data-dir", dir.toString(), "--device", "cpu");
        assertEquals(3, o.epochs);
        assertEquals(64, o.batchSize);
        assertEquals(0.3, o.lr);
        assertEquals(1e-6, o.weightDecay);
        assertEquals(0.2, o.temperature);
        assertEquals(1024, o.queueSize);
        assertEquals("resnet50", o.encoder);
        assertEquals(8, o.width);
        assertEquals(-7, o.seed);
        assertEquals(dir, o.out);
        assertTrue(o.resume);
        assertEquals(2000, o.limit);
        assertEquals(0, o.workers);
        assertEquals(5, o.logEvery);
        assertEquals("cifar10", o.data);
        assertEquals(dir, o.dataDir);
    }

    @Test
    void badCommandLinesNameTheProblem(@TempDir Path dir) {
        assertEquals("unknown option --epoch", error(simclrLike(), "--epoch", "3"));
        assertEquals("--epochs needs a whole number, got 'three'", error(simclrLike(), "--epochs", "three"));
        assertEquals("--epochs must be at least 1, got 0", error(simclrLike(), "--epochs", "0"));
        assertEquals("--lr must be > 0, got -1", error(simclrLike(), "--lr", "-1"));
        assertEquals("--lr needs a number, got 'fast'", error(simclrLike(), "--lr", "fast"));
        assertEquals("--lr must be finite, got 'NaN'", error(simclrLike(), "--lr", "NaN"));
        assertEquals("--batch-size needs a value (N)", error(simclrLike(), "--batch-size"));
        assertEquals("--batch-size needs a value (N)", error(simclrLike(), "--batch-size", "--epochs", "2"));
        assertEquals("--resume takes no value, got 'yes'", error(simclrLike(), "--resume=yes"));
        assertEquals("--epochs given twice", error(simclrLike(), "--epochs", "1", "--epochs", "2"));
        assertEquals("unexpected argument 'extra' (options start with --)", error(simclrLike(), "extra"));
        assertEquals("--encoder must be one of resnet18, resnet34, resnet50, vit, got 'vgg'", error(simclrLike(), "--encoder", "vgg"));
        assertEquals("--stem must be one of small, small-stride2, imagenet, got 'strided'", error(simclrLike(), "--stem", "strided"));
        assertEquals("--device must be one of cpu, cuda, cuda-emu, got 'tpu'", error(simclrLike(), "--device", "tpu"));
        assertEquals("--data must be one of fashion-mnist, cifar10, folder, got 'mnist'", error(simclrLike(), "--data", "mnist"));
        // a method option another main takes is refused, not silently ignored
        assertEquals("--temperature does not apply to SupervisedMain", error(SupervisedMain.defaults(), "--temperature", "0.5"));
        assertEquals("--momentum does not apply to SimClrMain", error(simclrLike(), "--momentum", "0.99"));
        assertEquals("--crop-min does not apply to SupervisedMain", error(SupervisedMain.defaults(), "--crop-min", "0.3"));
        assertEquals("--crop-min must be in (0, 1], got 0", error(simclrLike(), "--crop-min", "0"));
        assertEquals("--crop-min must be in (0, 1], got 1.5", error(simclrLike(), "--crop-min", "1.5"));
        // data checks happen before training
        assertEquals("--data cifar10 needs --data-dir DIR", error(simclrLike(), "--data", "cifar10"));
        Path missing = dir.resolve("nope");
        assertEquals("--data-dir " + missing + ": directory not found", error(simclrLike(), "--data", "cifar10", "--data-dir", missing.toString()));
        assertTrue(error(simclrLike(), "--data", "folder", "--data-dir", dir.toString()).contains("expected DIR/train and DIR/test"));
    }

    @Test
    void outMustBeADirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("--out " + file + " exists and is not a directory", error(simclrLike(), "--out", file.toString()));
    }

    @Test
    void helpListsThisMainsOptionsWithDefaults() {
        Options o = SupervisedMain.defaults().parse("--help");
        assertTrue(o.help);
        String usage = o.usage();
        assertTrue(usage.startsWith("usage: SupervisedMain [options]"), usage);
        assertTrue(usage.contains("--batch-size N") && usage.contains("(default: 128)"), usage);
        assertTrue(usage.contains("--momentum X"), usage);
        assertFalse(usage.contains("--temperature"), usage);
        assertFalse(usage.contains("--queue-size"), usage);
    }

    /** --crop-min overrides the method's paper value, and a resume must see it (it changes the run). */
    @Test
    void cropMinDefaultsToThePaperValue() {
        Options paper = simclrLike().parse();
        assertEquals(0.08, paper.cropMin(0.08));
        assertFalse(paper.runDefinition().contains("--crop-min"));
        Options set = simclrLike().parse("--crop-min", "0.3");
        assertEquals(0.3, set.cropMin(0.08));
        assertTrue(set.runDefinition().contains("--crop-min 0.3"), set.runDefinition());
    }

    @Test
    void runDefinitionLeavesOutWhereAndHow() {
        Options a = SupervisedMain.defaults().parse("--epochs", "2", "--workers", "0", "--out", "x", "--log-every", "3");
        Options b = SupervisedMain.defaults().parse("--epochs", "2");
        assertEquals(a.runDefinition(), b.runDefinition());
        assertFalse(a.runDefinition().equals(SupervisedMain.defaults().parse("--epochs", "3").runDefinition()));
        assertTrue(a.describe().contains("--workers 0"));
    }
}
