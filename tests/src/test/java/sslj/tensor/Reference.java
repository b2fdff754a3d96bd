package sslj.tensor;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * What the tensor ops should compute, written the slow and obvious way: double precision, row-major
 * arrays, nested loops over multi-indices, and nothing from the code under test. Views are copies here
 * (a transpose is a new array), so a test can compare {@code op(x.t())} with {@code op(transpose(x))}.
 */
final class Reference {
    private Reference() { }

    /** An n-dimensional array: a shape and its values in row-major order. */
    record Nd(int[] shape, double[] data) {
        Nd {
            if (numel(shape) != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }

        double at(int... index) { return data[offset(shape, index)]; }
    }

    static Nd of(float[] values, int... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return new Nd(shape.clone(), d);
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Row-major position of a multi-index. */
    static int offset(int[] shape, int[] index) {
        int off = 0;
        for (int d = 0; d < shape.length; d++) off = off * shape[d] + index[d];
        return off;
    }

    /** Advances a multi-index over {@code shape} in row-major order; false once past the last element. */
    static boolean next(int[] index, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) return true;
            index[d] = 0;
        }
        return false;
    }

    // ------------------------------------------------------------------ views, as copies

    /** result[i0, i1, ...] = x[index in x's dims] where x's dim order[k] takes i_k. */
    static Nd permute(Nd x, int... order) {
        int[] shape = new int[order.length];
        for (int k = 0; k < order.length; k++) shape[k] = x.shape[order[k]];
        double[] out = new double[x.data.length];
        int[] i = new int[shape.length], src = new int[shape.length];
        for (int o = 0; o < out.length; o++, next(i, shape)) {
            for (int k = 0; k < order.length; k++) src[order[k]] = i[k];
            out[o] = x.at(src);
        }
        return new Nd(shape, out);
    }

    static Nd transpose(Nd x, int a, int b) {
        int[] order = new int[x.shape.length];
        for (int k = 0; k < order.length; k++) order[k] = k;
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    /** Elements start, start + step, ... below end of {@code dim} (non-negative, in-range arguments). */
    static Nd slice(Nd x, int dim, int start, int end, int step) {
        int[] shape = x.shape.clone();
        shape[dim] = (end - start + step - 1) / step;
        double[] out = new double[numel(shape)];
        int[] i = new int[shape.length];
        for (int o = 0; o < out.length; o++, next(i, shape)) {
            int[] src = i.clone();
            src[dim] = start + i[dim] * step;
            out[o] = x.at(src);
        }
        return new Nd(shape, out);
    }

    /** Index {@code at} of {@code dim}, that dim removed. */
    static Nd select(Nd x, int dim, int at) {
        Nd s = slice(x, dim, at, at + 1, 1);
        int[] shape = new int[x.shape.length - 1];
        for (int d = 0, k = 0; d < x.shape.length; d++) if (d != dim) shape[k++] = x.shape[d];
        return new Nd(shape, s.data);
    }

    /** NumPy broadcasting of two shapes (right-aligned; sizes equal or 1). */
    static int[] broadcastShape(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            int da = k < n - a.length ? 1 : a[k - (n - a.length)];
            int db = k < n - b.length ? 1 : b[k - (n - b.length)];
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException("reference: shapes do not broadcast");
            out[k] = Math.max(da, db);
        }
        return out;
    }

    /** x repeated along its size-1 (and new leading) dims to {@code shape}. */
    static Nd expand(Nd x, int... shape) {
        int lead = shape.length - x.shape.length;
        double[] out = new double[numel(shape)];
        int[] i = new int[shape.length], src = new int[x.shape.length];
        for (int o = 0; o < out.length; o++, next(i, shape)) {
            for (int d = 0; d < src.length; d++) src[d] = x.shape[d] == 1 ? 0 : i[d + lead];
            out[o] = x.at(src);
        }
        return new Nd(shape.clone(), out);
    }

    // ------------------------------------------------------------------ elementwise

    static Nd map(Nd x, DoubleUnaryOperator f) {
        double[] out = new double[x.data.length];
        for (int i = 0; i < out.length; i++) out[i] = f.applyAsDouble(x.data[i]);
        return new Nd(x.shape.clone(), out);
    }

    /** f(a, b) with NumPy broadcasting. */
    static Nd zip(Nd a, Nd b, DoubleBinaryOperator f) {
        int[] shape = broadcastShape(a.shape, b.shape);
        Nd ea = expand(a, shape), eb = expand(b, shape);
        double[] out = new double[ea.data.length];
        for (int i = 0; i < out.length; i++) out[i] = f.applyAsDouble(ea.data[i], eb.data[i]);
        return new Nd(shape, out);
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Applies {@code f} to the values of each reduced block (row-major over the reduced dims). An empty
     * {@code dims} means every dim.
     */
    static Nd reduce(Nd x, int[] dims, boolean keepdim, ToDoubleFunction<double[]> f) {
        int rank = x.shape.length;
        boolean[] reduced = new boolean[rank];
        if (dims.length == 0) Arrays.fill(reduced, true);
        for (int d : dims) reduced[d < 0 ? d + rank : d] = true;
        int[] keptShape = x.shape.clone();
        int blockSize = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                blockSize *= x.shape[d];
                keptShape[d] = 1;
            }
        }
        double[][] blocks = new double[numel(keptShape)][blockSize];
        int[] fill = new int[blocks.length];
        int[] i = new int[rank], kept = new int[rank];
        for (int n = 0; n < x.data.length; n++, next(i, x.shape)) {
            for (int d = 0; d < rank; d++) kept[d] = reduced[d] ? 0 : i[d];
            int o = offset(keptShape, kept);
            blocks[o][fill[o]++] = x.data[n];
        }
        double[] out = new double[blocks.length];
        for (int o = 0; o < out.length; o++) out[o] = f.applyAsDouble(blocks[o]);
        if (keepdim) return new Nd(keptShape, out);
        return new Nd(Arrays.stream(range(rank)).filter(d -> !reduced[d]).map(d -> x.shape[d]).toArray(), out);
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    static double mean(double[] v) { return sum(v) / v.length; }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Double.isNaN(x) || Double.isNaN(m) ? Double.NaN : Math.max(m, x);
        return m;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Double.isNaN(x) || Double.isNaN(m) ? Double.NaN : Math.min(m, x);
        return m;
    }

    /** log Σ exp(v), shifted by the maximum so that exp never overflows. */
    static double logsumexp(double[] v) {
        double m = max(v);
        if (Double.isInfinite(m)) return m;
        double s = 0;
        for (double x : v) s += Math.exp(x - m);
        return m + Math.log(s);
    }

    static double var(double[] v, int correction) {
        double mu = mean(v), s = 0;
        for (double x : v) s += (x - mu) * (x - mu);
        return s / (v.length - correction);
    }

    // ------------------------------------------------------------------ along one dim

    /** Applies {@code f} to every line along {@code dim}; f rewrites the line in place. */
    static Nd alongDim(Nd x, int dim, java.util.function.Consumer<double[]> f) {
        double[] out = x.data.clone();
        int len = x.shape[dim];
        int[] others = x.shape.clone();
        others[dim] = 1;
        int[] i = new int[x.shape.length];
        double[] line = new double[len];
        for (int n = 0; n < numel(others); n++, next(i, others)) {
            int[] at = i.clone();
            for (int j = 0; j < len; j++) {
                at[dim] = j;
                line[j] = x.at(at);
            }
            f.accept(line);
            for (int j = 0; j < len; j++) {
                at[dim] = j;
                out[offset(x.shape, at)] = line[j];
            }
        }
        return new Nd(x.shape.clone(), out);
    }

    static Nd softmax(Nd x, int dim, boolean log) {
        return alongDim(x, dim, line -> {
            double lse = logsumexp(line);
            for (int j = 0; j < line.length; j++) line[j] = log ? line[j] - lse : Math.exp(line[j] - lse);
        });
    }

    static Nd l2Normalize(Nd x, int dim, double eps) {
        return alongDim(x, dim, line -> {
            double ss = 0;
            for (double v : line) ss += v * v;
            double norm = Math.max(Math.sqrt(ss), eps);
            for (int j = 0; j < line.length; j++) line[j] /= norm;
        });
    }

    // ------------------------------------------------------------------ matrix product

    /** C[i][j] = Σ_p A[i][p]·B[p][j] for 2-d arrays, the textbook triple loop. */
    static Nd matmul2d(Nd a, Nd b) {
        int m = a.shape[0], k = a.shape[1], n = b.shape[1];
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
                c[i * n + j] = s;
            }
        }
        return new Nd(new int[] {m, n}, c);
    }

    /**
     * PyTorch's matmul rules: a 1-d left operand is a row [1, k], a 1-d right operand a column [k, 1]
     * (the added dim removed afterwards); leading batch dims broadcast.
     */
    static Nd matmul(Nd a, Nd b) {
        Nd a2 = a.shape.length == 1 ? new Nd(new int[] {1, a.shape[0]}, a.data) : a;
        Nd b2 = b.shape.length == 1 ? new Nd(new int[] {b.shape[0], 1}, b.data) : b;
        int ra = a2.shape.length, rb = b2.shape.length;
        int m = a2.shape[ra - 2], k = a2.shape[ra - 1], n = b2.shape[rb - 1];
        int[] batch = broadcastShape(Arrays.copyOf(a2.shape, ra - 2), Arrays.copyOf(b2.shape, rb - 2));
        Nd ea = expand(a2, concat(batch, m, k)), eb = expand(b2, concat(batch, k, n));
        int nb = numel(batch);
        double[] out = new double[nb * m * n];
        for (int q = 0; q < nb; q++) {
            Nd am = new Nd(new int[] {m, k}, Arrays.copyOfRange(ea.data, q * m * k, (q + 1) * m * k));
            Nd bm = new Nd(new int[] {k, n}, Arrays.copyOfRange(eb.data, q * k * n, (q + 1) * k * n));
            System.arraycopy(matmul2d(am, bm).data, 0, out, q * m * n, m * n);
        }
        int[] shape = concat(batch, m, n);
        if (a.shape.length == 1) shape = removeAt(shape, shape.length - 2);
        if (b.shape.length == 1) shape = removeAt(shape, shape.length - 1);
        return new Nd(shape, out);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    private static int[] removeAt(int[] a, int at) {
        int[] r = new int[a.length - 1];
        for (int i = 0, k = 0; i < a.length; i++) if (i != at) r[k++] = a[i];
        return r;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
