package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * FilterGradient3x3 on its own: a run of images, added onto dw's previous contents, against a
 * double-precision loop of the definition, on awkward sizes (1×1 and 2×2 images, odd channel counts, one
 * image, more images than one stack holds), stride 1 and 2, with the scratch poisoned with NaN so that any
 * element it fails to rewrite shows.
 */
class FilterGradient3x3Test {
    private static void check(int n, int c, int o, int h, int wd, int stride, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int oh = (h - 1) / stride + 1, ow = (wd - 1) / stride + 1;
        float[] x = new float[2 + n * c * h * wd], dy = new float[4 + n * o * oh * ow], dw = new float[o * c * 9];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < dy.length; i++) dy[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < dw.length; i++) dw[i] = i % 7;                       // accumulates onto what is there
        FilterGradient3x3.Scratch scratch = new FilterGradient3x3.Scratch();
        int m = FilterGradient3x3.stackImages(c, o, h, wd, oh, ow);              // poison buffers of a whole stack
        scratch.x = new float[c * ((m + 1) * (h + 1) * (wd + 2) + 2)];
        scratch.dyT = new float[m * oh * ow * ((o + 15) / 16 * 16 + 16)];
        scratch.pos = new int[m * oh * ow];
        Arrays.fill(scratch.x, Float.NaN);
        Arrays.fill(scratch.dyT, Float.NaN);
        Arrays.fill(scratch.pos, Integer.MIN_VALUE / 2);
        FilterGradient3x3.accumulate(x, 2, dy, 4, n, c, o, h, wd, stride, dw, scratch);
        String what = n + " images " + c + "→" + o + " on " + h + "x" + wd + " stride " + stride;
        for (int oo = 0; oo < o; oo++)
            for (int cc = 0; cc < c; cc++)
                for (int t = 0; t < 9; t++) {
                    double want = ((oo * c + cc) * 9 + t) % 7, size = 0;   // size: Σ |terms|, what float rounding scales with
                    for (int img = 0; img < n; img++)
                        for (int r = 0; r < oh; r++)
                            for (int xx = 0; xx < ow; xx++) {
                                int y = stride * r + t / 3 - 1, xi = stride * xx + t % 3 - 1;
                                if (y >= 0 && y < h && xi >= 0 && xi < wd) {
                                    double term = (double) dy[4 + ((img * o + oo) * oh + r) * ow + xx] * x[2 + ((img * c + cc) * h + y) * wd + xi];
                                    want += term;
                                    size += Math.abs(term);
                                }
                            }
                    assertEquals(want, dw[(oo * c + cc) * 9 + t], 1e-4 * (1 + Math.abs(want)) + 2e-6 * size, what + " at " + oo + "," + cc + "," + t);
                }
    }

    @Test
    void matchesTheDefinitionOnAwkwardShapes() {
        Assumptions.assumeTrue(CpuFeatures.VECTOR_API, "needs --add-modules=jdk.incubator.vector");
        int[][] shapes = {   // n, c, o, h, wd
            {1, 1, 1, 1, 1}, {1, 1, 1, 2, 2}, {3, 3, 9, 4, 9}, {2, 8, 8, 28, 28}, {2, 5, 17, 3, 40}, {1, 13, 3, 2, 33},
            {3, 2, 16, 7, 14}, {4, 4, 5, 3, 16}, {5, 3, 9, 7, 7}, {2, 4, 5, 2, 2}, {3, 2, 3, 1, 1}, {1, 7, 33, 5, 3},
            {2, 3, 48, 4, 4}};
        long seed = 100;
        for (int[] s : shapes) {
            check(s[0], s[1], s[2], s[3], s[4], 1, seed++);
            check(s[0], s[1], s[2], s[3], s[4], 2, seed++);
        }
    }

    @Test
    void sumsOverMoreImagesThanOneStackHolds() {
        Assumptions.assumeTrue(CpuFeatures.VECTOR_API, "needs --add-modules=jdk.incubator.vector");
        int m = FilterGradient3x3.stackImages(16, 16, 28, 28, 28, 28);
        check(2 * m + 1, 16, 16, 28, 28, 1, 7);                                 // three stacks, the last of one image
        int m2 = FilterGradient3x3.stackImages(3, 20, 9, 9, 5, 5);
        check(m2 + 2, 3, 20, 9, 9, 2, 8);
    }
}
