package sslj.ssl.data;

/** Colour-space helpers on RGB pixels in [0, 1], as torchvision's functional_tensor. */
final class Colour {
    private Colour() { }

    /** ITU-R 601-2 luma with torchvision's weights: 0.2989 R + 0.587 G + 0.114 B. */
    static float luma(float r, float g, float b) { return 0.2989f * r + 0.587f * g + 0.114f * b; }

    static float clamp01(float v) { return v < 0f ? 0f : (v > 1f ? 1f : v); }

    /**
     * Rotates the hue of one RGB pixel by {@code shift} turns (torchvision adjust_hue): RGB → HSV,
     * h ← (h + shift) mod 1, HSV → RGB; writes the result into rgb[0..2]. Saturation and value (the
     * largest channel) are kept.
     */
    static void shiftHue(float[] rgb, float shift) {
        float r = rgb[0], g = rgb[1], b = rgb[2];
        float max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
        float chroma = max - min;
        if (chroma == 0f) return;                    // grey: hue undefined, nothing to rotate
        float s = chroma / max;
        // Hue in sixths of a turn: the sector of the largest channel plus the position inside it.
        float h;
        if (max == r) h = (g - b) / chroma;          // red sector: magenta (−1) .. yellow (+1)
        else if (max == g) h = 2f + (b - r) / chroma;
        else h = 4f + (r - g) / chroma;
        h = h / 6f + shift;
        h -= (float) Math.floor(h);                  // mod 1, into [0, 1)
        // HSV → RGB: sector i of six, f the fraction through it.
        float h6 = h * 6f;
        int i = (int) Math.floor(h6);
        float f = h6 - i, v = max;
        float p = clamp01(v * (1f - s)), q = clamp01(v * (1f - s * f)), t = clamp01(v * (1f - s * (1f - f)));
        switch (i % 6) {
            case 0 -> { rgb[0] = v; rgb[1] = t; rgb[2] = p; }
            case 1 -> { rgb[0] = q; rgb[1] = v; rgb[2] = p; }
            case 2 -> { rgb[0] = p; rgb[1] = v; rgb[2] = t; }
            case 3 -> { rgb[0] = p; rgb[1] = q; rgb[2] = v; }
            case 4 -> { rgb[0] = t; rgb[1] = p; rgb[2] = v; }
            default -> { rgb[0] = v; rgb[1] = p; rgb[2] = q; }
        }
    }
}
