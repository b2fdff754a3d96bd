package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * Zero-pads the image by {@code padding} pixels on every side, then cuts a random
 * {@code size × size} window out of it (torchvision.transforms.RandomCrop(size, padding)): the
 * classic augmentation of supervised CIFAR training (He et al. 2016, section 4.2, padding 4 on 32×32).
 * The window's corner is uniform over every position that keeps it inside the padded image.
 */
public final class RandomCrop implements Transform {
    private final int size, padding;

    public RandomCrop(int size, int padding) {
        if (size < 1 || padding < 0) throw new IllegalArgumentException("RandomCrop: size must be >= 1 and padding >= 0, got " + size + ", " + padding);
        this.size = size;
        this.padding = padding;
    }

    @Override
    public Image apply(Image image, Generator gen) {
        int h = image.height(), w = image.width();
        if (h + 2 * padding < size || w + 2 * padding < size) {
            throw new IllegalArgumentException("RandomCrop: a " + size + "x" + size + " crop does not fit " + image + " padded by " + padding);
        }
        // corner of the window in padded coordinates; shift by −padding to get source coordinates
        int top = gen.nextInt(h + 2 * padding - size + 1) - padding;
        int left = gen.nextInt(w + 2 * padding - size + 1) - padding;
        float[] in = image.data(), out = new float[image.channels() * size * size];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < size; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= h) continue;                 // a padding row: stays 0
                for (int x = 0; x < size; x++) {
                    int sx = left + x;
                    if (sx >= 0 && sx < w) out[(c * size + y) * size + x] = in[(c * h + sy) * w + sx];
                }
            }
        }
        return new Image(out, image.channels(), size, size);
    }

    @Override
    public String toString() { return "RandomCrop(" + size + ", padding=" + padding + ")"; }
}
