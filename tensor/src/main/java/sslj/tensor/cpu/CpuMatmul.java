package sslj.tensor.cpu;

import sslj.tensor.Tensor;

/**
 * Batched matrix product on the CPU. Each operand's last two dims are passed to the GEMM as they lie in
 * memory: row-major (unit column stride) as is, column-major (unit row stride, i.e. a transposed view)
 * with the transpose flag, so {@code a.matmul(b.t())} copies nothing. Anything else is made
 * contiguous first. A batch stride of 0 (a broadcast operand) is fine: each batch just rereads it.
 */
final class CpuMatmul {
    private CpuMatmul() { }

    /** An operand as the GEMM reads it: storage offset per batch, transposed or not, leading dimension. */
    private record Operand(float[] data, int offset, int batchStride, boolean trans, int ld) { }

    static Tensor matmul(Tensor a, Tensor b) {
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Tensor out = CpuBackend.empty(a.device(), batch, m, n);
        if (m == 0 || n == 0) return out;
        Operand pa = operand(a), pb = operand(b);
        float[] dc = Strided.data(out);
        // A GEMM too small to be split over every core (a convolution's per-image product, say
        // [8, 72]·[72, 784]) would leave cores idle: share the batch out instead, one whole GEMM per
        // item. Each C element is computed by the same code either way, so results do not change.
        long work = (long) m * n * k;
        int grain = batch > 1 && work < Gemm.MIN_WORK_PER_THREAD * CpuParallel.threads() ? 1 : batch;
        CpuParallel.forRange(batch, grain, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                Gemm.sgemm(pa.trans, pb.trans, m, n, k, pa.data, pa.offset + i * pa.batchStride, pa.ld,
                        pb.data, pb.offset + i * pb.batchStride, pb.ld, dc, i * m * n, n);
            }
        });
        return out;
    }

    private static Operand operand(Tensor t) {
        int[] s = t.strides(), shape = t.shape();
        int rows = shape[1], cols = shape[2];
        boolean unitCol = s[2] == 1 || cols == 1, unitRow = s[1] == 1 || rows == 1;
        if (unitCol && (rows == 1 || s[1] >= cols)) {
            return new Operand(Strided.data(t), t.offset(), s[0], false, rows == 1 ? Math.max(cols, 1) : s[1]);
        }
        if (unitRow && (cols == 1 || s[2] >= rows)) {
            return new Operand(Strided.data(t), t.offset(), s[0], true, cols == 1 ? Math.max(rows, 1) : s[2]);
        }
        Tensor c = t.contiguous();
        return new Operand(Strided.data(c), c.offset(), c.strides()[0], false, Math.max(cols, 1));
    }
}
