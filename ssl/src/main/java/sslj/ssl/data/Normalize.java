package sslj.ssl.data;

import sslj.tensor.Generator;

/** Per-channel standardisation x ← (x − mean_c) / std_c (torchvision.transforms.Normalize); the last step of a pipeline. */
public final class Normalize implements Transform {
    private final float[] mean, std;

    public Normalize(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) throw new IllegalArgumentException("Normalize: " + mean.length + " means but " + std.length + " stds");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("Normalize: std must be > 0, got " + s);
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (image.channels() != mean.length) throw new IllegalArgumentException("Normalize: built for " + mean.length + " channels, image has " + image.channels());
        float[] x = image.data(), out = new float[x.length];
        int n = image.plane();
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c], inv = 1f / std[c];
            for (int i = c * n; i < (c + 1) * n; i++) out[i] = (x[i] - m) * inv;
        }
        return new Image(out, image.channels(), image.height(), image.width());
    }
}
