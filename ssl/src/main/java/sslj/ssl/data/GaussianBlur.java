package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * Gaussian blur with a random σ, applied with probability p (SimCLR Appendix A: kernel 10% of the
 * image side, σ ~ U[0.1, 2.0], p = 0.5; BYOL: p = 1.0 on view 1 and 0.1 on view 2; MoCo v2 adds it).
 *
 * <p>As torchvision's gaussian_blur: a k-tap kernel w_i ∝ exp(−x_i² / 2σ²) at x_i = i − (k − 1)/2,
 * normalised to sum 1, applied separably (rows, then columns) with reflect padding
 * (index −1 reads index 1). A delta image therefore blurs to the outer product w wᵀ.
 */
public final class GaussianBlur implements Transform {
    private final int kernelSize;
    private final float sigmaLo, sigmaHi, p;

    public GaussianBlur(int kernelSize, double sigmaLo, double sigmaHi, double p) {
        if (kernelSize <= 0 || kernelSize % 2 == 0) throw new IllegalArgumentException("GaussianBlur: kernel size must be odd and positive, got " + kernelSize);
        if (!(0 < sigmaLo && sigmaLo <= sigmaHi)) throw new IllegalArgumentException("GaussianBlur: need 0 < sigmaLo <= sigmaHi, got (" + sigmaLo + ", " + sigmaHi + ")");
        this.kernelSize = kernelSize;
        this.sigmaLo = (float) sigmaLo;
        this.sigmaHi = (float) sigmaHi;
        this.p = Augmentations.probability("GaussianBlur", p);
    }

    /** An odd kernel of about 10% of the image side, at least 3 (SimCLR; 23 for 224, as BYOL). */
    public static int kernelFor(int imageSize) {
        int k = (int) Math.round(0.1 * imageSize);
        if (k % 2 == 0) k++;
        return Math.max(3, k);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextFloat() < p)) return image;
        float sigma = (float) RandomResizedCrop.uniform(gen, sigmaLo, sigmaHi);
        return blur(image, kernel(kernelSize, sigma));
    }

    /** The normalised 1-d kernel. */
    public static float[] kernel(int size, float sigma) {
        float[] w = new float[size];
        double half = (size - 1) / 2.0, sum = 0;
        for (int i = 0; i < size; i++) {
            double x = (i - half) / sigma;
            w[i] = (float) Math.exp(-0.5 * x * x);
            sum += w[i];
        }
        for (int i = 0; i < size; i++) w[i] = (float) (w[i] / sum);
        return w;
    }

    /** Separable convolution with {@code w} along x then y, reflect-padded. */
    public static Image blur(Image image, float[] w) {
        int h = image.height(), wd = image.width(), k = w.length;
        int[] xs = taps(wd, k), ys = taps(h, k);     // reflected source index of each (output, tap)
        float[] in = image.data(), tmp = new float[in.length], out = new float[in.length];
        for (int c = 0; c < image.channels(); c++) {
            int plane = c * image.plane();
            for (int y = 0; y < h; y++) {
                int row = plane + y * wd;
                for (int x = 0; x < wd; x++) {
                    float acc = 0f;
                    for (int t = 0; t < k; t++) acc += w[t] * in[row + xs[x * k + t]];
                    tmp[row + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                int row = plane + y * wd;
                for (int x = 0; x < wd; x++) out[row + x] = 0f;
                for (int t = 0; t < k; t++) {            // row-wise: out row y += w_t · tmp row ys[y, t]
                    int src = plane + ys[y * k + t] * wd;
                    float wt = w[t];
                    for (int x = 0; x < wd; x++) out[row + x] += wt * tmp[src + x];
                }
            }
        }
        return new Image(out, image.channels(), h, wd);
    }

    /** For each of n outputs and k taps, the source index reflect(i + t − k/2, n). */
    private static int[] taps(int n, int k) {
        int[] idx = new int[n * k];
        for (int i = 0; i < n; i++) for (int t = 0; t < k; t++) idx[i * k + t] = reflect(i + t - k / 2, n);
        return idx;
    }

    /** Reflect padding without repeating the edge: −1 → 1, n → n − 2 (repeated for very wide kernels). */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }

    @Override
    public String toString() { return "GaussianBlur(k=" + kernelSize + ", sigma=[" + sigmaLo + ", " + sigmaHi + "], p=" + p + ")"; }
}
