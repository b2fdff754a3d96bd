package sslj.bench.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import sslj.ssl.train.CurvePlot;
import sslj.tensor.Tensor;

/**
 * Draws the figures of the guided tour (docs/tour/figures/*.png) with Java2D, headless, so that no
 * figure is a hand-drawn binary without a source. Run from the repository root:
 * <pre>
 *   mvn -B -q -pl bench -am package -DskipTests
 *   java -Djava.awt.headless=true -cp bench/target/benchmarks.jar sslj.bench.figures.TourFigures docs/tour/figures
 * </pre>
 * <ul>
 *   <li>tensor-strides.png: a 2×3 tensor's storage and three views of it (itself, its transpose, a
 *       narrowed view); every shape, stride and offset printed is read from a real {@link Tensor}.</li>
 *   <li>gemm-gflops.png: SGEMM GFLOP/s by size and thread count, the quiet-machine rerun of
 *       bench/RESULTS.md ("CPU rerun on a quiet machine", 2026-11-22), with the measured FMA peaks.</li>
 *   <li>nt-xent-tiling.png: the fused NT-Xent forward: a block of rows against streamed column tiles,
 *       an online (max, sum) per row, the saved log-sum-exp.</li>
 *   <li>ssl-knn-by-epoch.png: the kNN monitor by epoch of three families' methods in real runs (SimCLR,
 *       MoCo v2, BYOL; ResNet-18 width 32 on an H100, all of Fashion-MNIST), beside the raw-pixel and
 *       random-encoder baselines: bench/RESULTS.md, "GPU runs 14–16", run 15. Drawn with the trainer's own
 *       {@link CurvePlot}.</li>
 * </ul>
 */
public final class TourFigures {
    private static final Color INK = new Color(30, 30, 30), GRID = new Color(200, 200, 200),
            BLUE = new Color(70, 120, 200), ORANGE = new Color(230, 140, 40), GREEN = new Color(80, 160, 90),
            PALE_BLUE = new Color(215, 228, 248), PALE_ORANGE = new Color(252, 226, 196), PALE_GREEN = new Color(214, 238, 214);

    private TourFigures() { }

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : "docs/tour/figures");
        if (!dir.isDirectory() && !dir.mkdirs()) throw new IOException("cannot create " + dir);
        write(strides(), new File(dir, "tensor-strides.png"));
        write(gemm(), new File(dir, "gemm-gflops.png"));
        write(ntXent(), new File(dir, "nt-xent-tiling.png"));
        sslKnnByEpoch(new File(dir, "ssl-knn-by-epoch.png"));
    }

    // bench/RESULTS.md, GPU run 15: kNN monitor (%) after each epoch, batch 512, the three side by side
    // (SimCLR and MoCo v2 50 epochs, BYOL 32).
    private static final double[] SIMCLR_KNN = {76.3, 78.0, 79.4, 80.6, 80.6, 81.9, 82.0, 82.2, 82.1, 82.5, 82.7,
        83.0, 82.8, 82.9, 83.1, 83.1, 82.8, 83.4, 83.4, 83.5, 83.7, 83.7, 83.9, 83.7, 83.6, 83.9, 83.7, 84.0, 84.0,
        84.2, 84.2, 84.1, 84.1, 84.3, 84.2, 84.3, 84.2, 84.4, 84.1, 84.4, 84.3, 84.2, 84.3, 84.2, 84.3, 84.3, 84.2,
        84.2, 84.3, 84.2};
    private static final double[] MOCO_V2_KNN = {76.7, 76.9, 78.1, 78.8, 79.6, 80.4, 81.0, 81.5, 81.8, 81.9, 82.3,
        82.5, 82.0, 82.4, 82.5, 82.6, 82.5, 82.7, 82.6, 83.5, 83.3, 83.2, 83.3, 83.5, 83.4, 83.4, 83.6, 83.6, 83.8,
        83.8, 83.9, 83.9, 84.1, 84.1, 84.1, 83.9, 84.1, 84.0, 84.3, 84.5, 84.3, 84.3, 84.2, 84.4, 84.4, 84.4, 84.3,
        84.3, 84.3, 84.2};
    private static final double[] BYOL_KNN = {68.6, 69.3, 72.5, 75.4, 77.2, 78.4, 78.8, 79.5, 80.4, 80.8, 81.5,
        81.7, 82.3, 82.7, 82.4, 82.9, 83.0, 83.0, 83.2, 83.3, 83.4, 83.5, 83.7, 83.5, 83.4, 83.6, 83.7, 83.7, 83.7,
        83.7, 83.7, 83.7};
    private static final double RAW_PIXELS_KNN = 81.77, RANDOM_W32_KNN = 75.69;

    private static void sslKnnByEpoch(File png) throws IOException {
        java.util.List<CurvePlot.Series> series = java.util.List.of(
                byEpoch("SimCLR (in-batch negatives)", SIMCLR_KNN),
                byEpoch("MoCo v2 (momentum encoder + queue)", MOCO_V2_KNN),
                byEpoch("BYOL (momentum encoder, no negatives)", BYOL_KNN),
                flat("raw pixels", RAW_PIXELS_KNN, SIMCLR_KNN.length),
                flat("random-init encoder", RANDOM_W32_KNN, SIMCLR_KNN.length));
        CurvePlot.write(png.toPath(), "kNN accuracy by epoch: ResNet-18 w32 on Fashion-MNIST (60,000 images, H100)", "epoch",
                java.util.List.of(new CurvePlot.Panel("kNN accuracy (%), k = 200", series)));
        System.out.println("wrote " + png);
    }

    private static CurvePlot.Series byEpoch(String name, double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return new CurvePlot.Series(name, x, y);
    }

    private static CurvePlot.Series flat(String name, double v, int epochs) {
        return new CurvePlot.Series(name, new double[] {1, epochs}, new double[] {v, v});
    }

    private static void write(BufferedImage img, File f) throws IOException {
        if (!ImageIO.write(img, "png", f)) throw new IOException("no PNG writer for " + f);
        System.out.println("wrote " + f + " (" + img.getWidth() + "x" + img.getHeight() + ")");
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        return g;
    }

    private static void box(Graphics2D g, int x, int y, int w, int h, Color fill, String text) {
        g.setColor(fill);
        g.fillRect(x, y, w, h);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect(x, y, w, h);
        centre(g, text, x + w / 2, y + h / 2);
    }

    private static void centre(Graphics2D g, String s, int cx, int cy) {
        var fm = g.getFontMetrics();
        g.drawString(s, cx - fm.stringWidth(s) / 2, cy + fm.getAscent() / 2 - 2);
    }

    // ------------------------------------------------------------------ 1: storage, strides, views

    static BufferedImage strides() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor[] views = {x, x.t(), x.narrow(1, 1, 2)};
        String[] names = {"x = Tensor.of(0..5, 2, 3)", "x.t()", "x.narrow(1, 1, 2)"};
        Color[] fills = {PALE_BLUE, PALE_ORANGE, PALE_GREEN};
        BufferedImage img = new BufferedImage(1000, 520, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 17f));
        g.drawString("One storage, three views: element (i, j) lives at offset + i·stride[0] + j·stride[1]", 30, 34);
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 15f));
        g.drawString("storage (6 floats, shared by every view)", 30, 70);
        int cell = 56;
        for (int k = 0; k < 6; k++) {
            box(g, 30 + k * cell, 80, cell, 40, Color.WHITE, String.valueOf(k));
            g.drawString("[" + k + "]", 30 + k * cell + 18, 140);
        }
        int y0 = 190;
        for (int v = 0; v < views.length; v++) {
            Tensor t = views[v];
            int[] s = t.shape(), st = t.strides();
            int x0 = 30 + v * 325;
            g.setFont(g.getFont().deriveFont(Font.BOLD, 15f));
            g.drawString(names[v], x0, y0);
            g.setFont(g.getFont().deriveFont(Font.PLAIN, 14f));
            g.drawString("shape " + Arrays.toString(s) + "  strides " + Arrays.toString(st) + "  offset " + t.offset(), x0, y0 + 22);
            g.drawString(t.isContiguous() ? "contiguous" : "not contiguous (a view, nothing copied)", x0, y0 + 42);
            for (int i = 0; i < s[0]; i++) {
                for (int j = 0; j < s[1]; j++) {
                    int addr = t.offset() + i * st[0] + j * st[1];
                    box(g, x0 + j * cell, y0 + 60 + i * 50, cell, 44, fills[v], String.valueOf((int) t.get(i, j)));
                    g.setFont(g.getFont().deriveFont(10f));
                    g.drawString("@" + addr, x0 + j * cell + 3, y0 + 60 + i * 50 + 12);
                    g.setFont(g.getFont().deriveFont(14f));
                }
            }
        }
        g.drawString("Numbers in the boxes are the values; @k is the storage index the view reads.", 30, 500);
        g.dispose();
        return img;
    }

    // ------------------------------------------------------------------ 2: GEMM GFLOP/s

    /** bench/RESULTS.md, "CPU rerun on a quiet machine — 2026-11-22 12:46–12:52 UTC". */
    static final int[] SIZES = {256, 512, 1024, 2048};
    static final double[] ONE_THREAD = {205, 216, 202, 188}, TWO_THREADS = {223, 368, 404, 373};
    static final double PEAK_ONE = 265, PEAK_TWO = 516;

    static BufferedImage gemm() {
        int w = 1040, h = 540, left = 80, right = 190, top = 80, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 17f));
        g.drawString("SGEMM C = A·B (n×n, float32), GFLOP/s — AMD EPYC Zen 5, 2 cores, AVX-512", left, 34);
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 14f));
        g.drawString("bench/RESULTS.md, \"CPU rerun on a quiet machine\" (JMH GemmBench, 2026-11-22)", left, 56);
        double max = 560;
        int plotH = h - top - bottom, plotW = w - left - right;
        for (int v = 0; v <= 500; v += 100) {
            int y = top + plotH - (int) (v / max * plotH);
            g.setColor(GRID);
            g.drawLine(left, y, w - right, y);
            g.setColor(INK);
            g.drawString(String.valueOf(v), left - 40, y + 5);
        }
        peakLine(g, PEAK_ONE, "FMA peak, 1 core: " + (int) PEAK_ONE, left, w - right, top, plotH, max, BLUE);
        peakLine(g, PEAK_TWO, "FMA peak, 2 cores: " + (int) PEAK_TWO, left, w - right, top, plotH, max, ORANGE);
        int group = plotW / SIZES.length, bar = group / 4;
        for (int i = 0; i < SIZES.length; i++) {
            int gx = left + i * group + group / 4;
            bar(g, gx, bar, ONE_THREAD[i], top, plotH, max, BLUE);
            bar(g, gx + bar + 6, bar, TWO_THREADS[i], top, plotH, max, ORANGE);
            g.setColor(INK);
            centre(g, "n = " + SIZES[i], gx + bar, top + plotH + 20);
        }
        g.setColor(BLUE);
        g.fillRect(left, h - 32, 14, 14);
        g.setColor(INK);
        g.drawString("one thread (-Dsslj.threads=1)", left + 20, h - 20);
        g.setColor(ORANGE);
        g.fillRect(left + 300, h - 32, 14, 14);
        g.setColor(INK);
        g.drawString("both cores", left + 320, h - 20);
        g.dispose();
        return img;
    }

    private static void peakLine(Graphics2D g, double v, String label, int x0, int x1, int top, int plotH, double max, Color c) {
        int y = top + plotH - (int) (v / max * plotH);
        g.setColor(c);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 5f}, 0f));
        g.drawLine(x0, y, x1, y);
        g.setStroke(new BasicStroke(1f));
        g.drawString(label, x1 + 8, y + 5);
    }

    private static void bar(Graphics2D g, int x, int width, double v, int top, int plotH, double max, Color c) {
        int hgt = (int) (v / max * plotH);
        g.setColor(c);
        g.fillRect(x, top + plotH - hgt, width, hgt);
        g.setColor(INK);
        centre(g, String.valueOf((int) v), x + width / 2, top + plotH - hgt - 10);
    }

    // ------------------------------------------------------------------ 3: NT-Xent tiling

    static BufferedImage ntXent() {
        BufferedImage img = new BufferedImage(1210, 640, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 17f));
        g.drawString("Fused NT-Xent forward: S = Z·Zᵀ/τ is never stored; each row block streams the column tiles", 30, 34);
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 14f));
        int x0 = 200, y0 = 90, n = 8, cell = 56;               // 2N drawn as 8 tiles of rows and of columns
        int rowBlock = 3;                                       // the highlighted row block
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Color fill = i == rowBlock ? (j < 5 ? PALE_ORANGE : j == 5 ? ORANGE : Color.WHITE) : new Color(245, 245, 245);
                g.setColor(fill);
                g.fillRect(x0 + j * cell, y0 + i * cell, cell, cell);
                g.setColor(GRID);
                g.drawRect(x0 + j * cell, y0 + i * cell, cell, cell);
            }
        }
        g.setColor(INK);
        g.setStroke(new BasicStroke(2.5f));
        g.drawRect(x0, y0 + rowBlock * cell, n * cell, cell);
        g.setStroke(new BasicStroke(1f));
        g.setColor(new Color(150, 150, 150));
        for (int i = 0; i < n; i++) g.drawLine(x0 + i * cell + 4, y0 + i * cell + 4, x0 + (i + 1) * cell - 4, y0 + (i + 1) * cell - 4);
        g.setColor(INK);
        g.drawString("2N columns j (all views), in tiles", x0 + 60, y0 - 12);
        g.rotate(-Math.PI / 2);
        g.drawString("2N rows i", -(y0 + 2 * cell + 30), x0 - 14);
        g.rotate(Math.PI / 2);
        g.drawString("row block", x0 - 150, y0 + rowBlock * cell + 24);
        g.drawString("(z_i in fast memory)", x0 - 150, y0 + rowBlock * cell + 42);
        g.drawString("tiles already seen", x0 + 60, y0 + (rowBlock + 1) * cell + 18);
        g.drawString("current tile z_j", x0 + 5 * cell - 10, y0 + (rowBlock + 1) * cell + 36);
        g.drawString("diagonal (i = j) masked out", x0 + 10, y0 + n * cell + 24);
        g.drawString("GPU: 64 rows per block, 64-column tiles; CPU: 64-row blocks, 128-column tiles", x0 - 150, y0 + n * cell + 48);

        int rx = x0 + n * cell + 60;
        g.setFont(g.getFont().deriveFont(Font.BOLD, 15f));
        g.drawString("per row i, for each tile (online log-sum-exp):", rx, y0 + 10);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
        String[] steps = {
            "s_ij  = z_i · z_j / τ      (j ≠ i)",
            "m'    = max(m, max_j s_ij)",
            "S     = S·exp(m − m') + Σ_j exp(s_ij − m')",
            "m     = m'",
            "keep s_i,pos (the other view of i)",
        };
        for (int k = 0; k < steps.length; k++) g.drawString(steps[k], rx, y0 + 40 + 24 * k);
        g.setFont(g.getFont().deriveFont(Font.BOLD, 15f).deriveFont(Font.BOLD));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("after the last tile:", rx, y0 + 190);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
        g.drawString("lse_i  = m + log S      (saved: 2N floats)", rx, y0 + 216);
        g.drawString("loss_i = lse_i − s_i,pos", rx, y0 + 240);

        int bx = rx, by = y0 + 280;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < n; i++) box(g, bx, by + i * 22, 60, 22, i == rowBlock ? ORANGE : PALE_GREEN, "");
        g.setColor(INK);
        g.drawString("saved lse [2N]", bx + 72, by + 16);
        g.drawString("backward recomputes each tile of S", bx + 72, by + 56);
        g.drawString("from Z and lse: softmax_ij = exp(s_ij − lse_i),", bx + 72, by + 76);
        g.drawString("so memory stays O(N·D), never O(N²).", bx + 72, by + 96);
        g.dispose();
        return img;
    }
}
