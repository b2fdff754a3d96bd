package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * With probability p, replaces an RGB image by its luma, 0.2989 R + 0.587 G + 0.114 B, copied into all
 * three channels (torchvision.transforms.RandomGrayscale; SimCLR, MoCo v2 and BYOL use p = 0.2).
 * A 1-channel image is already grey and passes through (the coin is still tossed).
 */
public final class RandomGrayscale implements Transform {
    private final float p;

    public RandomGrayscale(double p) { this.p = Augmentations.probability("RandomGrayscale", p); }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextFloat() < p) || image.channels() != 3) return image;
        int n = image.plane();
        float[] x = image.data(), out = new float[x.length];
        for (int i = 0; i < n; i++) {
            float g = Colour.luma(x[i], x[n + i], x[2 * n + i]);
            out[i] = g; out[n + i] = g; out[2 * n + i] = g;
        }
        return new Image(out, 3, image.height(), image.width());
    }

    @Override
    public String toString() { return "RandomGrayscale(p=" + p + ")"; }
}
