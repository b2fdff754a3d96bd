package sslj.ssl.data;

import java.util.Arrays;

/**
 * An in-memory dataset of equal-size 8-bit images: pixels kept as bytes (a quarter of the memory of
 * floats: 60000 Fashion-MNIST images are 47 MB), turned into floats in [0, 1] by {@code get}
 * (value / 255, as torchvision's ToTensor). Every reader here produces one.
 */
public final class ArrayDataset implements Dataset {
    private final byte[] pixels;
    private final int[] labels;
    private final int channels, height, width, numClasses;
    private final String description;

    /**
     * @param pixels n images of channels × height × width bytes each, CHW order, back to back
     * @param labels n labels in [0, numClasses)
     */
    public ArrayDataset(byte[] pixels, int[] labels, int channels, int height, int width, int numClasses, String description) {
        long per = (long) channels * height * width;
        if (per <= 0) throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        if (pixels.length != per * labels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes do not hold " + labels.length + " images of " + per + " bytes");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, " + numClasses + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.description = description;
    }

    @Override public int size() { return labels.length; }

    @Override public int numClasses() { return numClasses; }

    @Override public String describe() { return description; }

    /** The same images and labels (shared, not copied) under another description. */
    public ArrayDataset withDescription(String newDescription) {
        return new ArrayDataset(pixels, labels, channels, height, width, numClasses, newDescription);
    }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }

    public int label(int index) { return labels[check(index)]; }

    /** All labels, in order (a copy). */
    public int[] labels() { return labels.clone(); }

    /** The raw bytes of image {@code index} (a copy). */
    public byte[] rawImage(int index) {
        int per = channels * height * width;
        return Arrays.copyOfRange(pixels, check(index) * per, (index + 1) * per);
    }

    @Override
    public Sample get(int index) {
        int per = channels * height * width;
        int base = check(index) * per;
        float[] data = new float[per];
        for (int i = 0; i < per; i++) data[i] = (pixels[base + i] & 0xFF) / 255f;
        return new Sample(new Image(data, channels, height, width), labels[index]);
    }

    private int check(int index) {
        if (index < 0 || index >= labels.length) throw new IndexOutOfBoundsException("index " + index + " outside [0, " + labels.length + ") of " + description);
        return index;
    }
}
