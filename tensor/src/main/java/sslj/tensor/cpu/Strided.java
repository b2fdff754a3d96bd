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
        return ((CpuStorage) t.storage()).data;
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
