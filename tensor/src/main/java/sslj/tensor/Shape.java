package sslj.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and backends: sizes, strides, broadcasting, dimension checks. */
public final class Shape {
    private Shape() { }

    /** The number of elements of a shape (1 for a scalar, shape {}). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Row-major (C order) strides of a contiguous tensor of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Checks that every size is non-negative and the element count fits an int index. */
    public static int[] check(int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in shape " + str(shape));
        }
        if (numel(shape) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31 elements");
        }
        return shape.clone();
    }

    /**
     * The NumPy broadcast of two shapes: align on the right, sizes must be equal or 1.
     * @throws IllegalArgumentException naming the op and both shapes when they do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " do not broadcast (dim "
                        + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves a possibly negative dimension against a rank, with an error naming the op. */
    public static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IndexOutOfBoundsException(op + ": dimension " + dim + " out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** Resolves a list of dimensions, rejecting duplicates; an empty list means every dimension. */
    public static int[] dims(String op, int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[dims.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dim(op, dims[i], rank);
            if (seen[out[i]]) throw new IllegalArgumentException(op + ": dimension " + dims[i] + " given twice");
            seen[out[i]] = true;
        }
        Arrays.sort(out);
        return out;
    }

    /** "[2, 3]" */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
