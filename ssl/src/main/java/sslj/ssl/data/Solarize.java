package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * With probability p, inverts every value at or above the threshold: x ← 1 − x where x ≥ t
 * (torchvision.transforms.RandomSolarize; BYOL, Grill et al. 2020, Table 6: t = 0.5, p = 0 on view 1
 * and 0.2 on view 2).
 */
public final class Solarize implements Transform {
    private final float threshold, p;

    public Solarize(double threshold, double p) {
        this.threshold = (float) threshold;
        this.p = Augmentations.probability("Solarize", p);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextFloat() < p)) return image;
        float[] x = image.data(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] >= threshold ? 1f - x[i] : x[i];
        return new Image(out, image.channels(), image.height(), image.width());
    }

    @Override
    public String toString() { return "Solarize(t=" + threshold + ", p=" + p + ")"; }
}
