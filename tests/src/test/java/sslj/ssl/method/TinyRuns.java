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

/** Small fixtures for the method tests: an MLP encoder on 1×8×8 images, batches, a tiny dataset. */
final class TinyRuns {
    private TinyRuns() { }

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

    static double[] rows(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
