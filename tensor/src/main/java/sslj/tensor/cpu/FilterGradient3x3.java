package sslj.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The filter gradient of a 3×3, padding 1 convolution (stride 1 or 2), summed over a run of images:
 * <pre>
 *   dw[o][c][i][j] += Σ_n Σ_{r, x} dy[n][o][r][x] · xpad[n][c][s·r + i][s·x + j]      xpad: x with a border of zeros
 * </pre>
 * It is a GEMM, dwᵀ [C·9, O] = X̃ [C·9, P] · dyᵀ [P, O], whose reduction runs over every output position of
 * every image (P = N·OH·OW), and the whole point is to keep that reduction long and in registers. The
 * micro-kernel holds one input channel's 9 taps × 2 vectors of output channels (18 accumulators) and, per
 * output position, loads dy of 2L output channels (dy transposed to [P, O] once, a cheap copy) and
 * broadcasts the 9 input values under the window straight from the zero-padded image — no column matrix,
 * and the accumulators live across all positions of all images of a stack, summed out once.
 *
 * <p>Layout: the images of a stack are padded and stacked channel by channel, image n's plane at n·S with
 * S = (h + 1)·(wd + 2): consecutive images share one zero row (the bottom border of one is the top border
 * of the next). A table gives, for every real output position, the offset of its window's top-left tap in
 * that plane, so the positions run as one flat loop (C2 keeps the accumulators in registers only in a
 * single loop) and no position is wasted on a border. A stack holds about {@link #STACK_BYTES} of x and dy
 * so that it stays in L2 while every channel's pass reads it. Sums run in a fixed order (positions, then
 * stacks in image order), so the result does not depend on timing.
 */
final class FilterGradient3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** About how many bytes of x and dy one stack holds (half a 2 MB L2). */
    static final int STACK_BYTES = 1 << 20;

    private FilterGradient3x3() { }

    /** One thread's buffers, grown on demand: the stacked padded x, dy transposed, the position table, lane sums. */
    static final class Scratch {
        float[] x = new float[0], dyT = new float[0];
        int[] pos = new int[0];
        final float[] lanes = new float[L];
    }

    private static int roundUp(int v, int to) { return (v + to - 1) / to * to; }

    /** Images per stack for c input channels of h × wd and o output channels of oh × ow (at least 1). */
    static int stackImages(int c, int o, int h, int wd, int oh, int ow) {
        long perImage = ((long) c * (h + 1) * (wd + 2) + (long) roundUp(o, L) * oh * ow) * Float.BYTES;
        return (int) Math.max(1, STACK_BYTES / perImage);
    }

    /**
     * dw [o, c, 3, 3] += the filter gradient of {@code images} images: x [images, c, h, wd] at {@code xOff},
     * dy [images, o, oh, ow] at {@code dyOff}, both contiguous; stride 1 or 2, padding 1.
     */
    static void accumulate(float[] x, int xOff, float[] dy, int dyOff, int images, int c, int o, int h, int wd, int stride,
                           float[] dw, Scratch scratch) {
        int oh = (h - 1) / stride + 1, ow = (wd - 1) / stride + 1;
        int per = stackImages(c, o, h, wd, oh, ow);
        for (int first = 0; first < images; first += per) {
            int m = Math.min(per, images - first);
            stack(x, xOff + first * c * h * wd, dy, dyOff + first * o * oh * ow, m, c, o, h, wd, oh, ow, stride, dw, scratch);
        }
    }

    /** One stack of m images: pad and stack x, transpose dy, then each channel's passes. */
    private static void stack(float[] x, int xOff, float[] dy, int dyOff, int m, int c, int o, int h, int wd, int oh, int ow,
                              int stride, float[] dw, Scratch s) {
        int wp = wd + 2, plane = (h + 1) * wp, xPlane = (m + 1) * plane + 2;   // + the last image's bottom border
        int positions = m * oh * ow, op = roundUp(o, L), kc = c * 9;
        if (s.x.length < c * xPlane) s.x = new float[c * xPlane];
        if (s.dyT.length < positions * op) s.dyT = new float[positions * op];
        if (s.pos.length < positions) s.pos = new int[positions];
        float[] xs = s.x, dyT = s.dyT;
        int[] pos = s.pos;
        Arrays.fill(xs, 0, c * xPlane, 0f);
        if (op != o) Arrays.fill(dyT, 0, positions * op, 0f);                 // the lanes past o stay zero
        for (int n = 0; n < m; n++) {
            // image n's row r at n·plane + (r + 1)·wp + 1: row 0 of each image's slot is the border it shares
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    System.arraycopy(x, xOff + ((n * c + ch) * h + r) * wd, xs, ch * xPlane + n * plane + (r + 1) * wp + 1, wd);
                }
            }
            for (int r = 0, p = n * oh * ow; r < oh; r++) {
                for (int col = 0; col < ow; col++, p++) pos[p] = n * plane + stride * r * wp + stride * col;
            }
            int p0 = n * oh * ow, d0 = dyOff + n * o * oh * ow;
            for (int oc = 0; oc < o; oc++) {
                for (int q = 0; q < oh * ow; q++) dyT[(p0 + q) * op + oc] = dy[d0 + oc * oh * ow + q];
            }
        }
        for (int ch = 0; ch < c; ch++) {
            int ob = 0;
            for (; ob + 2 * L <= op; ob += 2 * L) tile2(xs, ch * xPlane, wp, pos, positions, dyT, op, ob, dw, ch * 9, kc, o, s.lanes);
            if (ob < op) tile1(xs, ch * xPlane, wp, pos, positions, dyT, op, ob, dw, ch * 9, kc, o, s.lanes);
        }
    }

    /**
     * dw[ob .. ob + 2L)[k0 .. k0 + 9) += Σ_p dyᵀ[p][ob ..] · xs[base + pos[p] + tap]: one channel's 9 taps × 2 vectors
     * of output channels in 18 accumulators. Written out, locals only, so that C2 keeps them in registers.
     */
    private static void tile2(float[] xs, int base, int wp, int[] pos, int positions, float[] dyT, int op, int ob,
                              float[] dw, int k0, int kc, int o, float[] lanes) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00, a40 = a00, a41 = a00;
        FloatVector a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00, a80 = a00, a81 = a00;
        int w1 = wp, w2 = 2 * wp;
        for (int p = 0; p < positions; p++) {
            int q = base + pos[p], d = p * op + ob;
            FloatVector d0 = FloatVector.fromArray(S, dyT, d), d1 = FloatVector.fromArray(S, dyT, d + L), b;
            b = FloatVector.broadcast(S, xs[q]);          a00 = b.fma(d0, a00); a01 = b.fma(d1, a01);
            b = FloatVector.broadcast(S, xs[q + 1]);      a10 = b.fma(d0, a10); a11 = b.fma(d1, a11);
            b = FloatVector.broadcast(S, xs[q + 2]);      a20 = b.fma(d0, a20); a21 = b.fma(d1, a21);
            b = FloatVector.broadcast(S, xs[q + w1]);     a30 = b.fma(d0, a30); a31 = b.fma(d1, a31);
            b = FloatVector.broadcast(S, xs[q + w1 + 1]); a40 = b.fma(d0, a40); a41 = b.fma(d1, a41);
            b = FloatVector.broadcast(S, xs[q + w1 + 2]); a50 = b.fma(d0, a50); a51 = b.fma(d1, a51);
            b = FloatVector.broadcast(S, xs[q + w2]);     a60 = b.fma(d0, a60); a61 = b.fma(d1, a61);
            b = FloatVector.broadcast(S, xs[q + w2 + 1]); a70 = b.fma(d0, a70); a71 = b.fma(d1, a71);
            b = FloatVector.broadcast(S, xs[q + w2 + 2]); a80 = b.fma(d0, a80); a81 = b.fma(d1, a81);
        }
        // lanes out one accumulator at a time (an array of the vectors would box them inside the loop)
        int o1 = ob + L;
        addLanes(a00, dw, ob, k0, kc, o, lanes); addLanes(a01, dw, o1, k0, kc, o, lanes);
        addLanes(a10, dw, ob, k0 + 1, kc, o, lanes); addLanes(a11, dw, o1, k0 + 1, kc, o, lanes);
        addLanes(a20, dw, ob, k0 + 2, kc, o, lanes); addLanes(a21, dw, o1, k0 + 2, kc, o, lanes);
        addLanes(a30, dw, ob, k0 + 3, kc, o, lanes); addLanes(a31, dw, o1, k0 + 3, kc, o, lanes);
        addLanes(a40, dw, ob, k0 + 4, kc, o, lanes); addLanes(a41, dw, o1, k0 + 4, kc, o, lanes);
        addLanes(a50, dw, ob, k0 + 5, kc, o, lanes); addLanes(a51, dw, o1, k0 + 5, kc, o, lanes);
        addLanes(a60, dw, ob, k0 + 6, kc, o, lanes); addLanes(a61, dw, o1, k0 + 6, kc, o, lanes);
        addLanes(a70, dw, ob, k0 + 7, kc, o, lanes); addLanes(a71, dw, o1, k0 + 7, kc, o, lanes);
        addLanes(a80, dw, ob, k0 + 8, kc, o, lanes); addLanes(a81, dw, o1, k0 + 8, kc, o, lanes);
    }

    /** As {@link #tile2} for one vector of output channels (the last, or the only one). */
    private static void tile1(float[] xs, int base, int wp, int[] pos, int positions, float[] dyT, int op, int ob,
                              float[] dw, int k0, int kc, int o, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
        int w1 = wp, w2 = 2 * wp;
        for (int p = 0; p < positions; p++) {
            int q = base + pos[p];
            FloatVector d0 = FloatVector.fromArray(S, dyT, p * op + ob);
            a0 = FloatVector.broadcast(S, xs[q]).fma(d0, a0);
            a1 = FloatVector.broadcast(S, xs[q + 1]).fma(d0, a1);
            a2 = FloatVector.broadcast(S, xs[q + 2]).fma(d0, a2);
            a3 = FloatVector.broadcast(S, xs[q + w1]).fma(d0, a3);
            a4 = FloatVector.broadcast(S, xs[q + w1 + 1]).fma(d0, a4);
            a5 = FloatVector.broadcast(S, xs[q + w1 + 2]).fma(d0, a5);
            a6 = FloatVector.broadcast(S, xs[q + w2]).fma(d0, a6);
            a7 = FloatVector.broadcast(S, xs[q + w2 + 1]).fma(d0, a7);
            a8 = FloatVector.broadcast(S, xs[q + w2 + 2]).fma(d0, a8);
        }
        addLanes(a0, dw, ob, k0, kc, o, lanes); addLanes(a1, dw, ob, k0 + 1, kc, o, lanes); addLanes(a2, dw, ob, k0 + 2, kc, o, lanes);
        addLanes(a3, dw, ob, k0 + 3, kc, o, lanes); addLanes(a4, dw, ob, k0 + 4, kc, o, lanes); addLanes(a5, dw, ob, k0 + 5, kc, o, lanes);
        addLanes(a6, dw, ob, k0 + 6, kc, o, lanes); addLanes(a7, dw, ob, k0 + 7, kc, o, lanes); addLanes(a8, dw, ob, k0 + 8, kc, o, lanes);
    }

    /** dw[(o0 + l)·kc + k] += lane l of a, for the lanes that are real output channels (o0 + l < o). */
    private static void addLanes(FloatVector a, float[] dw, int o0, int k, int kc, int o, float[] lanes) {
        a.intoArray(lanes, 0);
        for (int l = 0; l < L && o0 + l < o; l++) dw[(o0 + l) * kc + k] += lanes[l];
    }
}
