package sslj.ssl.data;

import sslj.tensor.Generator;

/**
 * Bilinear resizing with half-pixel centres (PyTorch {@code interpolate(mode="bilinear",
 * align_corners=False)}; also PIL's bilinear when enlarging). Output pixel y samples the source at
 *
 * <pre>   sy = (y + 0.5) · inH / outH − 0.5,  clamped below at 0</pre>
 * between rows ⌊sy⌋ and ⌊sy⌋ + 1 (the last row repeats at the edge), with weight sy − ⌊sy⌋, and the
 * same along x. No antialiasing filter is applied when shrinking (torchvision's {@code antialias=True}
 * does apply one); the crops here are mostly enlarged, where the two agree.
 */
public final class Resize implements Transform {
    private final int height, width;

    public Resize(int height, int width) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("Resize: size must be positive, got " + height + "x" + width);
        this.height = height;
        this.width = width;
    }

    @Override
    public Image apply(Image image, Generator gen) {
        return bilinear(image, 0, 0, image.height(), image.width(), height, width);
    }

    /** The window (top, left, h, w) of {@code src}, resized to outH × outW. */
    public static Image bilinear(Image src, int top, int left, int h, int w, int outH, int outW) {
        if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > src.height() || left + w > src.width()) {
            throw new IllegalArgumentException("bilinear: window (top " + top + ", left " + left + ", " + h + "x" + w + ") is outside a " + src.height() + "x" + src.width() + " image");
        }
        // Precompute, per output column, the two source columns and the weight of the right one.
        int[] x0 = new int[outW], x1 = new int[outW];
        float[] wx = new float[outW];
        coords(w, outW, left, x0, x1, wx);
        int[] y0 = new int[outH], y1 = new int[outH];
        float[] wy = new float[outH];
        coords(h, outH, top, y0, y1, wy);

        float[] in = src.data(), out = new float[src.channels() * outH * outW];
        int inW = src.width();
        for (int c = 0; c < src.channels(); c++) {
            int plane = c * src.plane(), o = c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = plane + y0[y] * inW, r1 = plane + y1[y] * inW;
                float b = wy[y], a = 1f - b;
                for (int x = 0; x < outW; x++, o++) {
                    float top0 = in[r0 + x0[x]] + wx[x] * (in[r0 + x1[x]] - in[r0 + x0[x]]);
                    float bot0 = in[r1 + x0[x]] + wx[x] * (in[r1 + x1[x]] - in[r1 + x0[x]]);
                    out[o] = a * top0 + b * bot0;
                }
            }
        }
        return new Image(out, src.channels(), outH, outW);
    }

    /** Source indices (offset by {@code start}) and weights for resizing n samples to m (PyTorch area_pixel_compute_source_index). */
    private static void coords(int n, int m, int start, int[] i0, int[] i1, float[] frac) {
        double scale = (double) n / m;
        for (int j = 0; j < m; j++) {
            double s = Math.max(0.0, (j + 0.5) * scale - 0.5);
            int lo = Math.min((int) s, n - 1);
            i0[j] = start + lo;
            i1[j] = start + Math.min(lo + 1, n - 1);
            frac[j] = (float) (s - lo);
        }
    }

    @Override
    public String toString() { return "Resize(" + height + "x" + width + ")"; }
}
