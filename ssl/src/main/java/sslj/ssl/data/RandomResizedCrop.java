package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * A random crop of random area and aspect ratio, resized to a fixed size: the main augmentation of
 * SimCLR, MoCo and BYOL (the Inception-style crop; torchvision.transforms.RandomResizedCrop).
 *
 * <p>Box choice, exactly as torchvision's {@code get_params}: up to 10 attempts of
 * area = uniform(scale) · H·W, ratio = exp(uniform(log ratio range)), w = round(√(area·ratio)),
 * h = round(√(area/ratio)); the first box that fits is placed uniformly (top = randint(0, H − h + 1),
 * left = randint(0, W − w + 1)). If none fits, a centre crop of the whole image clamped to the ratio
 * range. The box is then resized with {@link Resize#bilinear}.
 */
public final class RandomResizedCrop implements Transform {
    private final int height, width;
    private final double scaleLo, scaleHi, logRatioLo, logRatioHi, ratioLo, ratioHi;

    /** Scale (0.08, 1) and ratio (3/4, 4/3): the torchvision defaults SimCLR and BYOL use. */
    public RandomResizedCrop(int size) { this(size, size, 0.08, 1.0, 3.0 / 4, 4.0 / 3); }

    public RandomResizedCrop(int size, double scaleLo, double scaleHi) { this(size, size, scaleLo, scaleHi, 3.0 / 4, 4.0 / 3); }

    public RandomResizedCrop(int height, int width, double scaleLo, double scaleHi, double ratioLo, double ratioHi) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("RandomResizedCrop: size must be positive, got " + height + "x" + width);
        if (!(0 < scaleLo && scaleLo <= scaleHi && scaleHi <= 1)) throw new IllegalArgumentException("RandomResizedCrop: need 0 < scaleLo <= scaleHi <= 1, got (" + scaleLo + ", " + scaleHi + ")");
        if (!(0 < ratioLo && ratioLo <= ratioHi)) throw new IllegalArgumentException("RandomResizedCrop: need 0 < ratioLo <= ratioHi, got (" + ratioLo + ", " + ratioHi + ")");
        this.height = height;
        this.width = width;
        this.scaleLo = scaleLo;
        this.scaleHi = scaleHi;
        this.ratioLo = ratioLo;
        this.ratioHi = ratioHi;
        this.logRatioLo = Math.log(ratioLo);
        this.logRatioHi = Math.log(ratioHi);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        int[] box = box(image.height(), image.width(), gen);
        return Resize.bilinear(image, box[0], box[1], box[2], box[3], height, width);
    }

    /** The crop box {top, left, h, w} for an H × W image (public for tests). */
    public int[] box(int imgH, int imgW, Generator gen) {
        double area = (double) imgH * imgW;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(gen, scaleLo, scaleHi);
            double ratio = Math.exp(uniform(gen, logRatioLo, logRatioHi));
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (0 < w && w <= imgW && 0 < h && h <= imgH) {
                int top = gen.nextInt(imgH - h + 1);
                int left = gen.nextInt(imgW - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        // Fallback: the whole image, trimmed to the nearest allowed aspect ratio, centred.
        double inRatio = (double) imgW / imgH;
        int w, h;
        if (inRatio < ratioLo) {
            w = imgW;
            h = (int) Math.round(w / ratioLo);
        } else if (inRatio > ratioHi) {
            h = imgH;
            w = (int) Math.round(h * ratioHi);
        } else {
            w = imgW;
            h = imgH;
        }
        return new int[] {(imgH - h) / 2, (imgW - w) / 2, h, w};
    }

    static double uniform(Generator gen, double lo, double hi) { return lo + (hi - lo) * gen.nextFloat(); }

    @Override
    public String toString() { return "RandomResizedCrop(" + height + "x" + width + ", scale=(" + scaleLo + ", " + scaleHi + "))"; }
}
