package sslj.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3×3, stride 1, padding 1 convolution of one image without a column matrix: the GEMM micro-kernel's
 * loop (8 output channels × 2 vectors of output positions, 16 accumulators, {@link VectorGemmKernel}),
 * with B read straight from a zero-padded copy of the image through a table of tap offsets instead of
 * from packed columns.
 * <pre>
 *   y[o][r][x] = Σ_c Σ_{i,j ∈ 0..2} w[o][c][i][j] · xpad[c][r + i][x + j]      xpad: x with a border of zeros
 * </pre>
 * Why: at the widths the CPU trains (8–16 channels), im2col writes nine copies of every image, GEMM
 * packing copies them again, and the multiply itself was an eighth of a SimCLR step (JFR, bench/RESULTS.md).
 * Here each tap is a vector load from the padded image, which stays in L1/L2.
 *
 * <p>The data gradient of the same convolution is this convolution too: dx = conv(dy, w') with
 * w'[c][o][i][j] = w[o][c][2 − i][2 − j] ({@link #packWeights} with {@code flipped}); the filter gradient is
 * {@link FilterGradient3x3}'s. Results equal im2col + GEMM's up to the order of the sums. Positions are taken on the padded grid (rows of wd + 2,
 * two columns of each thrown away), so a vector of positions runs on across row ends and small images
 * (7×7, 4×4) fill whole vectors too. Used only when the Vector API is present ({@link CpuConv#direct3x3}
 * decides, so that this class, which needs it, is loaded only when that module is present).
 */
final class DirectConv3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length(), OB = 8;

    private DirectConv3x3() { }

    /**
     * Weights [O, C, 3, 3] at {@code off}, packed as [ceil(outs / 8)][ins · 9][8] (zero past the last
     * output). Forward: outs = O, ins = C. Flipped (for the data gradient): outs = C, ins = O, and the
     * entry for (out c, in o, tap i, j) is w[o][c][2 − i][2 − j].
     */
    static float[] packWeights(float[] w, int off, int o, int c, boolean flipped) {
        int outs = flipped ? c : o, ins = flipped ? o : c, blocks = (outs + OB - 1) / OB;
        float[] p = new float[blocks * ins * 9 * OB];
        for (int out = 0; out < outs; out++) {
            for (int in = 0; in < ins; in++) {
                for (int t = 0; t < 9; t++) {
                    int src = flipped ? off + ((in * c + out) * 9 + 8 - t) : off + (out * c + in) * 9 + t;
                    p[((out / OB) * ins * 9 + in * 9 + t) * OB + out % OB] = w[src];
                }
            }
        }
        return p;
    }

    /** Floats of the padded-image scratch for {@code ins} planes of h × wd (with slack for the last vectors). */
    static int scratchFloats(int ins, int h, int wd) {
        return ins * (h + 2) * (wd + 2) + 2 * L + wd + 4;
    }

    /**
     * Floats of {@link #image}'s scratch: the padded image, then, for outs rounded up to a block of 8, the
     * output on the padded grid (h rows of wd + 2, rounded up to whole tiles of 2L). The tile stores whole
     * vectors there, with no masks.
     */
    static int imageScratchFloats(int ins, int outs, int h, int wd) {
        return scratchFloats(ins, h, wd) + (outs + OB - 1) / OB * OB * gridFloats(h, wd + 2);
    }

    /** Floats of an output grid of {@code rows} rows of {@code width} positions, rounded up to whole tiles of 2L. */
    private static int gridFloats(int rows, int width) { return (rows * width + 2 * L - 1) / (2 * L) * 2 * L; }

    /** Floats of {@link #phases}' planes: per input channel four planes of (oh + 2) rows of ow + 1, then slack for the last vectors. */
    private static int phaseFloats(int ins, int oh, int ow) {
        return ins * 4 * (oh + 2) * (ow + 1) + 2 * L + ow + 4;
    }

    /** Floats of {@link #imageStride2}'s scratch: the phase planes, then the output grid (oh rows of ow + 1) for outs rounded up to 8. */
    static int imageStride2ScratchFloats(int ins, int outs, int h, int wd) {
        int oh = (h - 1) / 2 + 1, ow = (wd - 1) / 2 + 1;
        return phaseFloats(ins, oh, ow) + (outs + OB - 1) / OB * OB * gridFloats(oh, ow + 1);
    }

    /**
     * xp = the four phase planes of each input plane, P_ab[u][v] = xpad[2u + a][2v + b] (xpad: the plane with a
     * border of zeros), each (oh + 2) rows of ow + 1; tap[c·9 + 3i + j] = the offset of (c, i, j): the plane
     * P_(i mod 2)(j mod 2) of channel c at row ⌊i/2⌋, column ⌊j/2⌋. Output (r, x) of the stride-2 convolution
     * then reads P at r·(ow + 1) + x + that offset, xpad[2r + i][2x + j]: a stride-1 walk, which the tile does.
     */
    private static void phases(float[] in, int inOff, int ins, int h, int wd, int oh, int ow, float[] xp, int[] tap) {
        int wq = ow + 1, plane = (oh + 2) * wq;
        Arrays.fill(xp, 0, phaseFloats(ins, oh, ow), 0f);
        for (int c = 0; c < ins; c++) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    int base = (c * 4 + a * 2 + b) * plane;
                    for (int u = 0; u <= oh; u++) {
                        int row = 2 * u + a - 1;                                   // the input row under xpad row 2u + a
                        if (row < 0 || row >= h) continue;
                        int src = inOff + (c * h + row) * wd;
                        for (int v = 0; v < wq; v++) {
                            int col = 2 * v + b - 1;
                            if (col >= 0 && col < wd) xp[base + u * wq + v] = in[src + col];
                        }
                    }
                }
            }
            for (int t = 0; t < 9; t++) {
                int i = t / 3, j = t % 3;
                tap[c * 9 + t] = (c * 4 + (i % 2) * 2 + j % 2) * plane + (i / 2) * wq + j / 2;
            }
        }
    }

    /**
     * out[outs][oh][ow] (at outOff) = the 3×3, stride 2, padding 1 convolution of in[ins][h][wd] (at inOff) with
     * the packed weights, through {@link #phases}; {@code xp} of at least {@link #imageStride2ScratchFloats} floats.
     */
    static void imageStride2(float[] in, int inOff, int ins, int h, int wd, float[] packed, int outs, float[] out, int outOff, float[] xp, int[] tap) {
        int oh = (h - 1) / 2 + 1, ow = (wd - 1) / 2 + 1;
        phases(in, inOff, ins, h, wd, oh, ow, xp, tap);
        convolve(ins * 9, packed, outs, xp, tap, phaseFloats(ins, oh, ow), oh, ow + 1, ow, out, outOff);
    }

    /** xp = the ins planes of in (at inOff) with a border of zeros; tap[c·9 + 3i + j] = the offset of (c, i, j) in xp. */
    private static void pad(float[] in, int inOff, int ins, int h, int wd, float[] xp, int[] tap) {
        int wp = wd + 2, plane = (h + 2) * wp;
        Arrays.fill(xp, 0, scratchFloats(ins, h, wd), 0f);
        for (int c = 0; c < ins; c++) {
            for (int r = 0; r < h; r++) System.arraycopy(in, inOff + (c * h + r) * wd, xp, c * plane + (r + 1) * wp + 1, wd);
            for (int t = 0; t < 9; t++) tap[c * 9 + t] = c * plane + (t / 3) * wp + t % 3;
        }
    }

    /**
     * out[outs][h][wd] (at outOff) = the convolution of in[ins][h][wd] (at inOff) with the packed weights;
     * {@code xp} is scratch of at least {@link #imageScratchFloats} floats, {@code tap} of at least ins · 9 ints.
     */
    static void image(float[] in, int inOff, int ins, int h, int wd, float[] packed, int outs, float[] out, int outOff, float[] xp, int[] tap) {
        pad(in, inOff, ins, h, wd, xp, tap);
        // Output position q = r·wp + x of the padded grid reads xpad at q + tap: consecutive q are consecutive
        // in xpad across row ends too, so one vector may span rows. The two columns x = wd, wd + 1 of each
        // grid row are computed from the border and thrown away.
        convolve(ins * 9, packed, outs, xp, tap, scratchFloats(ins, h, wd), h, wd + 2, wd, out, outOff);
    }

    /**
     * The tiles over an output grid of {@code rows} rows of {@code gridW} positions (the first {@code cols} of each
     * real), stored in xp from {@code y} on, then the rows copied out to out[outs][rows][cols] at outOff.
     */
    private static void convolve(int kc, float[] packed, int outs, float[] xp, int[] tap, int y, int rows, int gridW, int cols, float[] out, int outOff) {
        int grid = gridFloats(rows, gridW), positions = rows * gridW;
        for (int ob = 0; ob * OB < outs; ob++) {
            int ai = ob * kc * OB, y0 = y + ob * OB * grid;
            for (int q = 0; q < positions; q += 2 * L) tile(kc, packed, ai, xp, q, q + L, tap, xp, y0 + q, y0 + q + L, grid);
        }
        // Whole-vector stores above, then the rows copied out: JDK 17 runs a partial masked store
        // (intoArray with a mask) as a scalar loop of lambda calls; the masked-store intrinsic came in JDK 18.
        for (int o = 0; o < outs; o++) {
            for (int r = 0; r < rows; r++) System.arraycopy(xp, y + o * grid + r * gridW, out, outOff + (o * rows + r) * cols, cols);
        }
    }

    /**
     * One tile: 8 output channels × two vectors of output positions, read from xp at base0 and base1 (+ each
     * tap's offset) and written whole at oi0 and oi1 (+ plane per channel): 2L consecutive positions of the
     * padded grid. Written out like the GEMM kernel (locals, no helpers in the loop) so that C2 keeps the 16
     * accumulators in registers.
     */
    private static void tile(int kc, float[] a, int ai, float[] xp, int base0, int base1, int[] tap, float[] out, int oi0, int oi1, int plane) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int k = 0; k < kc; k++) {
            int t = tap[k], ao = ai + k * OB;
            FloatVector b0 = FloatVector.fromArray(S, xp, base0 + t);
            FloatVector b1 = FloatVector.fromArray(S, xp, base1 + t);
            FloatVector w;
            w = FloatVector.broadcast(S, a[ao]);     c00 = w.fma(b0, c00); c01 = w.fma(b1, c01);
            w = FloatVector.broadcast(S, a[ao + 1]); c10 = w.fma(b0, c10); c11 = w.fma(b1, c11);
            w = FloatVector.broadcast(S, a[ao + 2]); c20 = w.fma(b0, c20); c21 = w.fma(b1, c21);
            w = FloatVector.broadcast(S, a[ao + 3]); c30 = w.fma(b0, c30); c31 = w.fma(b1, c31);
            w = FloatVector.broadcast(S, a[ao + 4]); c40 = w.fma(b0, c40); c41 = w.fma(b1, c41);
            w = FloatVector.broadcast(S, a[ao + 5]); c50 = w.fma(b0, c50); c51 = w.fma(b1, c51);
            w = FloatVector.broadcast(S, a[ao + 6]); c60 = w.fma(b0, c60); c61 = w.fma(b1, c61);
            w = FloatVector.broadcast(S, a[ao + 7]); c70 = w.fma(b0, c70); c71 = w.fma(b1, c71);
        }
        // all 8 channels (the scratch holds a whole block; channels past outs are not copied out)
        c00.intoArray(out, oi0); c01.intoArray(out, oi1);
        c10.intoArray(out, oi0 + plane); c11.intoArray(out, oi1 + plane);
        c20.intoArray(out, oi0 + 2 * plane); c21.intoArray(out, oi1 + 2 * plane);
        c30.intoArray(out, oi0 + 3 * plane); c31.intoArray(out, oi1 + 3 * plane);
        c40.intoArray(out, oi0 + 4 * plane); c41.intoArray(out, oi1 + 4 * plane);
        c50.intoArray(out, oi0 + 5 * plane); c51.intoArray(out, oi1 + 5 * plane);
        c60.intoArray(out, oi0 + 6 * plane); c61.intoArray(out, oi1 + 6 * plane);
        c70.intoArray(out, oi0 + 7 * plane); c71.intoArray(out, oi1 + 7 * plane);
    }
}
