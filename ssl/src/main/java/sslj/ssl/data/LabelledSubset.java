package sslj.ssl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The labelled part of a semi-supervised run: a class-balanced, seeded subset of a training set (e.g.
 * 1% or 10% of the labels, SimCLRv2's and the semi-supervised literature's protocol), written to a
 * file so the same images can be used again and by others.
 *
 * <p>Selection: {@code perClass = max(1, round(fraction · size / classes))} images of every class (fewer
 * when a class has fewer), chosen by a seeded shuffle of that class's indices; returned in increasing
 * order. The same (labels, fraction, seed) always give the same indices.
 *
 * <p>File format (text): comment lines starting with '#', then one dataset index per line.
 */
public final class LabelledSubset {
    private LabelledSubset() { }

    /** The class-balanced subset of {@code dataset} (its labels are read once). */
    public static int[] select(Dataset dataset, double fraction, long seed) {
        int[] labels = new int[dataset.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = dataset.get(i).label();
        return select(labels, dataset.numClasses(), fraction, seed);
    }

    /** The class-balanced subset of indices into {@code labels}. */
    public static int[] select(int[] labels, int classes, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("LabelledSubset: fraction must be in (0, 1], got " + fraction);
        if (classes < 1) throw new IllegalArgumentException("LabelledSubset: need at least one class, got " + classes);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException("LabelledSubset: label " + labels[i] + " of image " + i + " is outside [0, " + classes + ")");
            byClass.get(labels[i]).add(i);
        }
        int perClass = (int) Math.max(1, Math.round(fraction * labels.length / classes));
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = byClass.get(c);
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + c);   // one stream per class
            for (int i = idx.size() - 1; i > 0; i--) {                           // Fisher–Yates
                int j = rng.nextInt(i + 1);
                Integer t = idx.get(i);
                idx.set(i, idx.get(j));
                idx.set(j, t);
            }
            chosen.addAll(idx.subList(0, Math.min(perClass, idx.size())));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Writes the indices, one per line, after a '#' line saying what they are. */
    public static void write(Path file, int[] indices, String description) throws IOException {
        StringBuilder sb = new StringBuilder("# ").append(description.replace('\n', ' ')).append('\n');
        for (int i : indices) sb.append(i).append('\n');
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, sb.toString());
    }

    /** Reads a file written by {@link #write}; a line that is not an index is an error naming it. */
    public static int[] read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int[] out = new int[lines.size()];
        int n = 0;
        for (int l = 0; l < lines.size(); l++) {
            String s = lines.get(l).trim();
            if (s.isEmpty() || s.startsWith("#")) continue;
            try {
                out[n++] = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (l + 1) + ": expected a dataset index, got '" + s + "'");
            }
        }
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
}
