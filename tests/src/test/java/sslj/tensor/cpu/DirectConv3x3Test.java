package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sslj.tensor.Window2d;

/**
 * DirectConv3x3 on its own: one image against a double-precision loop of the definition, forward and
 * with flipped weights (the data gradient), with the output array poisoned around and inside the result
 * so that a write outside it, or an element not written, fails. And which windows it takes.
 */
class DirectConv3x3Test {
    /** out[o][r][x] = Σ_c Σ_ij w[o][c][i][j] · in[c][r + i − 1][x + j − 1] (zero outside); flipped: the data gradient. */
    private static double[] reference(float[] in, int ins, int h, int wd, float[] w, int o, int c, boolean flipped) {
        int outs = flipped ? c : o;
        double[] out = new double[outs * h * wd];
        for (int oo = 0; oo < outs; oo++)
            for (int r = 0; r < h; r++)
                for (int x = 0; x < wd; x++)
                    for (int ii = 0; ii < ins; ii++)
                        for (int i = 0; i < 3; i++)
                            for (int j = 0; j < 3; j++) {
                                int y = r + i - 1, xx = x + j - 1;
                                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                                // forward: w[oo][ii][i][j]; data gradient: w[ii][oo][2 − i][2 − j] (ii runs over O, oo over C)
                                float wv = flipped ? w[((ii * c + oo) * 3 + 2 - i) * 3 + 2 - j] : w[((oo * c + ii) * 3 + i) * 3 + j];
                                out[(oo * h + r) * wd + x] += (double) wv * in[(ii * h + y) * wd + xx];
                            }
        return out;
    }

    private static void check(int c, int o, int h, int wd, boolean flipped, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int ins = flipped ? o : c, outs = flipped ? c : o;
        float[] in = new float[3 + ins * h * wd], w = new float[o * c * 9];
        for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        int outOff = 5;
        float[] out = new float[outOff + outs * h * wd + 7];
        Arrays.fill(out, Float.NaN);
        float[] xp = new float[DirectConv3x3.imageScratchFloats(ins, outs, h, wd)];
        Arrays.fill(xp, Float.NaN);                                   // the image's border must be zeroed by image()
        float[] packed = DirectConv3x3.packWeights(w, 0, o, c, flipped);
        DirectConv3x3.image(in, 3, ins, h, wd, packed, outs, out, outOff, xp, new int[ins * 9]);
        double[] want = reference(Arrays.copyOfRange(in, 3, in.length), ins, h, wd, w, o, c, flipped);
        String what = (flipped ? "data gradient " : "forward ") + c + "→" + o + " on " + h + "x" + wd;
        for (int i = 0; i < outOff; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote before the result at " + i);
        for (int i = outOff + want.length; i < out.length; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote past the result at " + i);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], out[outOff + i], 1e-4 * (1 + Math.abs(want[i])), what + " at " + i);
        }
    }

    @Test
    void matchesTheDefinitionOnAwkwardShapes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuFeatures.VECTOR_API, "needs --add-modules=jdk.incubator.vector");
        int[][] shapes = {{1, 1, 1, 8}, {3, 9, 4, 9}, {8, 8, 28, 28}, {5, 17, 3, 40}, {13, 3, 2, 33}, {2, 16, 7, 14}, {4, 5, 3, 16}, {3, 4, 2, 17},
            {32, 9, 7, 7}, {16, 20, 4, 4}, {3, 5, 2, 2}, {2, 3, 1, 1}, {4, 2, 5, 3}};       // small images: vectors across rows
        long seed = 1;
        for (int[] s : shapes) {
            check(s[0], s[1], s[2], s[3], false, seed++);
            check(s[0], s[1], s[2], s[3], true, seed++);
        }
    }

    /** The stride-2 forward (through phase planes) against the definition, with the output poisoned around and inside the result. */
    private static void checkStride2(int c, int o, int h, int wd, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        int oh = (h - 1) / 2 + 1, ow = (wd - 1) / 2 + 1;
        float[] in = new float[3 + c * h * wd], w = new float[o * c * 9];
        for (int i = 0; i < in.length; i++) in[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        float[] out = new float[5 + o * oh * ow + 7];
        Arrays.fill(out, Float.NaN);
        float[] xp = new float[DirectConv3x3.imageStride2ScratchFloats(c, o, h, wd)];
        Arrays.fill(xp, Float.NaN);
        DirectConv3x3.imageStride2(in, 3, c, h, wd, DirectConv3x3.packWeights(w, 0, o, c, false), o, out, 5, xp, new int[c * 9]);
        String what = "stride 2 " + c + "→" + o + " on " + h + "x" + wd;
        for (int i = 0; i < 5; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote before the result at " + i);
        for (int i = 5 + o * oh * ow; i < out.length; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote past the result at " + i);
        for (int oo = 0; oo < o; oo++)
            for (int r = 0; r < oh; r++)
                for (int x = 0; x < ow; x++) {
                    double want = 0;
                    for (int cc = 0; cc < c; cc++)
                        for (int t = 0; t < 9; t++) {
                            int y = 2 * r + t / 3 - 1, xx = 2 * x + t % 3 - 1;
                            if (y >= 0 && y < h && xx >= 0 && xx < wd) want += (double) w[(oo * c + cc) * 9 + t] * in[3 + (cc * h + y) * wd + xx];
                        }
                    assertEquals(want, out[5 + (oo * oh + r) * ow + x], 1e-4 * (1 + Math.abs(want)), what + " at " + oo + "," + r + "," + x);
                }
    }

    @Test
    void theStride2ForwardMatchesTheDefinition() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuFeatures.VECTOR_API, "needs --add-modules=jdk.incubator.vector");
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 2, 2}, {3, 9, 4, 9}, {8, 16, 28, 28}, {5, 17, 7, 7}, {13, 3, 3, 33}, {16, 20, 14, 14}, {4, 5, 5, 3}, {32, 9, 4, 4}};
        long seed = 300;
        for (int[] s : shapes) checkStride2(s[0], s[1], s[2], s[3], seed++);
    }

    @Test
    void takesOnly3x3Stride1Padding1AndTheFilterGradientAlsoAtStride2() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuFeatures.VECTOR_API, "needs --add-modules=jdk.incubator.vector");
        assertTrue(CpuConv.direct3x3(Window2d.square(3, 1, 1, 1)));
        assertTrue(CpuConv.directStrided3x3(Window2d.square(3, 1, 1, 1)));
        assertTrue(CpuConv.directStrided3x3(Window2d.square(3, 2, 1, 1)));     // the filter gradient takes stride 2 too
        assertFalse(CpuConv.directStrided3x3(Window2d.square(3, 3, 1, 1)));
        assertFalse(CpuConv.directStrided3x3(new Window2d(3, 3, 1, 2, 1, 1, 1, 1)));   // unequal strides
        assertFalse(CpuConv.directStrided3x3(Window2d.square(1, 2, 0, 1)));    // the 1×1 downsample
        assertFalse(CpuConv.direct3x3(Window2d.square(3, 2, 1, 1)));           // stride 2
        assertFalse(CpuConv.direct3x3(Window2d.square(3, 1, 2, 2)));           // dilation 2
        assertFalse(CpuConv.direct3x3(Window2d.square(3, 1, 0, 1)));           // no padding
        assertFalse(CpuConv.direct3x3(Window2d.square(1, 1, 0, 1)));           // pointwise
    }
}
