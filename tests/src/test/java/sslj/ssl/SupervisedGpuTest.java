package sslj.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.train.Options;

/**
 * The supervised main unchanged on "cuda-emu" (the CUDA backend's PTX kernels, emulated): the same
 * run as on the CPU gives the same loss curve and test accuracy, and the log reports device memory.
 * Tiny, for the emulator: ResNet-18 width 1 on 8×8 single-channel images, batch 4, 2 epochs of 3 steps.
 *
 * <p>Tolerance: per-step losses within 1e-3 relative (the GPU sums in another order, and batch norm over 4 images
 * of a width-1 network amplifies it: 1e-4 was seen after 4 steps); the test accuracy, an argmax over 8 images, equal.
 */
public class SupervisedGpuTest {

    /** 12 training and 8 test images of 8×8: class 0 is bright on the left half, class 1 on the right. */
    public static ArrayDataset tiny(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] px = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean bright = (x < 4) == (labels[i] == 0);
                    px[i * 64 + y * 8 + x] = (byte) ((bright ? 150 : 0) + r.nextInt(100));
                }
            }
        }
        return new ArrayDataset(px, labels, 1, 8, 8, 2, "tiny " + n);
    }

    private static SupervisedMain.Result run(Path out, String device) throws IOException {
        Options o = SupervisedMain.defaults().parse("--epochs", "2", "--width", "1", "--batch-size", "4", "--lr", "0.05",
                "--device", device, "--workers", "0");
        o.out = out;
        o.logEvery = 1;
        return SupervisedMain.run(o, tiny(12, 1), tiny(8, 2), o.epochs);
    }

    @Test
    void cudaEmuTrainsLikeTheCpu(@TempDir Path tmp) throws IOException {
        SupervisedMain.Result cpu = run(tmp.resolve("cpu"), "cpu");
        SupervisedMain.Result gpu = run(tmp.resolve("gpu"), "cuda-emu");
        List<SupervisedMain.EpochResult> c = cpu.epochs(), g = gpu.epochs();
        assertEquals(2, g.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(c.get(e).loss(), g.get(e).loss(), 1e-3 * Math.abs(c.get(e).loss()), "epoch " + e + " loss");
            assertEquals(c.get(e).testAccuracy(), g.get(e).testAccuracy(), "epoch " + e + " test accuracy");
        }
        List<String> cpuSteps = stepLosses(tmp.resolve("cpu")), gpuSteps = stepLosses(tmp.resolve("gpu"));
        assertEquals(6, gpuSteps.size());
        for (int i = 0; i < 6; i++) {
            double a = Double.parseDouble(cpuSteps.get(i)), b = Double.parseDouble(gpuSteps.get(i));
            assertEquals(a, b, 1e-3 * Math.abs(a), "step " + (i + 1) + " loss");
        }
        String log = Files.readString(tmp.resolve("gpu").resolve("log.txt"));
        assertTrue(log.contains(" gpu "), "the GPU run's progress lines report device memory:\n" + log);
        assertTrue(!Files.readString(tmp.resolve("cpu").resolve("log.txt")).contains(" gpu "));
    }

    /** The "loss" of each "step" record in OUT/metrics.jsonl (logEvery 1: one per step). */
    private static List<String> stepLosses(Path out) throws IOException {
        return Files.readAllLines(out.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"step\""))
                .map(l -> l.replaceAll(".*\"loss\":([^,}]+).*", "$1")).toList();
    }
}
