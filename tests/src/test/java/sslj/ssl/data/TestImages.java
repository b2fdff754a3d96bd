package sslj.ssl.data;

import sslj.tensor.Generator;

/** Small helpers shared by the data tests. */
final class TestImages {
    private TestImages() { }

    /** A random image with values in [0, 1). */
    static Image random(int c, int h, int w, long seed) {
        Generator g = new Generator(seed);
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) d[i] = g.nextFloat();
        return new Image(d, c, h, w);
    }

    /** An in-memory dataset of n random c × h × w byte images, label = index mod classes. */
    static ArrayDataset dataset(int n, int c, int h, int w, int classes) {
        Generator g = new Generator(123);
        byte[] px = new byte[n * c * h * w];
        for (int i = 0; i < px.length; i++) px[i] = (byte) g.nextInt(256);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % classes;
        return new ArrayDataset(px, labels, c, h, w, classes, "random test images");
    }
}
