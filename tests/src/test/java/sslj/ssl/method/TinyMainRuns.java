package sslj.ssl.method;

import java.nio.file.Path;
import java.util.List;
import sslj.nn.Flatten;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.Sequential;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.data.Batch;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Fixtures for the methods built from a plain encoder {@link Module} (InstDisc, CLIP, SimCLRv2) and for
 * their mains run end to end: a Linear encoder on 1×8×8 images, batches that carry dataset indices
 * (memory-bank methods key on them), a tiny Fashion-MNIST-shaped dataset and fast main options.
 *
 * <p>Kept apart from {@link Tiny} on purpose: Tiny is the harness of the momentum/EMA methods built
 * from {@code Options} and an {@code Encoders.Backbone} factory (a conv–BN encoder so shuffle-BN
 * matters, a trainer step, EMA/no-grad assertions); its constants and {@code batch(n, seed)} differ
 * from these ({@code FEATURES} 6 vs 8, {@code batch(seed, indices...)}), and folding both into one
 * class would give two clashing {@code batch} overloads and two feature widths under one name.
 */
final class TinyMainRuns {
    private TinyMainRuns() { }

    static final int FEATURES = 8;

    /** [N, 1, 8, 8] → [N, 8]. */
    static Module encoder(Generator gen) { return new Sequential(new Flatten(), new Linear(64, FEATURES, gen)); }

    /** One view of random 8×8 images with the given dataset indices. */
    static Batch batch(long seed, int... indices) { return views(seed, 1, indices); }

    static Batch views(long seed, int views, int... indices) {
        Generator g = new Generator(seed);
        List<Tensor> v = new java.util.ArrayList<>();
        for (int i = 0; i < views; i++) v.add(Tensor.rand(g, indices.length, 1, 8, 8));
        float[] labels = new float[indices.length];
        for (int i = 0; i < labels.length; i++) labels[i] = indices[i] % 3;
        return new Batch(v, Tensor.of(labels, labels.length), indices, 0, 0);
    }

    /** n random 28×28 one-channel images, labels i mod 10 (a stand-in for Fashion-MNIST). */
    static ArrayDataset dataset(int n, long seed) {
        byte[] px = new byte[n * 28 * 28];
        new java.util.Random(seed).nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return new ArrayDataset(px, labels, 1, 28, 28, 10, "tiny random " + n);
    }

    /** Options for a fast end-to-end run: ResNet-18 width 2, one epoch, no worker threads. */
    static String[] fast(Path out, String... more) {
        String[] base = {"--epochs", "1", "--batch-size", "8", "--width", "2", "--workers", "0", "--out", out.toString(), "--log-every", "1000"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
