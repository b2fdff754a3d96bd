package sslj.tensor.cpu;

import sslj.tensor.ReduceOp;
import sslj.tensor.Tensor;

/**
 * Reductions and the ops that work along one dimension (softmax, L2 normalisation, argmax).
 *
 * <p>Reductions permute the tensor so that kept dims come first and reduced dims last; each output
 * element then reduces one contiguous-in-index block, walked with an odometer, accumulating in double
 * so that a sum of a million floats is still correct to float precision. Max-subtraction makes
 * logsumexp and softmax safe for any finite input.
 */
final class CpuReduce {
    private CpuReduce() { }

    static Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        int[] shape = x.shape(), strides = x.strides();
        int rank = shape.length;
        boolean[] red = new boolean[rank];
        for (int d : dims) red[d] = true;
        int nKept = rank - dims.length;
        int[] order = new int[rank];
        int k = 0;
        for (int d = 0; d < rank; d++) if (!red[d]) order[k++] = d;
        for (int d : dims) order[k++] = d;
        int[] keptShape = new int[nKept], keptStr = new int[nKept], redShape = new int[dims.length], redStr = new int[dims.length];
        int outN = 1, redN = 1;
        for (int i = 0; i < rank; i++) {
            int d = order[i];
            if (i < nKept) { keptShape[i] = shape[d]; keptStr[i] = strides[d]; outN *= shape[d]; }
            else { redShape[i - nKept] = shape[d]; redStr[i - nKept] = strides[d]; redN *= shape[d]; }
        }
        int[] outShape = keepdim ? keptDimShape(shape, red) : keptShape;
        Tensor out = CpuBackend.empty(x.device(), outShape);
        float[] src = Strided.data(x), dst = Strided.data(out);
        final int rn = redN;
        // Fewer, longer dims walk the same elements; the innermost reduced dim becomes a plain strided
        // loop (a line) instead of an odometer step per element.
        int[][] kept = Strided.coalesce(keptShape, keptStr), block = Strided.coalesce(redShape, redStr);
        int r = block[0].length, len = r == 0 ? 1 : block[0][r - 1], step = r == 0 ? 1 : block[1][r - 1];
        int[] outerShape = java.util.Arrays.copyOf(block[0], Math.max(0, r - 1)), outerStr = java.util.Arrays.copyOf(block[1], Math.max(0, r - 1));
        CpuParallel.forRange(outN, Math.max(1, (1 << 14) / Math.max(1, rn)), (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int base = keptStart(o, kept[0], kept[1], x.offset());
                dst[o] = reduceBlock(op, src, base, outerShape, outerStr, len, step, rn);
            }
        });
        return out;
    }

    private static int[] keptDimShape(int[] shape, boolean[] red) {
        int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) if (red[d]) s[d] = 1;
        return s;
    }

    private static int keptStart(int o, int[] keptShape, int[] keptStr, int offset) {
        int off = offset;
        for (int d = keptShape.length - 1; d >= 0; d--) {
            off += (o % keptShape[d]) * keptStr[d];
            o /= keptShape[d];
        }
        return off;
    }

    /**
     * Reduces the n elements of one block: lines of {@code len} elements {@code step} apart, whose starts
     * an odometer over {@code outerShape} / {@code outerStr} visits from {@code base}.
     */
    private static float reduceBlock(ReduceOp op, float[] src, int base, int[] outerShape, int[] outerStr, int len, int step, int n) {
        int lines = len == 0 ? 0 : n / len;
        switch (op) {
            case SUM:
            case MEAN: {
                double s = 0;
                Strided.Odometer it = new Strided.Odometer(outerShape, outerStr, base);
                for (int l = 0; l < lines; l++, it.next()) s += sumLine(src, it.pos, len, step);
                return (float) (op == ReduceOp.MEAN ? s / n : s);
            }
            case MAX:
            case MIN: {
                float m = src[base];
                boolean max = op == ReduceOp.MAX;
                Strided.Odometer it = new Strided.Odometer(outerShape, outerStr, base);
                for (int l = 0; l < lines; l++, it.next()) {
                    for (int j = 0, p = it.pos; j < len; j++, p += step) {
                        float v = src[p];
                        if (Float.isNaN(v)) return Float.NaN;
                        if (max ? v > m : v < m) m = v;
                    }
                }
                return m;
            }
            case LOGSUMEXP: {
                float m = Float.NEGATIVE_INFINITY;
                Strided.Odometer it = new Strided.Odometer(outerShape, outerStr, base);
                for (int l = 0; l < lines; l++, it.next()) {
                    for (int j = 0, p = it.pos; j < len; j++, p += step) {
                        float v = src[p];
                        if (Float.isNaN(v)) return Float.NaN;
                        m = Math.max(m, v);
                    }
                }
                if (Float.isInfinite(m)) return m; // all -inf gives -inf; any +inf gives +inf
                double s = 0;
                it = new Strided.Odometer(outerShape, outerStr, base);
                for (int l = 0; l < lines; l++, it.next()) {
                    for (int j = 0, p = it.pos; j < len; j++, p += step) s += Math.exp(src[p] - (double) m);
                }
                return (float) (m + Math.log(s));
            }
            default: throw new AssertionError(op);
        }
    }

    /**
     * Σ src[p + j·step] for j &lt; len in double, over four running sums: one chain of dependent adds
     * waits ~4 cycles per element, four independent chains keep the adder busy.
     */
    private static double sumLine(float[] src, int p, int len, int step) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < len; j += 4, p += 4 * step) {
            s0 += src[p];
            s1 += src[p + step];
            s2 += src[p + 2 * step];
            s3 += src[p + 3 * step];
        }
        for (; j < len; j++, p += step) s0 += src[p];
        return (s0 + s1) + (s2 + s3);
    }

    static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        int[] shape = x.shape(), st = x.strides();
        int len = shape[dim], lines = x.numel() / len, stride = st[dim];
        int[] outShape = shape.clone();
        outShape[dim] = 1;
        Tensor out = CpuBackend.empty(x.device(), outShape);
        float[] src = Strided.data(x), dst = Strided.data(out);
        for (int l = 0; l < lines; l++) {
            int s = Strided.lineStart(l, dim, shape, st, x.offset());
            int best = 0;
            float bv = src[s];
            for (int j = 1; j < len && !Float.isNaN(bv); j++) {
                float v = src[s + j * stride];
                if (v > bv || Float.isNaN(v)) { bv = v; best = j; }
            }
            dst[l] = best;
        }
        return keepdim ? out : out.squeeze(dim);
    }

    /** softmax_j = exp(x_j − m) / Σ_k exp(x_k − m) with m = max_k x_k; log-softmax = x_j − m − log Σ. */
    static Tensor softmax(Tensor x, int dim, boolean log) {
        int[] shape = x.shape(), st = x.strides();
        Tensor out = CpuBackend.empty(x.device(), shape);
        if (x.numel() == 0) return out;
        int[] ost = out.strides();
        int len = shape[dim], lines = x.numel() / len, stride = st[dim], ostride = ost[dim];
        float[] src = Strided.data(x), dst = Strided.data(out);
        CpuParallel.forRange(lines, Math.max(1, 4096 / len), (lo, hi) -> {
            for (int l = lo; l < hi; l++) {
                int s = Strided.lineStart(l, dim, shape, st, x.offset()), o = Strided.lineStart(l, dim, shape, ost, 0);
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) m = Math.max(m, src[s + j * stride]);
                double sum = 0;
                for (int j = 0; j < len; j++) sum += Math.exp(src[s + j * stride] - (double) m);
                double lse = m + Math.log(sum);
                for (int j = 0; j < len; j++) {
                    double v = src[s + j * stride] - lse;
                    dst[o + j * ostride] = (float) (log ? v : Math.exp(v));
                }
            }
        });
        return out;
    }

    /** x / max(‖x‖₂, eps) along dim. */
    static Tensor l2Normalize(Tensor x, int dim, float eps) {
        int[] shape = x.shape(), st = x.strides();
        Tensor out = CpuBackend.empty(x.device(), shape);
        if (x.numel() == 0) return out;
        int[] ost = out.strides();
        int len = shape[dim], lines = x.numel() / len, stride = st[dim], ostride = ost[dim];
        float[] src = Strided.data(x), dst = Strided.data(out);
        CpuParallel.forRange(lines, Math.max(1, 4096 / len), (lo, hi) -> {
            for (int l = lo; l < hi; l++) {
                int s = Strided.lineStart(l, dim, shape, st, x.offset()), o = Strided.lineStart(l, dim, shape, ost, 0);
                double ss = 0;
                for (int j = 0; j < len; j++) {
                    double v = src[s + j * stride];
                    ss += v * v;
                }
                double inv = 1.0 / Math.max(Math.sqrt(ss), eps);
                for (int j = 0; j < len; j++) dst[o + j * ostride] = (float) (src[s + j * stride] * inv);
            }
        });
        return out;
    }
}
