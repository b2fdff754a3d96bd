package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.tensor.Generator;

/** Each transform's maths on tiny hand-worked images. */
class TransformsTest {
    private static final Generator G = new Generator(1);

    @Test
    void flipMirrorsEachRowOfEachChannel() {
        Image im = new Image(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
        Image f = new HorizontalFlip(1.0).apply(im, new Generator(5));
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, f.data());
        assertSame(im, new HorizontalFlip(0.0).apply(im, new Generator(5)));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, im.data());   // input untouched
    }

    @Test
    void bilinearResizeOf2x2To4x4() {
        // Half-pixel centres: output columns sample the input at x = −0.25 → 0, 0.25, 0.75, 1.25 → 1.
        Image im = new Image(new float[] {0, 1, 2, 3}, 1, 2, 2);
        Image out = new Resize(4, 4).apply(im, G);
        assertArrayEquals(new float[] {
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f}, out.data(), 1e-6f);
        // Same size is the identity; 4×4 → 2×2 samples at 0.5 and 2.5, i.e. averages 2×2 blocks.
        assertArrayEquals(im.data(), new Resize(2, 2).apply(im, G).data());
        Image down = new Resize(2, 2).apply(out, G);
        assertArrayEquals(new float[] {0.375f, 1.125f, 1.875f, 2.625f}, down.data(), 1e-6f);
    }

    @Test
    void cropBoxesLieInsideTheImageWithinScaleAndRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(16, 16, 0.08, 1.0, 3.0 / 4, 4.0 / 3);
        for (int seed = 0; seed < 300; seed++) {
            int[] b = crop.box(28, 40, new Generator(seed));
            int top = b[0], left = b[1], h = b[2], w = b[3];
            assertTrue(top >= 0 && left >= 0 && h > 0 && w > 0 && top + h <= 28 && left + w <= 40, "box " + java.util.Arrays.toString(b));
            double area = (double) h * w / (28 * 40), ratio = (double) w / h;
            // Rounding w and h moves the area and ratio a little past the sampled ones.
            assertTrue(area > 0.06 && area <= 1.0, "area " + area);
            assertTrue(ratio > 0.7 && ratio < 1.43, "ratio " + ratio);
        }
        Image out = crop.apply(TestImages.random(3, 28, 40, 9), new Generator(3));
        assertArrayEquals(new int[] {3, 16, 16}, out.shape());
    }

    @Test
    void cropFallsBackToACentreCrop() {
        // Ratios of 2..3 at full scale never fit a 10×10 image: after 10 attempts, the centre crop
        // of width 10 and height round(10 / 2) = 5 (torchvision's fallback for in_ratio < min ratio).
        RandomResizedCrop crop = new RandomResizedCrop(5, 10, 1.0, 1.0, 2.0, 3.0);
        assertArrayEquals(new int[] {2, 0, 5, 10}, crop.box(10, 10, new Generator(7)));
        // Full scale and ratio 1 on a square image: the whole image, so the resize is the identity.
        RandomResizedCrop whole = new RandomResizedCrop(6, 6, 1.0, 1.0, 1.0, 1.0);
        Image im = TestImages.random(1, 6, 6, 4);
        assertArrayEquals(im.data(), whole.apply(im, new Generator(1)).data());
    }

    @Test
    void blurOfADeltaIsTheNormalisedKernel() {
        float[] d = new float[49];
        d[3 * 7 + 3] = 1f;
        Image delta = new Image(d, 1, 7, 7);
        Image out = new GaussianBlur(3, 1.0, 1.0, 1.0).apply(delta, G);
        // σ = 1, 3 taps: w = [e^−½, 1, e^−½] / (1 + 2e^−½)
        double e = Math.exp(-0.5), s = 1 + 2 * e;
        double[] w = {e / s, 1 / s, e / s};
        assertEquals(0.274068619, w[0], 1e-8);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                double expect = Math.abs(y - 3) <= 1 && Math.abs(x - 3) <= 1 ? w[y - 2] * w[x - 2] : 0;
                assertEquals(expect, out.get(0, y, x), 1e-6, "(" + y + ", " + x + ")");
            }
        }
        // Reflect padding (index −1 reads index 1): a delta at (0, 1) is seen twice by (0, 0), from
        // its left neighbour and from the mirror of it, so (0, 0) gets 2·w0·w1 and (0, 1) gets w1².
        float[] c = new float[9];
        c[1] = 1f;
        Image edge = GaussianBlur.blur(new Image(c, 1, 3, 3), GaussianBlur.kernel(3, 1f));
        assertEquals(2 * w[0] * w[1], edge.get(0, 0, 0), 1e-6);
        assertEquals(w[1] * w[1], edge.get(0, 0, 1), 1e-6);
        assertEquals(2 * w[0] * w[0], edge.get(0, 1, 0), 1e-6);
        assertEquals(1, GaussianBlur.reflect(-1, 5));
        assertEquals(3, GaussianBlur.reflect(5, 5));
        assertEquals(23, GaussianBlur.kernelFor(224));
        assertEquals(3, GaussianBlur.kernelFor(28));
    }

    @Test
    void brightnessScalesEveryValueByOneFactor() {
        Image im = TestImages.random(3, 4, 4, 2);
        float[] half = im.data().clone();
        for (int i = 0; i < half.length; i++) half[i] *= 0.5f;     // ≤ 0.5, so ×1.5 does not clamp
        Image in = new Image(half, 3, 4, 4);
        Image out = new ColorJitter(0.5, 0, 0, 0, 1.0).apply(in, new Generator(11));
        double f = out.data()[0] / (double) half[0];
        assertTrue(f >= 0.5 && f <= 1.5, "factor " + f);
        for (int i = 0; i < half.length; i++) assertEquals(f * half[i], out.data()[i], 1e-5);
        // The static step clamps: 0.8 × 2 = 1.6 → 1.
        float[] x = {0.2f, 0.8f};
        ColorJitter.brightness(x, 2f);
        assertArrayEquals(new float[] {0.4f, 1f}, x);
    }

    @Test
    void contrastSaturationAndHueByHand() {
        // RGB 1×2: pixels (1, 0, 0) and (0, 0, 1); luma 0.2989 and 0.114, mean 0.20645.
        Image im = new Image(new float[] {1, 0, 0, 0, 0, 1}, 3, 1, 2);
        float[] x = im.data().clone();
        ColorJitter.contrast(x, im, 0f);                     // factor 0: everything becomes the mean grey
        for (float v : x) assertEquals((0.2989f + 0.114f) / 2, v, 1e-6);
        x = im.data().clone();
        ColorJitter.saturation(x, 2, 0f);                    // factor 0: each pixel becomes its grey
        assertArrayEquals(new float[] {0.2989f, 0.114f, 0.2989f, 0.114f, 0.2989f, 0.114f}, x, 1e-6f);
        // Hue: a third of a turn takes red to green; half a turn takes (1, .5, 0) to (0, .5, 1).
        float[] px = {1, 0, 0};
        Colour.shiftHue(px, 1f / 3);
        assertArrayEquals(new float[] {0, 1, 0}, px, 1e-6f);
        px = new float[] {1, 0.5f, 0};
        Colour.shiftHue(px, 0.5f);
        assertArrayEquals(new float[] {0, 0.5f, 1}, px, 1e-6f);
        px = new float[] {0.3f, 0.6f, 0.2f};
        Colour.shiftHue(px, 0f);
        assertArrayEquals(new float[] {0.3f, 0.6f, 0.2f}, px, 1e-6f);
    }

    @Test
    void hueRotationKeepsValueAndSaturationAndInverts() {
        Generator g = new Generator(77);
        for (int i = 0; i < 500; i++) {
            float[] px = {g.nextFloat(), g.nextFloat(), g.nextFloat()}, orig = px.clone();
            float shift = g.nextFloat() - 0.5f;
            float max = Math.max(px[0], Math.max(px[1], px[2])), min = Math.min(px[0], Math.min(px[1], px[2]));
            Colour.shiftHue(px, shift);
            float max2 = Math.max(px[0], Math.max(px[1], px[2])), min2 = Math.min(px[0], Math.min(px[1], px[2]));
            assertEquals(max, max2, 1e-5, "value (largest channel) is kept");
            assertEquals((max - min) / max, (max2 - min2) / max2, 1e-4, "saturation is kept");
            Colour.shiftHue(px, -shift);
            assertArrayEquals(orig, px, 1e-4f, "rotating back restores the pixel");
        }
    }

    @Test
    void greyImagesGetBrightnessAndContrastOnly() {
        Image grey = TestImages.random(1, 5, 5, 8);
        Image out = new ColorJitter(0, 0, 0.9, 0.5, 1.0).apply(grey, new Generator(2));
        assertArrayEquals(grey.data(), out.data());          // saturation and hue leave grey alone
        assertSame(grey, new RandomGrayscale(1.0).apply(grey, G));
    }

    @Test
    void grayscaleSolarizeAndNormalize() {
        Image red = new Image(new float[] {1, 0, 0}, 3, 1, 1);
        assertArrayEquals(new float[] {0.2989f, 0.2989f, 0.2989f}, new RandomGrayscale(1.0).apply(red, G).data(), 1e-6f);
        Image s = new Solarize(0.5, 1.0).apply(new Image(new float[] {0.2f, 0.5f, 0.9f}, 1, 1, 3), G);
        assertArrayEquals(new float[] {0.2f, 0.5f, 0.1f}, s.data(), 1e-6f);
        Image n = new Normalize(new float[] {0.5f, 0f}, new float[] {0.25f, 2f}).apply(new Image(new float[] {1, 0, 1, 4}, 2, 1, 2), G);
        assertArrayEquals(new float[] {2, -2, 0.5f, 2}, n.data(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0f}, new float[] {1f}).apply(red, G));
    }

    @Test
    void presetsAreDeterministicAndStayInTheUnitInterval() {
        for (MultiView mv : List.of(Augmentations.simclr(32, 3), Augmentations.byol(32, 3), Augmentations.mocoV2(32, 3),
                Augmentations.simclr(28, 1), Augmentations.byol(28, 1))) {
            int channels = mv.toString().contains("RandomGrayscale") ? 3 : 1;
            int side = channels == 3 ? 32 : 28;
            for (int seed = 0; seed < 40; seed++) {
                Image im = TestImages.random(channels, 36, 30, seed);
                List<Image> a = mv.apply(im, new Generator(seed)), b = mv.apply(im, new Generator(seed));
                assertEquals(a, b, "same seed, same views");
                assertEquals(2, a.size());
                for (Image v : a) {
                    assertArrayEquals(new int[] {channels, side, side}, v.shape());
                    for (float x : v.data()) assertTrue(x >= 0f && x <= 1f, mv + " gave " + x);
                }
                assertNotEquals(a.get(0), a.get(1), "the two views differ");
            }
            Image im = TestImages.random(channels, 36, 30, 1);
            assertNotEquals(mv.apply(im, new Generator(1)), mv.apply(im, new Generator(2)));
        }
    }

    @Test
    void byolViewsAreAsymmetric() {
        MultiView byol = Augmentations.byol(32, 3);
        assertTrue(byol.pipeline(0).toString().contains("GaussianBlur(k=3, sigma=[0.1, 2.0], p=1.0)"), byol.pipeline(0).toString());
        assertFalse(byol.pipeline(0).toString().contains("Solarize"));
        assertTrue(byol.pipeline(1).toString().contains("p=0.1") && byol.pipeline(1).toString().contains("Solarize(t=0.5, p=0.2)"), byol.pipeline(1).toString());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(4, 0.1, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 0.5, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0.4, 0.4, 0.4, 0.7, 0.8));
        assertThrows(IllegalArgumentException.class, () -> new Image(new float[3], 1, 2, 2));
    }
}
