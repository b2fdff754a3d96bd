package sslj.ssl.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.Sample;

/**
 * The labelled part of a semi-supervised run: a class-balanced, seeded choice of p% of the training
 * images (SimCLR and SimCLRv2 fine-tune on 1% and 10% of ImageNet's labels, class-balanced; we draw
 * round(p% of N / classes) images from every class, at least one).
 *
 * <p>The chosen indices are written to OUT/labels-&lt;p&gt;pct-seed&lt;s&gt;.txt (one index a line, sorted,
 * after a header comment) and read back when the file is there, so a run can be repeated on exactly the
 * same images, and other tools can use them.
 */
public final class LabelledSubset {
    private LabelledSubset() { }

    /** The file name for a percentage and seed: labels-1pct-seed42.txt, labels-0.5pct-seed1.txt. */
    public static String fileName(double percent, long seed) {
        String p = percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
        return "labels-" + p + "pct-seed" + seed + ".txt";
    }

    /** The labels of every image (read once; ArrayDataset without copying images). */
    public static int[] labels(Dataset d) {
        if (d instanceof ArrayDataset a) return a.labels();
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) y[i] = d.get(i).label();
        return y;
    }

    /** {@code percent}% of the indices, the same number from every class, chosen by {@code seed}; sorted. */
    public static int[] choose(int[] labels, int numClasses, double percent, long seed) {
        if (!(percent > 0 && percent <= 100)) throw new IllegalArgumentException("--labels-percent must be in (0, 100], got " + percent);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) throw new IllegalArgumentException("image " + i + " has label " + labels[i] + ", outside [0, " + numClasses + ")");
            byClass.get(labels[i]).add(i);
        }
        int perClass = (int) Math.max(1, Math.round(labels.length * percent / 100.0 / numClasses));
        Random rng = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            List<Integer> idx = byClass.get(c);
            if (idx.isEmpty()) continue;
            if (idx.size() < perClass) {
                throw new IllegalArgumentException("class " + c + " has " + idx.size() + " images, fewer than the " + perClass + " per class that "
                        + percent + "% needs (balanced subset)");
            }
            java.util.Collections.shuffle(idx, rng);
            chosen.addAll(idx.subList(0, perClass));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * The subset's indices: read from OUT/{@link #fileName} when present (checked against the dataset),
     * otherwise chosen and written there. The boolean of the result says which.
     */
    public static Chosen chooseOrRead(Dataset train, double percent, long seed, Path outDir) throws IOException {
        Path file = outDir.resolve(fileName(percent, seed));
        if (Files.isRegularFile(file)) return new Chosen(read(file, train.size()), file, true);
        int[] idx = choose(labels(train), train.numClasses(), percent, seed);
        write(file, idx, String.format(Locale.ROOT, "# %s%% of %s, class-balanced, seed %d: %d indices", fmt(percent), train.describe(), seed, idx.length));
        return new Chosen(idx, file, false);
    }

    /** Indices and where they live; {@code read} = they came from an existing file. */
    public record Chosen(int[] indices, Path file, boolean read) { }

    public static void write(Path file, int[] indices, String header) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i : indices) sb.append(i).append('\n');
        Files.writeString(file, sb);
    }

    /** Reads an index file: '#' lines are comments; each index must be in [0, size) and appear once. */
    public static int[] read(Path file, int size) throws IOException {
        List<Integer> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) continue;
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + lineNo + ": not an index: '" + t + "'");
            }
            if (v < 0 || v >= size) throw new IOException(file + ":" + lineNo + ": index " + v + " outside the training set [0, " + size + ")");
            out.add(v);
        }
        int[] idx = out.stream().mapToInt(Integer::intValue).toArray();
        if (Arrays.stream(idx).distinct().count() != idx.length) throw new IOException(file + ": an index appears twice");
        if (idx.length == 0) throw new IOException(file + ": no indices");
        return idx;
    }

    /** The images at {@code indices} of {@code d}, as a dataset (a view). */
    public static Dataset subset(Dataset d, int[] indices) {
        int[] idx = indices.clone();
        return new Dataset() {
            @Override public int size() { return idx.length; }
            @Override public Sample get(int i) { return d.get(idx[i]); }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public String describe() { return idx.length + " labelled images of " + d.describe(); }
        };
    }

    private static String fmt(double p) { return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p); }
}
