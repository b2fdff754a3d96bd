package sslj.ssl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The labelled part of a semi-supervised run: a class-balanced, seeded subset of a training set. SimCLR
 * (Chen et al. 2020, §6 and appendix B.5) and SimCLRv2 (Chen et al. 2020b) fine-tune on 1% and 10% of
 * ImageNet's labels, class-balanced; here {@code perClass = max(1, round(fraction · N / classes))} images
 * of every class.
 *
 * <p>Selection: every non-empty class gives exactly {@code perClass} images (a class with fewer is an
 * error: the subset would not be balanced), chosen by a Fisher–Yates shuffle of that class's indices
 * with its own seeded stream, so one class's choice does not depend on the others. The result is sorted;
 * the same (labels, fraction, seed) always give the same indices.
 *
 * <p>File format (text, so other tools can use the same images): comment lines starting with '#', then
 * one dataset index per line. {@link #read} checks every line and names the file and line of a bad one.
 */
public final class LabelledSubset {
    private LabelledSubset() { }

    /** The file name {@link #chooseOrRead} uses for a percentage and seed: labels-1pct-seed42.txt, labels-0.5pct-seed1.txt. */
    public static String fileName(double percent, long seed) {
        return "labels-" + percentText(percent) + "pct-seed" + seed + ".txt";
    }

    /** The labels of every image (read once; an ArrayDataset without touching its images). */
    public static int[] labels(Dataset d) {
        if (d instanceof ArrayDataset a) return a.labels();
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) y[i] = d.get(i).label();
        return y;
    }

    /** The class-balanced subset of {@code dataset}, {@code fraction} in (0, 1] (0.01 and 0.1 in SimCLR). */
    public static int[] select(Dataset dataset, double fraction, long seed) {
        return select(labels(dataset), dataset.numClasses(), fraction, seed);
    }

    /** The class-balanced subset of indices into {@code labels}, sorted. */
    public static int[] select(int[] labels, int classes, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("LabelledSubset: fraction must be in (0, 1] (percent in (0, 100]), got " + fraction);
        if (classes < 1) throw new IllegalArgumentException("LabelledSubset: need at least one class, got " + classes);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException("LabelledSubset: image " + i + " has label " + labels[i] + ", outside [0, " + classes + ")");
            byClass.get(labels[i]).add(i);
        }
        int perClass = (int) Math.max(1, Math.round(fraction * labels.length / classes));
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = byClass.get(c);
            if (idx.isEmpty()) continue;
            if (idx.size() < perClass) {
                throw new IllegalArgumentException("LabelledSubset: class " + c + " has " + idx.size() + " images, fewer than the " + perClass
                        + " per class that " + percentText(100 * fraction) + "% needs (balanced subset)");
            }
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + c);   // one stream per class
            for (int i = idx.size() - 1; i > 0; i--) {                           // Fisher–Yates
                int j = rng.nextInt(i + 1);
                Integer t = idx.get(i);
                idx.set(i, idx.get(j));
                idx.set(j, t);
            }
            chosen.addAll(idx.subList(0, perClass));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Indices and where they live; {@code read} = they came from an existing file. */
    public record Chosen(int[] indices, Path file, boolean read) { }

    /**
     * The subset of {@code percent}% of {@code train}'s labels: read back from {@code dir}/{@link #fileName}
     * when that file exists (an edited file is what is used: the file is the record of the run), otherwise
     * {@link #select chosen} and written there.
     */
    public static Chosen chooseOrRead(Dataset train, double percent, long seed, Path dir) throws IOException {
        Path file = dir.resolve(fileName(percent, seed));
        if (Files.isRegularFile(file)) return new Chosen(read(file, train.size()), file, true);
        int[] idx = select(train, percent / 100.0, seed);
        write(file, idx, String.format(Locale.ROOT, "%s%% of %s, class-balanced, seed %d: %d indices", percentText(percent), train.describe(), seed, idx.length));
        return new Chosen(idx, file, false);
    }

    /** Writes the indices, one per line, after a '#' line with {@code description}. */
    public static void write(Path file, int[] indices, String description) throws IOException {
        StringBuilder sb = new StringBuilder("# ").append(description.replace('\n', ' ')).append('\n');
        for (int i : indices) sb.append(i).append('\n');
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, sb.toString());
    }

    /**
     * Reads a file written by {@link #write}: '#' lines and blank lines are skipped; every other line must
     * be an index in [0, size), each at most once, and there must be at least one. Errors name the file
     * and the line.
     */
    public static int[] read(Path file, int size) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int[] out = new int[lines.size()];
        boolean[] seen = new boolean[size];
        int n = 0;
        for (int l = 0; l < lines.size(); l++) {
            String s = lines.get(l).trim();
            if (s.isEmpty() || s.startsWith("#")) continue;
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (l + 1) + ": not an index: '" + s + "'");
            }
            if (v < 0 || v >= size) throw new IOException(file + " line " + (l + 1) + ": index " + v + " outside the training set [0, " + size + ")");
            if (seen[v]) throw new IOException(file + " line " + (l + 1) + ": index " + v + " appears twice");
            seen[v] = true;
            out[n++] = v;
        }
        if (n == 0) throw new IOException(file + ": no indices");
        return Arrays.copyOf(out, n);
    }

    /** The samples {@code indices} of {@code d}, a view (nothing copied). */
    public static Dataset subset(Dataset d, int[] indices, String description) {
        for (int i : indices) {
            if (i < 0 || i >= d.size()) throw new IllegalArgumentException("subset: index " + i + " outside [0, " + d.size() + ") of " + d.describe());
        }
        int[] idx = indices.clone();
        return new Dataset() {
            @Override public int size() { return idx.length; }
            @Override public Sample get(int index) { return d.get(idx[index]); }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public String describe() { return description + " (" + idx.length + " of " + d.describe() + ")"; }
        };
    }

    private static String percentText(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
