package sslj.tensor.cpu;

import sslj.tensor.Tensor;

/**
 * Address arithmetic for strided tensors. A tensor of shape [d0, ..., dk] is walked as rows of its
 * last dimension; {@link #rowStart} finds where row r begins, and a row is then a plain loop with the
 * last stride. Lines along any other dimension work the same way via {@link #lineStart}.
 */
final class Strided {
    private Strided() { }

    static float[] data(Tensor t) {
        return ((CpuStorage) t.storage()).data();
    }

    /** Length of the last dimension (1 for a scalar). */
    static int rowLength(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Stride of the last dimension (1 for a scalar). */
    static int rowStride(int[] strides) {
        return strides.length == 0 ? 1 : strides[strides.length - 1];
    }

    /** Storage index of the first element of row {@code row} (row-major over all dims but the last). */
    static int rowStart(int row, int[] shape, int[] strides, int offset) {
        int off = offset;
        for (int d = shape.length - 2; d >= 0; d--) {
            int s = shape[d];
            off += (row % s) * strides[d];
            row /= s;
        }
        return off;
    }

    /**
     * The same walk over fewer, longer dims: drops size-1 dims and merges dim d into d+1 wherever every
     * operand can step over both with one stride (stride[d] = stride[d+1]·shape[d+1]). A channel
     * broadcast [N, C, H, W] ⊙ [1, C, 1, 1] becomes [N, C, H·W] with rows of H·W instead of W, so the
     * per-row address arithmetic and the short-row tails stop dominating. Returns the new shape
     * followed by each operand's new strides.
     */
    static int[][] coalesce(int[] shape, int[]... strides) {
        int ops = strides.length, k = 0;
        int[] sh = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            boolean merge = k > 0;
            for (int o = 0; o < ops && merge; o++) merge = st[o][k - 1] == strides[o][d] * shape[d];
            if (merge) {
                sh[k - 1] *= shape[d];
                for (int o = 0; o < ops; o++) st[o][k - 1] = strides[o][d];
            } else {
                sh[k] = shape[d];
                for (int o = 0; o < ops; o++) st[o][k] = strides[o][d];
                k++;
            }
        }
        int[][] out = new int[ops + 1][];
        out[0] = java.util.Arrays.copyOf(sh, k);
        for (int o = 0; o < ops; o++) out[o + 1] = java.util.Arrays.copyOf(st[o], k);
        return out;
    }

    /** Storage index of the first element of line {@code line} along {@code dim}: the other dims, row-major. */
    static int lineStart(int line, int dim, int[] shape, int[] strides, int offset) {
        int off = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (d == dim) continue;
            int s = shape[d];
            off += (line % s) * strides[d];
            line /= s;
        }
        return off;
    }

    /** Visits the storage index of every element of a strided view in row-major order. */
    static final class Odometer {
        private final int[] shape, strides, idx;
        int pos;

        Odometer(int[] shape, int[] strides, int offset) {
            this.shape = shape;
            this.strides = strides;
            this.idx = new int[shape.length];
            this.pos = offset;
        }

        void next() {
            for (int d = shape.length - 1; d >= 0; d--) {
                pos += strides[d];
                if (++idx[d] < shape[d]) return;
                pos -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }
}
