package sslj.kernels.ssl;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launches the fused InfoNCE kernels of {@code /sslj/kernels/ptx/info_nce.ptx}: the InfoNCE loss of
 * Oord et al. 2018 (eq. 4) in MoCo's queue form (He et al. 2020, eq. 1) and the symmetric in-batch form
 * of MoCo v3 and CLIP (maths and launch shapes in the PTX banners; the same losses as
 * {@code sslj.tensor.InfoNce} on the CPU). Pointers are row-major
 * float32 device buffers; outputs are written, never accumulated; a caller-provided workspace of
 * {@link #workspaceFloats} floats holds the per-chunk partial results. Every launch is deterministic (no
 * atomics; partials joined in a fixed order), so reruns give the same bits.
 *
 * <p>Keys stream through shared memory in tiles of {@link #keysPerTile(int, boolean)} rows (32 for
 * D ≤ 256); a block of 256 threads owns 8 rows against one chunk of keys ({@link #chunks}), so that
 * N = 256 still launches about 264 blocks.
 */
public final class InfoNceKernels {
    /** The module's classpath resource. */
    public static final String PTX = "/sslj/kernels/ptx/info_nce.ptx";

    private static final int ROWS_PER_BLOCK = 8, THREADS = 256, MAX_SHARED_FLOATS = 48 * 1024 / 4, MAX_TILE = 32;
    private static final int MAX_CHUNKS = 16, TARGET_BLOCKS = 264;

    private final GpuRuntime rt;
    private final GpuKernel rowLse, merge, grad, chunkSum, sum;

    /** Loads the module (once per runtime: the runtime caches it) and looks up its kernels. */
    public InfoNceKernels(GpuRuntime rt) {
        if (rt == null) throw new IllegalArgumentException("InfoNceKernels: runtime is null");
        this.rt = rt;
        GpuModule m = rt.loadModule(PTX);
        rowLse = rt.kernel(m, "infoNceRowLse");
        merge = rt.kernel(m, "infoNceLseMerge");
        grad = rt.kernel(m, "infoNceGrad");
        chunkSum = rt.kernel(m, "infoNceChunkSum");
        sum = rt.kernel(m, "infoNceSum");
    }

    /** Keys per shared-memory tile for feature size d: min(32, what fits in 48 KiB beside the rows). */
    public static int keysPerTile(int d, boolean withAccumulators) {
        int fixed = withAccumulators ? 16 * d + 256 : 8 * d;   // rows [+ accumulators and the 8 x 32 key weights]
        return Math.min(MAX_TILE, (MAX_SHARED_FLOATS - fixed) / (d | 1));
    }

    /**
     * Key chunks (grid.y) for n rows against kk keys: enough blocks to fill a large GPU (about 264 =
     * 2 × 132 SMs), at most 16, at least one 32-key tile each. Depends on (n, kk) only: reruns are bit-identical.
     */
    public static int chunks(int n, int kk) {
        int want = Math.max(1, Math.min(MAX_CHUNKS, (TARGET_BLOCKS + blocks(n) - 1) / blocks(n)));
        return Math.max(1, Math.min(want, (kk + MAX_TILE - 1) / MAX_TILE));
    }

    private static int chunkKeys(int kk, int chunks) { return (kk + chunks - 1) / chunks; }

    /** Floats of workspace every op here needs for n rows, kk keys (kk = n for the in-batch form), d features. */
    public static long workspaceFloats(int n, int kk, int d) {
        long c = chunks(n, kk);
        long forward = (2 * c + 3) * n, backward = (c > 1 ? c * n * (long) d : 0) + c * n;
        return Math.max(forward, backward);
    }

    // ---------------------------------------------------------------------------------------------

    /** Queue InfoNCE forward: lse [n], loss [1]; q, k [n, d], queue [kk, d]; work ≥ workspaceFloats(n, kk, d). */
    public void queueForward(DevicePtr q, DevicePtr k, DevicePtr queue, int n, int kk, int d, float tau,
                             DevicePtr lse, DevicePtr loss, DevicePtr work) {
        String op = "infoNceQueueForward";
        checkSizes(op, n, kk, d);
        checkTau(op, tau);
        need(op, "q", q, (long) n * d); need(op, "k", k, (long) n * d); need(op, "queue", queue, (long) kk * d);
        need(op, "lse", lse, n); need(op, "loss", loss, 1); need(op, "work", work, workspaceFloats(n, kk, d));
        Forward w = new Forward(work, n, chunks(n, kk));
        rowLse(q, queue, k, lse, w.rowTerms, w, n, kk, d, 1f / tau, true);
        launchSum(w.rowTerms, w.rowTerms, loss, n, 1f / n, 0f);
    }

    /** Queue InfoNCE backward: dq [n, d] = gradScale ∂loss/∂q; work ≥ workspaceFloats(n, kk, d). */
    public void queueBackward(DevicePtr q, DevicePtr k, DevicePtr queue, DevicePtr lse, int n, int kk, int d, float tau,
                              float gradScale, DevicePtr dq, DevicePtr work) {
        String op = "infoNceQueueBackward";
        checkSizes(op, n, kk, d);
        checkTau(op, tau);
        checkFinite(op, "gradScale", gradScale);
        need(op, "q", q, (long) n * d); need(op, "k", k, (long) n * d); need(op, "queue", queue, (long) kk * d);
        need(op, "lse", lse, n); need(op, "dq", dq, (long) n * d); need(op, "work", work, workspaceFloats(n, kk, d));
        float s = 1f / tau;
        Backward w = new Backward(work, n, d, chunks(n, kk));
        grad(q, queue, k, lse, lse, dq, w, n, kk, d, s, 1f / n, 0f, 0f, s * gradScale, gradScale, 2);
    }

    /** In-batch forward: lseRow [n], lseCol [n] (untouched when one-sided), loss [1]; work ≥ workspaceFloats(n, n, d). */
    public void inBatchForward(DevicePtr q, DevicePtr k, int n, int d, float scale, boolean symmetric,
                               DevicePtr lseRow, DevicePtr lseCol, DevicePtr loss, DevicePtr work) {
        String op = "infoNceInBatchForward";
        checkSizes(op, n, n, d);
        checkScale(op, scale);
        need(op, "q", q, (long) n * d); need(op, "k", k, (long) n * d); need(op, "lseRow", lseRow, n);
        if (symmetric) need(op, "lseCol", lseCol, n);
        need(op, "loss", loss, 1); need(op, "work", work, workspaceFloats(n, n, d));
        Forward w = new Forward(work, n, chunks(n, n));
        rowLse(q, k, k, lseRow, w.rowTerms, w, n, n, d, scale, false);
        if (symmetric) {
            rowLse(k, q, q, lseCol, w.colTerms, w, n, n, d, scale, false);
            launchSum(w.rowTerms, w.colTerms, loss, n, 0.5f / n, 0.5f / n);
        } else {
            launchSum(w.rowTerms, w.rowTerms, loss, n, 1f / n, 0f);
        }
    }

    /** In-batch backward: dq, dk [n, d] and dScale [1], each gradScale times the derivative; work ≥ workspaceFloats(n, n, d). */
    public void inBatchBackward(DevicePtr q, DevicePtr k, DevicePtr lseRow, DevicePtr lseCol, int n, int d, float scale,
                                boolean symmetric, float gradScale, DevicePtr dq, DevicePtr dk, DevicePtr dScale, DevicePtr work) {
        String op = "infoNceInBatchBackward";
        checkSizes(op, n, n, d);
        checkScale(op, scale);
        checkFinite(op, "gradScale", gradScale);
        need(op, "q", q, (long) n * d); need(op, "k", k, (long) n * d); need(op, "lseRow", lseRow, n);
        if (symmetric) need(op, "lseCol", lseCol, n);
        need(op, "dq", dq, (long) n * d); need(op, "dk", dk, (long) n * d); need(op, "dScale", dScale, 1);
        need(op, "work", work, workspaceFloats(n, n, d));
        float wr = symmetric ? 0.5f / n : 1f / n, wc = symmetric ? 0.5f / n : 0f, f = scale * gradScale;
        int c = chunks(n, n);
        Backward w = new Backward(work, n, d, c);
        // row pass: G_ij = wr (P^row_ij − δ) + wc (P^col_ij − δ), own LSE the row's, other the column's
        grad(q, k, k, lseRow, symmetric ? lseCol : lseRow, dq, w, n, n, d, scale, wr, wc, wr + wc, f, gradScale, symmetric ? 1 : 0);
        launchSum(w.ds, w.ds, dScale, c * n, 1f, 0f);   // before the column pass reuses the ds slots
        // column pass: the same G transposed, rows of k against keys q
        if (symmetric) {
            grad(k, q, q, lseCol, lseRow, dk, w, n, n, d, scale, wc, wr, wr + wc, f, gradScale, 1);
        } else {
            grad(k, q, q, lseRow, lseRow, dk, w, n, n, d, scale, 0f, wr, wr, f, gradScale, 1);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Forward workspace: pm, ps [chunks, n], diag [n], rowTerms [n], colTerms [n]. */
    private static final class Forward {
        final DevicePtr pm, ps, diag, rowTerms, colTerms;
        final int chunks;

        Forward(DevicePtr work, int n, int chunks) {
            this.chunks = chunks;
            long cn = 4L * chunks * n;
            pm = work;
            ps = work.offset(cn);
            diag = work.offset(2 * cn);
            rowTerms = work.offset(2 * cn + 4L * n);
            colTerms = work.offset(2 * cn + 8L * n);
        }
    }

    /** Backward workspace: the partial gradients [chunks, n, d] (only when chunks > 1), then ds [chunks, n]. */
    private static final class Backward {
        final DevicePtr part, ds;
        final int chunks;

        Backward(DevicePtr work, int n, int d, int chunks) {
            this.chunks = chunks;
            part = chunks > 1 ? work : null;
            ds = chunks > 1 ? work.offset(4L * chunks * n * d) : work;
        }
    }

    private void rowLse(DevicePtr a, DevicePtr b, DevicePtr c, DevicePtr lse, DevicePtr term, Forward w, int n, int kk, int d, float s, boolean seed) {
        int tk = keysPerTile(d, false);
        rt.launch(rowLse, new Dim3(blocks(n), w.chunks, 1), Dim3.of(THREADS), 4 * (8 * d + tk * (d | 1)),
                KernelArgs.of().ptr(a).ptr(b).ptr(c).ptr(w.pm).ptr(w.ps).ptr(w.diag)
                        .i32(n).i32(kk).i32(d).i32(tk).i32(chunkKeys(kk, w.chunks)).f32(s));
        rt.launch(merge, Dim3.of((n + THREADS - 1) / THREADS), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(w.pm).ptr(w.ps).ptr(w.diag).ptr(lse).ptr(term).i32(n).i32(w.chunks).f32(s).i32(seed ? 1 : 0));
    }

    private void grad(DevicePtr a, DevicePtr b, DevicePtr c, DevicePtr lseOwn, DevicePtr lseOther, DevicePtr out, Backward w,
                      int n, int kk, int d, float s, float wOwn, float wOther, float wDiag, float f, float g, int flags) {
        int tk = keysPerTile(d, true);
        DevicePtr target = w.chunks > 1 ? w.part : out;
        rt.launch(grad, new Dim3(blocks(n), w.chunks, 1), Dim3.of(THREADS), 4 * (16 * d + 256 + tk * (d | 1)),
                KernelArgs.of().ptr(a).ptr(b).ptr(c).ptr(lseOwn).ptr(lseOther).ptr(target).ptr(w.ds)
                        .i32(n).i32(kk).i32(d).i32(tk).i32(chunkKeys(kk, w.chunks))
                        .f32(s).f32(wOwn).f32(wOther).f32(wDiag).f32(f).f32(g).i32(flags));
        if (w.chunks > 1) {
            int count = n * d;
            rt.launch(chunkSum, Dim3.of((count + THREADS - 1) / THREADS), Dim3.of(THREADS), 0,
                    KernelArgs.of().ptr(w.part).ptr(out).i32(count).i32(w.chunks));
        }
    }

    private void launchSum(DevicePtr x1, DevicePtr x2, DevicePtr out, int n, float w1, float w2) {
        rt.launch(sum, Dim3.of(1), Dim3.of(THREADS), 4 * THREADS, KernelArgs.of().ptr(x1).ptr(x2).ptr(out).i32(n).f32(w1).f32(w2));
    }

    private static int blocks(int n) { return (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK; }

    private static void checkSizes(String op, int n, int kk, int d) {
        if (n < 1) throw new IllegalArgumentException(op + ": needs N >= 1 rows, got " + n);
        if (kk < 1) throw new IllegalArgumentException(op + ": needs K >= 1 keys, got " + kk);
        if (d < 1) throw new IllegalArgumentException(op + ": needs D >= 1 features, got " + d);
        if (keysPerTile(d, true) < 1) {
            throw new IllegalArgumentException(op + ": feature size D = " + d + " is too large for the shared-memory tiles (at most "
                    + (MAX_SHARED_FLOATS - 256 - 1) / 17 + ")");
        }
        if ((long) Math.max(n, kk) * d >= Integer.MAX_VALUE / 4) throw new IllegalArgumentException(op + ": " + Math.max(n, kk) + " x " + d + " floats overflow 32-bit offsets");
    }

    private static void checkTau(String op, float tau) {
        if (!(tau > 0f) || !Float.isFinite(tau)) throw new IllegalArgumentException(op + ": temperature tau must be positive and finite, got " + tau);
    }

    private static void checkScale(String op, float scale) {
        if (!(scale > 0f) || !Float.isFinite(scale)) throw new IllegalArgumentException(op + ": logit scale must be positive and finite, got " + scale);
    }

    private static void checkFinite(String op, String name, float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException(op + ": " + name + " must be finite, got " + v);
    }

    private static void need(String op, String name, DevicePtr p, long floats) {
        if (p == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        if (p.bytes() < 4 * floats) {
            throw new IllegalArgumentException(op + ": " + name + " holds " + p.bytes() / 4 + " floats, needs " + floats);
        }
    }
}
