package sslj.tensor.cpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import sslj.tensor.Tensor;

/**
 * Joining, index-driven reads and writes (the memory bank's and kNN's ops) and sorting. Index values
 * are float32 whole numbers; each is checked, and a bad one is reported with the op and the size.
 */
final class CpuIndexing {
    private CpuIndexing() { }

    /** Reads index value {@code v} as an int in [0, size), or throws naming the op. */
    static int index(String op, float v, int size) {
        int i = (int) v;
        if (i != v) {
            throw new IndexOutOfBoundsException(op + ": index " + v + " is not a whole number (dimension of size " + size + ")");
        }
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(op + ": index " + v + " out of range for a dimension of size " + size);
        }
        return i;
    }

    static Tensor concat(List<Tensor> xs, int dim) {
        int[] shape = xs.get(0).shape();
        int total = 0;
        for (Tensor x : xs) total += x.size(dim);
        shape[dim] = total;
        Tensor out = CpuBackend.empty(xs.get(0).device(), shape);
        int at = 0;
        for (Tensor x : xs) {
            int n = x.size(dim);
            CpuElementwise.copyInto(out.narrow(dim, at, n), x);
            at += n;
        }
        return out;
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        float[] idx = index.toFloatArray();
        int[] shape = x.shape();
        int size = shape[dim];
        shape[dim] = idx.length;
        Tensor out = CpuBackend.empty(x.device(), shape);
        for (int i = 0; i < idx.length; i++) {
            CpuElementwise.copyInto(out.narrow(dim, i, 1), x.narrow(dim, index("indexSelect", idx[i], size), 1));
        }
        return out;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        int[] is = index.shape();
        Tensor out = CpuBackend.empty(x.device(), is);
        float[] src = Strided.data(x), dst = Strided.data(out), idx = index.toFloatArray();
        int[] xs = x.strides(), xshape = x.shape();
        Strided.Odometer pos = new Strided.Odometer(is, withZero(xs, dim), x.offset());
        for (int i = 0; i < idx.length; i++, pos.next()) {
            dst[i] = src[pos.pos + index("gather", idx[i], xshape[dim]) * xs[dim]];
        }
        return out;
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Tensor out = CpuElementwise.unary(sslj.tensor.UnaryOp.IDENTITY, x, 0f);
        int[] is = index.shape();
        float[] dst = Strided.data(out), idx = index.toFloatArray(), s = src.contiguous().toFloatArray();
        int[] os = out.strides(), oshape = out.shape();
        Strided.Odometer pos = new Strided.Odometer(is, withZero(os, dim), 0);
        for (int i = 0; i < idx.length; i++, pos.next()) {
            dst[pos.pos + index("scatterAdd", idx[i], oshape[dim]) * os[dim]] += s[i];
        }
        return out;
    }

    /** The strides with dimension dim's set to 0: walking the index shape then gives the row's base. */
    private static int[] withZero(int[] strides, int dim) {
        int[] s = strides.clone();
        s[dim] = 0;
        return s;
    }

    static void indexPutInto(Tensor dst, Tensor index, Tensor values) {
        float[] idx = index.toFloatArray();
        int rows = dst.size(0);
        for (int i = 0; i < idx.length; i++) {
            CpuElementwise.copyInto(dst.select(0, index("indexPut", idx[i], rows)), values.select(0, i));
        }
    }

    static Tensor[] topk(Tensor x, int k, int dim, boolean largest) {
        Tensor order = argsort(x, dim, largest).narrow(dim, 0, k);
        return new Tensor[] {gather(x, dim, order), order.contiguous()};
    }

    /** Stable sort of every line along dim; NaN sorts as the largest value, as in PyTorch. */
    static Tensor argsort(Tensor x, int dim, boolean descending) {
        int[] shape = x.shape(), st = x.strides();
        Tensor out = CpuBackend.empty(x.device(), shape);
        if (x.numel() == 0) return out;
        int[] ost = out.strides();
        int len = shape[dim], lines = x.numel() / len;
        float[] src = Strided.data(x), dst = Strided.data(out);
        // Float.compare orders NaN last (largest) but also -0 before 0; a == b makes ±0 ties, as in PyTorch.
        Comparator<Float> asc = (a, b) -> a.floatValue() == b.floatValue() ? 0 : Float.compare(a, b);
        Comparator<Float> cmp = descending ? asc.reversed() : asc;
        CpuParallel.forRange(lines, Math.max(1, 4096 / len), (lo, hi) -> {
            List<Integer> perm = new ArrayList<>(len);
            float[] line = new float[len];
            for (int l = lo; l < hi; l++) {
                int s = Strided.lineStart(l, dim, shape, st, x.offset()), o = Strided.lineStart(l, dim, shape, ost, 0);
                perm.clear();
                for (int j = 0; j < len; j++) {
                    line[j] = src[s + j * st[dim]];
                    perm.add(j);
                }
                perm.sort((a, b) -> cmp.compare(line[a], line[b]));
                for (int j = 0; j < len; j++) dst[o + j * ost[dim]] = perm.get(j);
            }
        });
        return out;
    }
}
