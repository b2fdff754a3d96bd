package sslj.tensor.cpu;

import java.util.HashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sslj.tensor.Tensor;

/**
 * The momentum family on the CPU: the EMA of a parameter arena, the MoCo key-queue enqueue and the
 * InstDisc memory-bank update (DESIGN.md §4). Arguments were checked by {@link sslj.tensor.Momentum}.
 *
 * <p>Numerics are chosen to give the same bits as the PTX kernels (momentum.ptx): the mix
 * m·a + (1 − m)·b is {@code fma(m, a, (1 − m)·b)} with 1 − m rounded to float32 once, and m = 1 / m = 0
 * of the EMA are exact no-op / copy. Only the norms (sum of squares, in another order than a GPU
 * block's tree) may differ in the last bit.
 *
 * <p>The EMA is a streaming op (3 × 4 bytes per element): it runs as FloatVector FMA loops over one
 * contiguous range per core. The queue and the bank are row loops (rows split across the pool when
 * there are enough of them), with FloatVector sums of squares.
 */
final class CpuMomentum {
    private CpuMomentum() { }

    /** Under this many elements the EMA runs on the calling thread. */
    private static final int EMA_GRAIN = 1 << 16;
    /** L2-normalisation floor, as PyTorch's F.normalize. */
    static final float NORM_EPS = 1e-12f;

    // ---------------------------------------------------------------- EMA

    static void emaInto(Tensor target, Tensor online, float m) {
        if (m == 1f) return;                                   // bit-exact no-op, whatever the data
        int n = target.numel();
        if (target.isContiguous() && online.isContiguous()) {
            float[] t = Strided.data(target), o = Strided.data(online);
            int to = target.offset(), oo = online.offset();
            CpuParallel.forRange(n, EMA_GRAIN, (lo, hi) -> emaRange(t, to + lo, o, oo + lo, hi - lo, m));
            return;
        }
        // Strided views (rare: arenas are flat): compute contiguously, then write through the view.
        float[] t = target.toFloatArray(), o = online.toFloatArray();
        emaRange(t, 0, o, 0, n, m);
        CpuElementwise.copyInto(target, Tensor.of(t, target.shape()));
    }

    /** t[to..to+n) ← fma(m, t, (1 − m)·o), or o when m = 0. */
    static void emaRange(float[] t, int to, float[] o, int oo, int n, float m) {
        if (m == 0f) {
            System.arraycopy(o, oo, t, to, n);
            return;
        }
        float omm = 1f - m;
        int i = CpuFeatures.VECTOR_API ? Vec.ema(t, to, o, oo, n, m, omm) : 0;
        for (; i < n; i++) t[to + i] = Math.fma(m, t[to + i], omm * o[oo + i]);
    }

    /** The FloatVector loop; in its own class so it loads only when jdk.incubator.vector is present. */
    private static final class Vec {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        /** Returns how many leading elements it did (a multiple of the lane count). */
        static int ema(float[] t, int to, float[] o, int oo, int n, float m, float omm) {
            int step = S.length(), end = n - n % step, i = 0;
            FloatVector vm = FloatVector.broadcast(S, m);
            for (; i < end; i += step) {
                FloatVector vt = FloatVector.fromArray(S, t, to + i);
                FloatVector vo = FloatVector.fromArray(S, o, oo + i).mul(omm);
                vm.fma(vt, vo).intoArray(t, to + i);
            }
            return i;
        }

        /** {sum of squares of the leading whole vectors, how many elements that covers}. */
        static float[] sumSquares(float[] row) {
            int step = S.length(), end = row.length - row.length % step;
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < end; c += step) {
                FloatVector x = FloatVector.fromArray(S, row, c);
                acc = x.fma(x, acc);
            }
            return new float[] {end == 0 ? 0f : acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), end};
        }

        static void unitInto(float[] x, int xo, float[] y, int yo, int d) {
            int step = S.length(), end = d - d % step, c = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; c < end; c += step) {
                FloatVector v = FloatVector.fromArray(S, x, xo + c);
                acc = v.fma(v, acc);
            }
            float ss = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; c < d; c++) ss = Math.fma(x[xo + c], x[xo + c], ss);
            float scale = 1f / Math.max((float) Math.sqrt(ss), NORM_EPS);
            for (c = 0; c < end; c += step) FloatVector.fromArray(S, x, xo + c).mul(scale).intoArray(y, yo + c);
            for (; c < d; c++) y[yo + c] = x[xo + c] * scale;
        }

        /** row[0..end) *= scale over whole vectors; returns end. */
        static int scale(float[] row, float scale) {
            int step = S.length(), end = row.length - row.length % step;
            for (int c = 0; c < end; c += step) FloatVector.fromArray(S, row, c).mul(scale).intoArray(row, c);
            return end;
        }
    }

    // ---------------------------------------------------------------- queue

    static void enqueueInto(Tensor queue, Tensor keys, int ptr, boolean normalize) {
        int k = queue.size(0), n = keys.size(0), d = keys.size(1);
        float[] q = Strided.data(queue), x = Strided.data(keys);
        int[] qs = queue.strides(), xs = keys.strides();
        // rows are independent (N <= K: distinct destinations), so they split across the pool
        int grain = (normalize ? ROW_GRAIN : COPY_GRAIN) / d;      // plain copies are worth a thread only when large
        CpuParallel.forRange(n, Math.max(1, grain), (lo, hi) -> {
            float[] row = new float[d];
            for (int r = lo; r < hi; r++) {
                int src = keys.offset() + r * xs[0], dst = queue.offset() + ((ptr + r) % k) * qs[0];
                if (qs[1] == 1 && xs[1] == 1) {                    // dense rows: straight from keys to queue
                    if (normalize) unitInto(x, src, q, dst, d);
                    else System.arraycopy(x, src, q, dst, d);
                    continue;
                }
                for (int c = 0; c < d; c++) row[c] = x[src + c * xs[1]];
                if (normalize) scaleToUnit(row);
                for (int c = 0; c < d; c++) q[dst + c * qs[1]] = row[c];
            }
        });
    }

    /** Rows of the queue and bank ops go to one thread per this many elements. */
    private static final int ROW_GRAIN = 1 << 14, COPY_GRAIN = 1 << 18;

    /** y[yo..yo+d) = x[xo..xo+d) / max(‖x‖₂, eps), as {@link #scaleToUnit} but without a temporary row. */
    static void unitInto(float[] x, int xo, float[] y, int yo, int d) {
        if (CpuFeatures.VECTOR_API) {
            Vec.unitInto(x, xo, y, yo, d);
            return;
        }
        float ss = 0f;
        for (int c = 0; c < d; c++) ss = Math.fma(x[xo + c], x[xo + c], ss);
        float scale = 1f / Math.max((float) Math.sqrt(ss), NORM_EPS);
        for (int c = 0; c < d; c++) y[yo + c] = x[xo + c] * scale;
    }

    /** row ← row · (1 / max(‖row‖₂, eps)), the sum of squares in float (FloatVector lanes, then scalar). */
    static void scaleToUnit(float[] row) {
        int c = 0;
        float ss = 0f;
        if (CpuFeatures.VECTOR_API) {
            float[] partial = Vec.sumSquares(row);
            ss = partial[0];
            c = (int) partial[1];
        }
        for (; c < row.length; c++) ss = Math.fma(row[c], row[c], ss);
        float scale = 1f / Math.max((float) Math.sqrt(ss), NORM_EPS);
        c = CpuFeatures.VECTOR_API ? Vec.scale(row, scale) : 0;
        for (; c < row.length; c++) row[c] *= scale;
    }

    // ---------------------------------------------------------------- memory bank

    static void memoryBankUpdateInto(Tensor bank, Tensor idx, Tensor f, float m) {
        int size = bank.size(0), b = f.size(0), d = f.size(1);
        float[] ix = idx.toFloatArray();
        int[] rows = new int[b];
        Map<Integer, Integer> last = new HashMap<>();
        for (int i = 0; i < b; i++) {
            rows[i] = CpuIndexing.index("memoryBankUpdate", ix[i], size);   // all checked before any write
            last.put(rows[i], i);
        }
        float[] bk = Strided.data(bank), fx = Strided.data(f);
        int[] bs = bank.strides(), fs = f.strides();
        float omm = 1f - m;
        // after the last-wins filter every row is written by one i only: the i split across the pool
        CpuParallel.forRange(b, Math.max(1, ROW_GRAIN / d), (lo, hi) -> {
            float[] v = new float[d];
            for (int i = lo; i < hi; i++) {
                if (last.get(rows[i]) != i) continue;          // a later duplicate wins
                int br = bank.offset() + rows[i] * bs[0], fr = f.offset() + i * fs[0];
                for (int c = 0; c < d; c++) v[c] = Math.fma(m, bk[br + c * bs[1]], omm * fx[fr + c * fs[1]]);
                scaleToUnit(v);
                for (int c = 0; c < d; c++) bk[br + c * bs[1]] = v[c];
            }
        });
    }
}
