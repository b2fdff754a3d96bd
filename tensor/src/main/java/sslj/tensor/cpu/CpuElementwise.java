package sslj.tensor.cpu;

import sslj.tensor.BinaryOp;
import sslj.tensor.Tensor;
import sslj.tensor.UnaryOp;

/**
 * Elementwise kernels. Every op is computed row by row (rows of the last dimension), so views,
 * transposes and stride-0 broadcasts need no copy; rows are shared out over the thread pool. The
 * contiguous case, the common one, is a single flat loop that the Vector API kernels speed up.
 */
final class CpuElementwise {
    private CpuElementwise() { }

    private static final int GRAIN = 1 << 15;

    static Tensor unary(UnaryOp op, Tensor x, float c) {
        int[] shape = x.shape();
        Tensor out = CpuBackend.uninitialized(x.device(), shape);   // every element written below
        float[] src = Strided.data(x), dst = Strided.data(out);
        int n = x.numel();
        if (x.isContiguous()) {
            int xo = x.offset();
            CpuParallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.unary(op, src, xo + lo, dst, lo, hi - lo, c));
            return out;
        }
        if (n == 0) return out;
        int[][] walk = Strided.coalesce(shape, x.strides());
        int[] wShape = walk[0], st = walk[1];
        int len = Strided.rowLength(wShape), rows = n / len;
        int rs = Strided.rowStride(st);
        CpuParallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, len)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int s = Strided.rowStart(r, wShape, st, x.offset()), o = r * len;
                if (rs == 1) {
                    VectorKernels.unary(op, src, s, dst, o, len, c);   // a contiguous run, as in a permuted copy
                } else {
                    for (int j = 0; j < len; j++) dst[o + j] = op.apply(src[s + j * rs], c);
                }
            }
        });
        return out;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = a.shape();
        Tensor out = CpuBackend.uninitialized(a.device(), shape);   // every element written below
        float[] da = Strided.data(a), db = Strided.data(b), dst = Strided.data(out);
        int n = a.numel();
        if (a.isContiguous() && b.isContiguous()) {
            int ao = a.offset(), bo = b.offset();
            CpuParallel.forRange(n, GRAIN, (lo, hi) -> VectorKernels.binary(op, da, ao + lo, db, bo + lo, dst, lo, hi - lo));
            return out;
        }
        if (n == 0) return out;
        int[][] walk = Strided.coalesce(shape, a.strides(), b.strides());
        int[] wShape = walk[0], sa = walk[1], sb = walk[2];
        int len = Strided.rowLength(wShape), rows = n / len;
        int ra = Strided.rowStride(sa), rb = Strided.rowStride(sb);
        CpuParallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, len)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int pa = Strided.rowStart(r, wShape, sa, a.offset()), pb = Strided.rowStart(r, wShape, sb, b.offset()), o = r * len;
                if (ra == 1 && rb == 1) {
                    VectorKernels.binary(op, da, pa, db, pb, dst, o, len);
                } else if (ra == 1 && rb == 0) {
                    VectorKernels.binaryScalarRight(op, da, pa, db[pb], dst, o, len);
                } else if (ra == 0 && rb == 1 && (op == BinaryOp.ADD || op == BinaryOp.MUL)) { // commutative: scalar on the right
                    VectorKernels.binaryScalarRight(op, db, pb, da[pa], dst, o, len);
                } else {
                    for (int j = 0; j < len; j++) dst[o + j] = op.apply(da[pa + j * ra], db[pb + j * rb]);
                }
            }
        });
        return out;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = a.shape();
        Tensor out = CpuBackend.uninitialized(a.device(), shape);   // every element written below
        float[] dc = Strided.data(cond), da = Strided.data(a), db = Strided.data(b), dst = Strided.data(out);
        Strided.Odometer oc = new Strided.Odometer(shape, cond.strides(), cond.offset());
        Strided.Odometer oa = new Strided.Odometer(shape, a.strides(), a.offset());
        Strided.Odometer ob = new Strided.Odometer(shape, b.strides(), b.offset());
        for (int i = 0, n = a.numel(); i < n; i++) {
            dst[i] = dc[oc.pos] != 0 ? da[oa.pos] : db[ob.pos];
            oc.next();
            oa.next();
            ob.next();
        }
        return out;
    }

    /** dst (a view) ← src (same shape). Reads src fully first when both share a storage, so overlaps are safe. */
    static void copyInto(Tensor dst, Tensor src) {
        Tensor from = src.storage() == dst.storage() ? unary(UnaryOp.IDENTITY, src, 0f) : src;
        int[] shape = dst.shape();
        float[] d = Strided.data(dst), s = Strided.data(from);
        if (dst.isContiguous() && from.isContiguous()) {
            System.arraycopy(s, from.offset(), d, dst.offset(), dst.numel());
            return;
        }
        Strided.Odometer od = new Strided.Odometer(shape, dst.strides(), dst.offset());
        Strided.Odometer os = new Strided.Odometer(shape, from.strides(), from.offset());
        for (int i = 0, n = dst.numel(); i < n; i++) {
            d[od.pos] = s[os.pos];
            od.next();
            os.next();
        }
    }
}
