package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.tensor.Generator;

class RandomCropTest {

    /** A 1×3×3 image holding 1..9. */
    private static Image nine() { return new Image(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3); }

    @Test
    void everyCropIsAShiftedWindowOfThePaddedImage() {
        // pad 1 around 3×3 → 5×5; a 3×3 window at corner (t, l) ∈ {0,1,2}²: out(y, x) = in(y + t − 1, x + l − 1) or 0
        boolean[] seen = new boolean[9];
        Generator gen = new Generator(3);
        for (int trial = 0; trial < 200; trial++) {
            Image out = new RandomCrop(3, 1).apply(nine(), gen);
            assertEquals(3, out.height());
            boolean matched = false;
            for (int t = 0; t < 3 && !matched; t++) {
                for (int l = 0; l < 3 && !matched; l++) {
                    float[] want = new float[9];
                    for (int y = 0; y < 3; y++) {
                        for (int x = 0; x < 3; x++) {
                            int sy = y + t - 1, sx = x + l - 1;
                            want[y * 3 + x] = sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? nine().get(0, sy, sx) : 0;
                        }
                    }
                    if (java.util.Arrays.equals(want, out.data())) { matched = true; seen[t * 3 + l] = true; }
                }
            }
            assertTrue(matched, "not a window of the padded image");
        }
        for (boolean s : seen) assertTrue(s, "some corner never drawn in 200 trials");
    }

    @Test
    void noPaddingSameSizeIsTheIdentity() {
        assertArrayEquals(nine().data(), new RandomCrop(3, 0).apply(nine(), new Generator(1)).data());
    }

    @Test
    void tooLargeACropFails() {
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(6, 1).apply(nine(), new Generator(1)));
    }
}
