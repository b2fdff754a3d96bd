package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curves.png from a metrics.jsonl, headless. */
class CurvePlotTest {

    /** The legend ends inside the frame whatever its width; a legend too wide still starts right of the y axis. */
    @Test
    void theLegendFitsItsLongestEntry() {
        assertEquals(800 - 8 - 30 - 120, CurvePlot.legendX(80, 800, 120));
        assertEquals(800 - 8 - 30 - 400, CurvePlot.legendX(80, 800, 400));   // the old fixed 200 px would overrun
        assertEquals(88, CurvePlot.legendX(80, 800, 5000));
    }

    @Test
    void theLegendGoesWhereTheCurvesAreNot() {
        double[] epochs = {1, 2, 3, 4, 5};
        int[] frame = {80, 14, 870, 286};
        double[] xr = {1, 5}, yr = {0, 1};
        CurvePlot.Panel rising = new CurvePlot.Panel("acc", List.of(new CurvePlot.Series("acc", epochs, new double[] {0.1, 0.6, 0.8, 0.9, 1.0})));
        CurvePlot.Panel falling = new CurvePlot.Panel("loss", List.of(new CurvePlot.Series("loss", epochs, new double[] {1.0, 0.4, 0.2, 0.1, 0.0})));
        int lx = 600, h = 32;
        // a rising curve ends in the top-right corner and leaves the bottom-right one free; a falling one the reverse
        assertEquals(true, CurvePlot.covered(rising, xr, yr, frame, lx, 18, h) > 0);
        assertEquals(0, CurvePlot.covered(rising, xr, yr, frame, lx, 286 - 4 - h, h));
        assertEquals(0, CurvePlot.covered(falling, xr, yr, frame, lx, 18, h));
        assertEquals(true, CurvePlot.covered(falling, xr, yr, frame, lx, 286 - 4 - h, h) > 0);
    }

    @Test
    void plotsLossAndAccuracyFromMetrics(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(PlotSupport.available(), "this Java runtime has no java.desktop module");
        Path metrics = dir.resolve("metrics.jsonl"), png = dir.resolve("curves.png");
        Files.write(metrics, List.of(
                "{\"type\":\"step\",\"epoch\":0,\"step\":10,\"loss\":5.0}",
                "{\"type\":\"epoch\",\"epoch\":0,\"step\":10,\"loss\":4.5,\"lr\":0.3,\"knn_acc\":0.52,\"std\":0.1}",
                "{\"type\":\"epoch\",\"epoch\":1,\"step\":20,\"loss\":4.0,\"lr\":0.2,\"knn_acc\":null}",
                "{\"type\":\"epoch\",\"epoch\":1,\"step\":20,\"loss\":3.9,\"lr\":0.2,\"knn_acc\":0.61}",   // a resumed run rewrote epoch 1
                "{\"type\":\"epoch\",\"epoch\":2,\"step\":30,\"loss\":3.5,\"lr\":1.0E-4,\"knn_acc\":0.66}"));
        Map<String, double[]> m = CurvePlot.readEpochMetrics(metrics);
        assertArrayEquals(new double[] {0, 1, 2}, m.get("epoch"));
        assertArrayEquals(new double[] {4.5, 3.9, 3.5}, m.get("loss"));
        assertArrayEquals(new double[] {0.52, 0.61, 0.66}, m.get("knn_acc"));
        assertEquals(Double.NaN, m.get("std")[1]);

        CurvePlot.writeEpochCurves(metrics, png, "SimCLR test");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(36 + 2 * 320, img.getHeight());        // title + two panels: loss, accuracy
        assertFalse(Files.exists(dir.resolve("curves.png.tmp")));
        // something was drawn in each panel: not all white
        assertTrue(nonWhite(img, 0, 36, 900, 320) > 1000 && nonWhite(img, 0, 356, 900, 320) > 1000);
    }

    @Test
    void noEpochYetWritesNothing(@TempDir Path dir) throws IOException {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.write(metrics, List.of("{\"type\":\"step\",\"epoch\":0,\"step\":10,\"loss\":5.0}"));
        CurvePlot.writeEpochCurves(metrics, dir.resolve("curves.png"), "t");
        assertFalse(Files.exists(dir.resolve("curves.png")));
    }

    @Test
    void ticksAreRound() {
        double[] want = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
        List<Double> got = CurvePlot.ticks(0, 1);
        assertEquals(want.length, got.size(), got.toString());
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got.get(i), 1e-12);
        assertEquals(List.of(2.0, 4.0, 6.0, 8.0, 10.0), CurvePlot.ticks(1, 10));
    }

    private static int nonWhite(BufferedImage img, int x0, int y0, int w, int h) {
        int c = 0;
        for (int y = y0; y < y0 + h; y++) for (int x = x0; x < x0 + w; x++) if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) c++;
        return c;
    }
}
