package sslj.ssl.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Training curves of several runs side by side, drawn with Java2D (headless: no display needed):
 * left panel the training loss by epoch, right panel the accuracy by epoch (test solid, train dashed),
 * one colour per run. What finetune-vs-scratch.png shows.
 */
public final class CurvePlot {
    private static final Color[] COLOURS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD)};
    private static final int PANEL_W = 520, PANEL_H = 380, MARGIN = 56, HEADER = 64;

    private CurvePlot() { }

    /** Writes a PNG of {@code curves} to {@code file}. */
    public static void write(Path file, String title, List<FineTune.Curve> curves) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(2 * PANEL_W, PANEL_H + HEADER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, MARGIN, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int lx = MARGIN;
        for (int ci = 0; ci < curves.size(); ci++) {             // legend: one entry per run, with its final test accuracy
            FineTune.Curve c = curves.get(ci);
            g.setColor(COLOURS[ci % COLOURS.length]);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(lx, 44, lx + 24, 44);
            g.setColor(Color.BLACK);
            String label = String.format(Locale.ROOT, "%s: final test %.2f%%", c.name(), 100 * c.finalTestAccuracy());
            g.drawString(label, lx + 30, 49);
            lx += 30 + g.getFontMetrics().stringWidth(label) + 40;
        }
        g.setStroke(new BasicStroke(1f));
        double maxLoss = 0;
        for (FineTune.Curve c : curves) for (FineTune.Epoch e : c.epochs()) maxLoss = Math.max(maxLoss, e.loss());
        panel(g, 0, HEADER, "training loss", curves, FineTune.Epoch::loss, null, 0, niceCeil(maxLoss), false);
        panel(g, PANEL_W, HEADER, "accuracy (test solid, train dashed)", curves, FineTune.Epoch::testAccuracy, FineTune.Epoch::trainAccuracy, 0, 1, true);
        g.dispose();
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, String name, List<FineTune.Curve> curves, ToDoubleFunction<FineTune.Epoch> solid,
                              ToDoubleFunction<FineTune.Epoch> dashed, double lo, double hi, boolean percent) {
        int left = x0 + MARGIN, right = x0 + PANEL_W - 16, top = y0 + 24, bottom = y0 + PANEL_H - MARGIN + 10;
        int maxEpochs = 1;
        for (FineTune.Curve c : curves) maxEpochs = Math.max(maxEpochs, c.epochs().size());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(name, left, top - 8);
        // axes and grid
        for (int i = 0; i <= 5; i++) {
            double v = lo + (hi - lo) * i / 5;
            int y = bottom - (int) Math.round((bottom - top) * (double) i / 5);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = percent ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : String.format(Locale.ROOT, "%.2f", v);
            g.drawString(label, left - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        int ticks = Math.min(maxEpochs, 10);
        for (int i = 0; i <= ticks; i++) {
            int ep = (int) Math.round((double) maxEpochs * i / ticks);
            int x = left + (int) Math.round((right - left) * (double) ep / maxEpochs);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, bottom, x, bottom + 4);
            String label = Integer.toString(ep);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 17);
        }
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 33);
        g.setColor(Color.BLACK);
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        // curves: epoch e's value at x = e + 1 (after the epoch)
        for (int ci = 0; ci < curves.size(); ci++) {
            FineTune.Curve c = curves.get(ci);
            g.setColor(COLOURS[ci % COLOURS.length]);
            line(g, c, solid, left, right, top, bottom, lo, hi, maxEpochs, new BasicStroke(2f));
            if (dashed != null) {
                line(g, c, dashed, left, right, top, bottom, lo, hi, maxEpochs,
                        new BasicStroke(1.3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void line(Graphics2D g, FineTune.Curve c, ToDoubleFunction<FineTune.Epoch> f, int left, int right, int top, int bottom,
                             double lo, double hi, int maxEpochs, BasicStroke stroke) {
        g.setStroke(stroke);
        int px = -1, py = -1;
        for (FineTune.Epoch e : c.epochs()) {
            double v = Math.max(lo, Math.min(hi, f.applyAsDouble(e)));
            int x = left + (int) Math.round((right - left) * (double) (e.epoch() + 1) / maxEpochs);
            int y = bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
            if (px >= 0) g.drawLine(px, py, x, y);
            g.fillOval(x - 2, y - 2, 5, 5);
            px = x;
            py = y;
        }
    }

    /** A round upper bound for an axis (1, 2, 2.5, 5 × 10^k). */
    static double niceCeil(double v) {
        if (!(v > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
