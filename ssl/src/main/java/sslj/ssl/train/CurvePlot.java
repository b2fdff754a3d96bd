package sslj.ssl.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Line charts as PNG with Java2D, headless (no display needed): stacked panels, each with its own
 * y axis, labelled axes and a legend. The training mains write OUT/curves.png after every epoch
 * ({@link #writeEpochCurves}: the loss, and every "*acc" metric, by epoch) from metrics.jsonl, so a
 * resumed run plots its whole history.
 * <pre>
 *   CurvePlot.write(png, "linear probe", "epoch", List.of(
 *       new CurvePlot.Panel("accuracy", List.of(new CurvePlot.Series("top-1", xs, ys)))));
 * </pre>
 */
public final class CurvePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private CurvePlot() { }

    /** One line: points (x[i], y[i]); NaN y values are skipped. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("CurvePlot.Series " + name + ": " + x.length + " x values but " + y.length + " y values");
        }
    }

    /** One chart: a y-axis label and its lines. */
    public record Panel(String yLabel, List<Series> series) { }

    private static final int WIDTH = 900, PANEL_HEIGHT = 320, TITLE_HEIGHT = 36, LEFT = 80, RIGHT = 30, TOP = 14, BOTTOM = 48;
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
            new Color(255, 127, 14), new Color(148, 103, 189), new Color(140, 86, 75)};

    /** Draws the panels one under the other and writes a PNG. */
    public static void write(Path png, String title, String xLabel, List<Panel> panels) throws IOException {
        if (panels.isEmpty()) throw new IllegalArgumentException("CurvePlot: nothing to plot");
        int height = TITLE_HEIGHT + panels.size() * PANEL_HEIGHT;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            centred(g, title, WIDTH / 2, 24);
            for (int p = 0; p < panels.size(); p++) drawPanel(g, panels.get(p), xLabel, TITLE_HEIGHT + p * PANEL_HEIGHT);
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("CurvePlot: no PNG writer in this JVM");
        Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drawPanel(Graphics2D g, Panel panel, String xLabel, int y0) {
        int x1 = LEFT, x2 = WIDTH - RIGHT, yTop = y0 + TOP, yBottom = y0 + PANEL_HEIGHT - BOTTOM;
        double[] xr = range(panel, true), yr = range(panel, false);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // grid and ticks
        for (double t : ticks(yr[0], yr[1])) {
            int y = (int) Math.round(map(t, yr[0], yr[1], yBottom, yTop));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x1, y, x2, y);
            g.setColor(Color.BLACK);
            String s = label(t);
            g.drawString(s, x1 - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        boolean wholeX = panel.series().stream().allMatch(ser -> java.util.Arrays.stream(ser.x()).allMatch(v -> v == Math.rint(v)));
        for (double t : ticks(xr[0], xr[1])) {
            if (wholeX && t != Math.rint(t)) continue;   // epochs: no tick at 1.5
            int x = (int) Math.round(map(t, xr[0], xr[1], x1, x2));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, yTop, x, yBottom);
            g.setColor(Color.BLACK);
            centred(g, label(t), x, yBottom + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x1, yTop, x2 - x1, yBottom - yTop);
        centred(g, xLabel, (x1 + x2) / 2, yBottom + 34);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centred(g, panel.yLabel(), -(yTop + yBottom) / 2, 22);
        g.setTransform(saved);
        // lines, points and the legend (right-aligned inside the frame, as wide as its longest entry, in the
        // right-hand corner, top or bottom, that the curves cross less: rising accuracies leave the bottom free)
        int widest = 0;
        for (Series ser : panel.series()) widest = Math.max(widest, fm.stringWidth(legendText(ser)));
        int lx = legendX(x1, x2, widest), legendH = 16 * panel.series().size();
        int[] frame = {x1, yTop, x2, yBottom};
        int topCovered = covered(panel, xr, yr, frame, lx, yTop + 4, legendH);
        int bottomCovered = covered(panel, xr, yr, frame, lx, yBottom - 4 - legendH, legendH);
        int legendY = (bottomCovered < topCovered ? yBottom - 4 - legendH : yTop + 4) + 14;
        for (int s = 0; s < panel.series().size(); s++) {
            Series ser = panel.series().get(s);
            Color c = PALETTE[s % PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            int px = Integer.MIN_VALUE, py = 0;
            for (int i = 0; i < ser.x().length; i++) {
                if (!Double.isFinite(ser.y()[i])) continue;
                int x = (int) Math.round(map(ser.x()[i], xr[0], xr[1], x1, x2)), y = (int) Math.round(map(ser.y()[i], yr[0], yr[1], yBottom, yTop));
                if (px != Integer.MIN_VALUE) g.drawLine(px, py, x, y);
                g.fillOval(x - 3, y - 3, 7, 7);
                px = x;
                py = y;
            }
            g.setStroke(new BasicStroke(1f));
            g.drawLine(lx, legendY - 4, lx + 24, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(legendText(ser), lx + 30, legendY);
            legendY += 16;
        }
    }

    /**
     * How many points of the panel's curves, sampled every 4 px along each segment, fall in the legend box
     * [lx, frame's right] × [boxTop, boxTop + boxH]; frame = {x1, yTop, x2, yBottom} in pixels.
     */
    static int covered(Panel panel, double[] xr, double[] yr, int[] frame, int lx, int boxTop, int boxH) {
        int n = 0;
        for (Series ser : panel.series()) {
            double px = Double.NaN, py = Double.NaN;
            for (int i = 0; i < ser.x().length; i++) {
                if (!Double.isFinite(ser.y()[i])) continue;
                double x = map(ser.x()[i], xr[0], xr[1], frame[0], frame[2]), y = map(ser.y()[i], yr[0], yr[1], frame[3], frame[1]);
                int steps = Double.isNaN(px) ? 0 : (int) Math.ceil(Math.hypot(x - px, y - py) / 4);
                for (int k = Double.isNaN(px) ? 0 : 1; k <= steps; k++) {
                    double sx = steps == 0 ? x : px + (x - px) * k / steps, sy = steps == 0 ? y : py + (y - py) * k / steps;
                    if (sx >= lx && sx <= frame[2] && sy >= boxTop && sy <= boxTop + boxH) n++;
                }
                px = x;
                py = y;
            }
        }
        return n;
    }

    private static String legendText(Series ser) {
        String last = lastFinite(ser.y());
        return ser.name() + (last.isEmpty() ? "" : " (last " + last + ")");
    }

    /**
     * Where a legend whose longest text is {@code widest} px starts: its line sample (30 px) and text end
     * 8 px inside the right edge x2, but it never starts left of x1 + 8 (a very long name is then cut by
     * the image edge rather than drawn over the y axis).
     */
    static int legendX(int x1, int x2, int widest) {
        return Math.max(x1 + 8, x2 - 8 - 30 - widest);
    }

    /** [min, max] of x or of the finite y values, widened when flat or empty. */
    private static double[] range(Panel p, boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : p.series()) {
            for (int i = 0; i < s.x().length; i++) {
                double v = x ? s.x()[i] : s.y()[i];
                if (!Double.isFinite(s.y()[i]) || !Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) return new double[] {0, 1};
        if (hi - lo < 1e-12) return new double[] {lo - Math.max(0.5, Math.abs(lo) * 0.05), hi + Math.max(0.5, Math.abs(hi) * 0.05)};
        double pad = x ? 0 : (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    /** About five round tick values between lo and hi. */
    static List<Double> ticks(double lo, double hi) {
        double raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / mag;
        double step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        return out;
    }

    private static double map(double v, double lo, double hi, double a, double b) { return a + (v - lo) / (hi - lo) * (b - a); }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }

    private static String lastFinite(double[] y) {
        for (int i = y.length - 1; i >= 0; i--) if (Double.isFinite(y[i])) return String.format(Locale.ROOT, "%.4g", y[i]);
        return "";
    }

    private static void centred(Graphics2D g, String s, int x, int y) { g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y); }

    // ---------------------------------------------------------------- training curves from metrics.jsonl

    private static final Pattern FIELD = Pattern.compile("\"([A-Za-z0-9_]+)\":(\"[^\"]*\"|[-+0-9.eE]+|null|true|false)");

    /**
     * The numeric fields of the "epoch" records of a metrics.jsonl ({@link TrainLog}), by name, in
     * epoch order (a later record of the same epoch — a resumed run — replaces an earlier one);
     * null becomes NaN; a field missing from some epochs is NaN there.
     */
    public static Map<String, double[]> readEpochMetrics(Path metricsJsonl) throws IOException {
        TreeMap<Integer, Map<String, Double>> byEpoch = new TreeMap<>();
        for (String line : Files.readAllLines(metricsJsonl)) {
            if (!line.contains("\"type\":\"epoch\"")) continue;
            Map<String, Double> rec = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String v = m.group(2);
                if (v.startsWith("\"") || v.equals("true") || v.equals("false")) continue;
                rec.put(m.group(1), v.equals("null") ? Double.NaN : Double.parseDouble(v));
            }
            if (rec.containsKey("epoch")) byEpoch.put(rec.get("epoch").intValue(), rec);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = byEpoch.size(), i = 0;
        for (Map<String, Double> rec : byEpoch.values()) {
            for (Map.Entry<String, Double> e : rec.entrySet()) {
                double[] col = out.computeIfAbsent(e.getKey(), k -> { double[] a = new double[n]; java.util.Arrays.fill(a, Double.NaN); return a; });
                col[i] = e.getValue();
            }
            i++;
        }
        return out;
    }

    /**
     * OUT/curves.png from OUT/metrics.jsonl: a "loss" panel (training loss by epoch) and, when there
     * are any, an "accuracy" panel with every metric whose name ends in "acc" (knn_acc, test_acc, ...).
     * Epochs are counted from 1.
     */
    public static void writeEpochCurves(Path metricsJsonl, Path png, String title) throws IOException {
        Map<String, double[]> m = readEpochMetrics(metricsJsonl);
        double[] epochs = m.get("epoch");
        if (epochs == null) return;   // no epoch finished yet
        double[] x = epochs.clone();
        for (int i = 0; i < x.length; i++) x[i] += 1;
        List<Panel> panels = new ArrayList<>();
        if (m.containsKey("loss")) panels.add(new Panel("training loss", List.of(new Series("loss", x, m.get("loss")))));
        List<Series> acc = new ArrayList<>();
        m.forEach((k, v) -> { if (k.endsWith("acc")) acc.add(new Series(k, x, v)); });
        if (!acc.isEmpty()) panels.add(new Panel("accuracy", acc));
        if (!panels.isEmpty()) write(png, title, "epoch", panels);
    }
}
