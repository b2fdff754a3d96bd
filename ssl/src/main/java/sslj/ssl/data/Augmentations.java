package sslj.ssl.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The augmentation recipes of the papers, for square images of side {@code size} with
 * {@code channels} channels (1 for Fashion-MNIST, 3 for CIFAR / ImageNet). Each returns the views
 * as a {@link MultiView}; values stay in [0, 1] (append a {@link Normalize} to each pipeline if the
 * model wants standardised inputs). For 1-channel images the greyscale step is left out (it would be
 * an identity) and colour jitter reduces to brightness and contrast.
 */
public final class Augmentations {
    private Augmentations() { }

    /**
     * SimCLR (Chen et al. 2020, Appendix A): random resized crop, scale (0.08, 1); horizontal flip
     * p = 0.5; colour jitter with probability 0.8, strengths 0.4/0.4/0.4/0.1 (colour strength s = 0.5;
     * the paper uses s = 1, i.e. 0.8/0.8/0.8/0.2, on ImageNet and 0.5 on CIFAR); greyscale p = 0.2;
     * Gaussian blur, kernel 10% of the side, σ ∈ [0.1, 2], p = 0.5. Two views from the same pipeline.
     */
    public static MultiView simclr(int size, int channels) { return simclr(size, channels, 0.08); }

    /** {@link #simclr(int, int)} with the crop's smallest area {@code cropMin} (a fraction of the image) instead of 0.08. */
    public static MultiView simclr(int size, int channels, double cropMin) {
        List<Transform> t = new ArrayList<>();
        t.add(new RandomResizedCrop(size, cropMin, 1.0));
        t.add(new HorizontalFlip(0.5));
        t.add(new ColorJitter(0.4, 0.4, 0.4, 0.1, 0.8));
        if (channels == 3) t.add(new RandomGrayscale(0.2));
        t.add(new GaussianBlur(GaussianBlur.kernelFor(size), 0.1, 2.0, 0.5));
        return MultiView.of(new Compose(t), 2);
    }

    /**
     * BYOL (Grill et al. 2020, Table 6), asymmetric: both views crop (0.08, 1), flip 0.5, colour jitter
     * 0.4/0.4/0.2/0.1 with p = 0.8, greyscale p = 0.2, blur σ ∈ [0.1, 2]; view 1 blur p = 1.0 and no
     * solarisation, view 2 blur p = 0.1 and solarisation (threshold 0.5) p = 0.2.
     */
    public static MultiView byol(int size, int channels) { return byol(size, channels, 0.08); }

    /** {@link #byol(int, int)} with the crop's smallest area {@code cropMin} instead of 0.08. */
    public static MultiView byol(int size, int channels, double cropMin) {
        return MultiView.of(byolView(size, channels, cropMin, 1.0, 0.0), byolView(size, channels, cropMin, 0.1, 0.2));
    }

    private static Transform byolView(int size, int channels, double cropMin, double blurP, double solarizeP) {
        List<Transform> t = new ArrayList<>();
        t.add(new RandomResizedCrop(size, cropMin, 1.0));
        t.add(new HorizontalFlip(0.5));
        t.add(new ColorJitter(0.4, 0.4, 0.2, 0.1, 0.8));
        if (channels == 3) t.add(new RandomGrayscale(0.2));
        t.add(new GaussianBlur(GaussianBlur.kernelFor(size), 0.1, 2.0, blurP));
        if (solarizeP > 0) t.add(new Solarize(0.5, solarizeP));
        return new Compose(t);
    }

    /**
     * MoCo v2 (Chen, Fan, Girshick and He 2020, "Improved baselines"; moco/main_moco.py with --aug-plus):
     * crop scale (0.2, 1), colour jitter 0.4/0.4/0.4/0.1 p = 0.8, greyscale p = 0.2, blur σ ∈ [0.1, 2]
     * p = 0.5, flip 0.5. Query and key views from the same pipeline.
     */
    public static MultiView mocoV2(int size, int channels) { return mocoV2(size, channels, 0.2); }

    /** {@link #mocoV2(int, int)} with the crop's smallest area {@code cropMin} instead of 0.2. */
    public static MultiView mocoV2(int size, int channels, double cropMin) {
        List<Transform> t = new ArrayList<>();
        t.add(new RandomResizedCrop(size, cropMin, 1.0));
        t.add(new ColorJitter(0.4, 0.4, 0.4, 0.1, 0.8));
        if (channels == 3) t.add(new RandomGrayscale(0.2));
        t.add(new GaussianBlur(GaussianBlur.kernelFor(size), 0.1, 2.0, 0.5));
        t.add(new HorizontalFlip(0.5));
        return MultiView.of(new Compose(t), 2);
    }

    /** Checks a probability argument. */
    static float probability(String who, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(who + ": probability must be in [0, 1], got " + p);
        return (float) p;
    }
}
