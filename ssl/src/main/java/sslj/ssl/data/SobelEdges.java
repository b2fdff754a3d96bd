package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * The edge map of an image: the magnitude of the Sobel gradient of its grey level, one channel,
 * scaled to [0, 1]. CLIP's second "modality" in the paired-data example ({@code sslj.ssl.method.Clip}):
 * derived from the image itself, so every image comes with its partner and no text data is needed.
 * <pre>
 *   grey = mean over channels (1 channel: the image)
 *   gx = [−1 0 1; −2 0 2; −1 0 1] ∗ grey,  gy = gxᵀ kernel ∗ grey     (replicated borders)
 *   edge = √(gx² + gy²) / (4√2)                                      (4√2: the largest magnitude on [0, 1] images)
 * </pre>
 * Borders are replicated, so an image's frame is not an edge. Deterministic (no randomness).
 */
public final class SobelEdges implements Transform {
    public static final float MAX_MAGNITUDE = (float) (4 * Math.sqrt(2));

    @Override
    public Image apply(Image image, Generator gen) {
        int c = image.channels(), h = image.height(), w = image.width();
        float[] grey = new float[h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h * w; i++) grey[i] += image.data()[ch * h * w + i] / c;
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int ym = Math.max(y - 1, 0), yp = Math.min(y + 1, h - 1);
            for (int x = 0; x < w; x++) {
                int xm = Math.max(x - 1, 0), xp = Math.min(x + 1, w - 1);
                float gx = (grey[ym * w + xp] - grey[ym * w + xm]) + 2 * (grey[y * w + xp] - grey[y * w + xm]) + (grey[yp * w + xp] - grey[yp * w + xm]);
                float gy = (grey[yp * w + xm] - grey[ym * w + xm]) + 2 * (grey[yp * w + x] - grey[ym * w + x]) + (grey[yp * w + xp] - grey[ym * w + xp]);
                out[y * w + x] = (float) Math.sqrt(gx * gx + gy * gy) / MAX_MAGNITUDE;
            }
        }
        return new Image(out, 1, h, w);
    }

    @Override
    public String toString() { return "SobelEdges"; }
}
