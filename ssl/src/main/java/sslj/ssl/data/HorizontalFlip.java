package sslj.ssl.data;

import sslj.tensor.Generator;

/** Mirrors the image left–right with probability p (torchvision.transforms.RandomHorizontalFlip, p = 0.5 in every SSL recipe). */
public final class HorizontalFlip implements Transform {
    private final float p;

    public HorizontalFlip(double p) { this.p = Augmentations.probability("HorizontalFlip", p); }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextFloat() < p)) return image;
        return flip(image);
    }

    /** The mirror image: out(c, y, x) = in(c, y, W − 1 − x). */
    public static Image flip(Image image) {
        int w = image.width();
        float[] in = image.data(), out = new float[in.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) out[base + x] = in[base + w - 1 - x];
        }
        return new Image(out, image.channels(), image.height(), w);
    }

    @Override
    public String toString() { return "HorizontalFlip(p=" + p + ")"; }
}
