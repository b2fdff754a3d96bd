package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * Random brightness, contrast, saturation and hue, applied with probability p — SimCLR's "colour
 * distortion" (Chen et al. 2020, Appendix A: {@code RandomApply([ColorJitter(...)], p=0.8)}), the
 * augmentation the paper found matters most next to cropping.
 *
 * <p>As torchvision's ColorJitter: the four adjustments run in a random order, with factors
 * brightness b ~ U[max(0, 1 − B), 1 + B], contrast c ~ U[max(0, 1 − C), 1 + C], saturation
 * s ~ U[max(0, 1 − S), 1 + S], hue h ~ U[−H, H], each result clamped to [0, 1]:
 * <pre>
 *   brightness  x ← b·x
 *   contrast    x ← c·x + (1 − c)·mean(grey(x))      (one mean over the whole image)
 *   saturation  x ← s·x + (1 − s)·grey(x)             (per pixel)
 *   hue         x ← hsv⁻¹(h(x) + h mod 1, s(x), v(x))  (rotation in HSV, see Colour.shiftHue)
 * </pre>
 * grey = 0.2989 R + 0.587 G + 0.114 B. On a 1-channel image only brightness and contrast apply
 * (saturation and hue are identities on grey, as in torchvision), but all factors are still drawn so
 * the generator advances the same way for grey and colour images.
 */
public final class ColorJitter implements Transform {
    private final float brightness, contrast, saturation, hue, p;

    public ColorJitter(double brightness, double contrast, double saturation, double hue, double p) {
        if (brightness < 0 || contrast < 0 || saturation < 0) throw new IllegalArgumentException("ColorJitter: strengths must be >= 0, got " + brightness + "/" + contrast + "/" + saturation);
        if (hue < 0 || hue > 0.5) throw new IllegalArgumentException("ColorJitter: hue must be in [0, 0.5], got " + hue);
        this.brightness = (float) brightness;
        this.contrast = (float) contrast;
        this.saturation = (float) saturation;
        this.hue = (float) hue;
        this.p = Augmentations.probability("ColorJitter", p);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextFloat() < p)) return image;
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {                 // Fisher–Yates: torchvision's randperm(4)
            int j = gen.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        float b = factor(gen, brightness), c = factor(gen, contrast), s = factor(gen, saturation);
        float h = (float) RandomResizedCrop.uniform(gen, -hue, hue);
        float[] x = image.data().clone();
        boolean rgb = image.channels() == 3;
        for (int op : order) {
            switch (op) {
                case 0 -> brightness(x, b);
                case 1 -> contrast(x, image, c);
                case 2 -> { if (rgb) saturation(x, image.plane(), s); }
                default -> { if (rgb && h != 0f) hue(x, image.plane(), h); }
            }
        }
        return new Image(x, image.channels(), image.height(), image.width());
    }

    private static float factor(Generator gen, float strength) {
        return (float) RandomResizedCrop.uniform(gen, Math.max(0f, 1f - strength), 1f + strength);
    }

    static void brightness(float[] x, float b) {
        for (int i = 0; i < x.length; i++) x[i] = Colour.clamp01(b * x[i]);
    }

    static void contrast(float[] x, Image shape, float c) {
        int n = shape.plane();
        double sum = 0;
        if (shape.channels() == 3) {
            for (int i = 0; i < n; i++) sum += Colour.luma(x[i], x[n + i], x[2 * n + i]);
        } else {
            for (float v : x) sum += v;               // grey (or any non-RGB): the plain mean
            n = x.length;
        }
        float mean = (float) (sum / n);
        for (int i = 0; i < x.length; i++) x[i] = Colour.clamp01(c * x[i] + (1f - c) * mean);
    }

    static void saturation(float[] x, int n, float s) {
        for (int i = 0; i < n; i++) {
            float g = Colour.luma(x[i], x[n + i], x[2 * n + i]);
            for (int ch = 0; ch < 3; ch++) x[ch * n + i] = Colour.clamp01(s * x[ch * n + i] + (1f - s) * g);
        }
    }

    static void hue(float[] x, int n, float h) {
        float[] px = new float[3];
        for (int i = 0; i < n; i++) {
            px[0] = x[i]; px[1] = x[n + i]; px[2] = x[2 * n + i];
            Colour.shiftHue(px, h);
            x[i] = px[0]; x[n + i] = px[1]; x[2 * n + i] = px[2];
        }
    }

    @Override
    public String toString() { return "ColorJitter(" + brightness + ", " + contrast + ", " + saturation + ", " + hue + ", p=" + p + ")"; }
}
