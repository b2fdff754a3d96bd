package sslj.kernels.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the shapes and strides of an elementwise op's operands into launches of the four-dimensional
 * strided kernels of elementwise.ptx.
 *
 * <p>Steps: drop size-1 dims (their strides never matter); merge neighbouring dims d, d+1 when every
 * operand has stride[d] = stride[d+1]·size[d+1] (they then walk as one); pad to four dims with leading
 * 1s. Almost every tensor in a network ends with at most three dims here (a contiguous tensor with
 * one; a bias broadcast over rows with two). A rank still above four is split on the host: one launch
 * per index of the leading dims, with the operands' base offsets moved to that sub-view.
 */
final class Geometry {
    private Geometry() { }

    /** Dims a kernel handles; more are split into launches. */
    static final int RANK = 4;

    /**
     * One launch: {@code n} elements of the view sizes[0..3] (sizes[0] = n / the rest); per operand k
     * its strides[k][0..3] and the element offset to add to its base; flat when every operand is
     * contiguous, so that element i is at offset i everywhere.
     */
    record Part(int n, int[] sizes, int[][] strides, long[] offsets, boolean flat) { }

    /** The launches covering {@code shape} for operands with {@code strides[k]} (empty when there are no elements). */
    static List<Part> plan(int[] shape, int[]... strides) {
        int ops = strides.length;
        long total = 1;
        for (int s : shape) total *= s;
        List<Part> parts = new ArrayList<>();
        if (total == 0) return parts;
        // drop size-1 dims and merge dims that are contiguous with their inner neighbour in every operand
        List<Integer> sizes = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            int[] s = new int[ops];
            for (int k = 0; k < ops; k++) s[k] = strides[k][d];
            int last = sizes.size() - 1;
            if (last >= 0 && mergeable(st.get(last), s, shape[d])) {
                sizes.set(last, sizes.get(last) * shape[d]);
                st.set(last, s);
            } else {
                sizes.add(shape[d]);
                st.add(s);
            }
        }
        int rank = sizes.size();
        boolean flat = rank == 0 || (rank == 1 && allOnes(st.get(0)));
        int lead = Math.max(0, rank - RANK);
        // the last (up to) four dims form one launch; the leading ones are walked here
        int[] inner = new int[RANK];
        int[][] innerStrides = new int[ops][RANK];
        java.util.Arrays.fill(inner, 1);
        int n = 1;
        for (int j = 0; j < Math.min(rank, RANK); j++) {
            int d = rank - 1 - j, slot = RANK - 1 - j;
            inner[slot] = sizes.get(d);
            n *= sizes.get(d);
            for (int k = 0; k < ops; k++) innerStrides[k][slot] = st.get(d)[k];
        }
        int[] idx = new int[lead];
        while (true) {
            long[] offsets = new long[ops];
            for (int j = 0; j < lead; j++) for (int k = 0; k < ops; k++) offsets[k] += (long) idx[j] * st.get(j)[k];
            parts.add(new Part(n, inner, innerStrides, offsets, flat));
            int j = lead - 1;
            while (j >= 0 && ++idx[j] == sizes.get(j)) idx[j--] = 0;
            if (j < 0) break;
        }
        return parts;
    }

    private static boolean mergeable(int[] outer, int[] inner, int innerSize) {
        for (int k = 0; k < outer.length; k++) if ((long) outer[k] != (long) inner[k] * innerSize) return false;
        return true;
    }

    private static boolean allOnes(int[] s) {
        for (int v : s) if (v != 1) return false;
        return true;
    }

    /** Row-major strides of a contiguous tensor of {@code shape}. */
    static int[] contiguous(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }
}
