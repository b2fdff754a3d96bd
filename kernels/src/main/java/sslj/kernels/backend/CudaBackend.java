package sslj.kernels.backend;

import java.util.List;
import sslj.kernels.ops.GemmKernels;
import sslj.kernels.ops.Im2colKernels;
import sslj.kernels.ops.IndexKernels;
import sslj.kernels.ops.OptimizerKernels;
import sslj.kernels.runtime.CachingAllocator;
import sslj.kernels.ssl.InfoNceKernels;
import sslj.kernels.ssl.MomentumKernels;
import sslj.kernels.ssl.NtXentKernels;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuLibraries;
import sslj.kernels.runtime.GpuRuntime;
import sslj.tensor.Backend;
import sslj.tensor.BatchNormOps;
import sslj.tensor.BinaryOp;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Im2colConv;
import sslj.tensor.OptimizerSteps;
import sslj.tensor.ReduceOp;
import sslj.tensor.Shape;
import sslj.tensor.Storage;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.tensor.UnaryOp;
import sslj.tensor.Window2d;

/**
 * The CUDA backend: tensors in device memory, every op a PTX kernel launched through a
 * {@link GpuRuntime} — the real GPU ({@code JCudaRuntime}, device "cuda") or the PTX emulator (device
 * "cuda-emu", the same kernels interpreted on the CPU). This class routes; the kernels and their
 * launchers live by family: {@link ElementwiseKernels} (elementwise.ptx), {@link ReduceKernels}
 * (reduce.ptx), {@link RandomKernels} (random.ptx), {@link BatchNormKernels} (batchnorm.ptx), and
 * from {@code sslj.kernels.ops}: GemmKernels
 * (gemm.ptx), Im2colKernels (im2col.ptx) and, through {@link CudaIndexOps}, IndexKernels (indexing.ptx).
 * Every op runs on the device: there is no host round trip.
 *
 * <p>Memory. One {@link CachingAllocator} per device. Every storage this backend makes for a caller
 * (results, uploads, {@link #allocate}) is registered in the current {@link TensorScope} and released
 * when it closes; temporaries of an op (a contiguous copy before a reduction) are released by the op
 * itself before it returns. Reusing a freed block at once is safe: one stream orders every launch.
 *
 * <p>Asynchrony: launches are enqueued on the runtime's stream; the host waits only in
 * {@link #download} (item(), toFloatArray()).
 */
public final class CudaBackend implements Backend {
    private final Device device;
    private final GpuContext ctx;
    private final ElementwiseKernels elementwise;
    private final ReduceKernels reduce;
    private final RandomKernels random;
    private final BatchNormKernels batchNorm;
    private final GemmKernels gemm;
    private final Im2colKernels im2col;
    private final CudaIndexOps indexOps;
    private final MomentumKernels momentum;
    private final NtXentKernels ntXent;
    private final InfoNceKernels infoNce;
    private final OptimizerKernels optimizer;
    private volatile boolean poisonResults;

    /** A backend for {@code device} computing on {@code runtime}, which it owns from now on. */
    public CudaBackend(Device device, GpuRuntime runtime) {
        this.device = device;
        this.ctx = new GpuContext(runtime);
        this.elementwise = new ElementwiseKernels(ctx);
        this.reduce = new ReduceKernels(ctx);
        this.random = new RandomKernels(ctx);
        this.batchNorm = new BatchNormKernels(ctx);
        this.gemm = new GemmKernels(runtime);
        this.im2col = new Im2colKernels(runtime);
        this.indexOps = new CudaIndexOps(this, new IndexKernels(runtime));
        this.momentum = new MomentumKernels(runtime);
        this.ntXent = new NtXentKernels(runtime);
        this.infoNce = new InfoNceKernels(runtime);
        this.optimizer = new OptimizerKernels(runtime);
    }

    @Override public Device device() { return device; }

    /** The runtime the kernels run on (for benchmarks and tests). */
    public GpuRuntime runtime() { return ctx.runtime; }

    /** Bytes in use, peak, cached, device mallocs: the per-step memory report. */
    public CachingAllocator.Stats memoryStats() { return ctx.allocator.stats(); }

    /** The allocator's bytes in use (live storages, rounded up to their size classes): {@link Backend#memoryInUse()}. */
    @Override public long memoryInUse() { return ctx.allocator.stats().bytesInUse(); }

    /** The runtime's time blocked in synchronous copies and synchronisations: {@link Backend#hostBlockedNanos()}. */
    @Override public long hostBlockedNanos() { return ctx.runtime.hostBlockedNanos(); }

    /** Gives cached (free) device blocks back to the driver. */
    public void emptyCache() { ctx.allocator.emptyCache(); }

    /** Waits for every enqueued kernel (for timing; reads wait on their own). */
    public void synchronize() { ctx.runtime.synchronize(); }

    /**
     * For tests: when on, every new result buffer is filled with NaN before its kernel runs, so an
     * element the kernel forgets to write shows up as NaN instead of a stale value.
     */
    public void setPoisonResults(boolean on) { this.poisonResults = on; }

    // ---------------------------------------------------------------- storage

    @Override
    public Storage allocate(long length) {
        CudaStorage s = TensorScope.register(new CudaStorage(device, ctx.allocator, length));
        if (length > 0) ctx.runtime.memset32(s.ptr(), 0, length);
        return s;
    }

    @Override
    public Storage upload(float[] data) {
        CudaStorage s = TensorScope.register(new CudaStorage(device, ctx.allocator, data.length));
        if (data.length > 0) ctx.runtime.copyToDevice(s.ptr(), data, 0, data.length);
        return s;
    }

    /** An upload that no scope owns: the caller releases it. */
    Tensor uploadTemp(float[] data, int[] shape) {
        CudaStorage s = new CudaStorage(device, ctx.allocator, data.length);
        if (data.length > 0) ctx.runtime.copyToDevice(s.ptr(), data, 0, data.length);
        return new Tensor(s, shape);
    }

    @Override
    public float[] download(Tensor t) {
        int n = t.numel();
        float[] out = new float[n];
        if (n == 0) return out;
        Tensor c = contiguousTemp(t);
        try {
            ctx.runtime.copyToHost(out, 0, storage(c).ptr(c.offset()), n);
        } finally {
            if (c != t) c.release();
        }
        return out;
    }

    /** A new contiguous result registered in the current scope (NaN-filled when poisoning). */
    Tensor result(int... shape) {
        long n = Shape.numel(shape);
        CudaStorage s = TensorScope.register(new CudaStorage(device, ctx.allocator, n));
        if (poisonResults && n > 0) ctx.runtime.memset32(s.ptr(), Float.floatToRawIntBits(Float.NaN), n);
        return new Tensor(s, shape);
    }

    /** A contiguous scratch tensor that no scope owns: the op that makes it releases it. */
    Tensor temp(int... shape) {
        return new Tensor(new CudaStorage(device, ctx.allocator, Shape.numel(shape)), shape);
    }

    /** t itself when contiguous, else a scratch contiguous copy (release it when t != result). */
    Tensor contiguousTemp(Tensor t) {
        if (t.isContiguous()) return t;
        Tensor c = temp(t.shape());
        elementwise.unary(UnaryOp.IDENTITY, 0f, view(c), view(t), t.shape());
        return c;
    }

    CudaStorage storage(Tensor t) {
        if (t.storage() instanceof CudaStorage s && t.device().equals(device)) return s;
        throw new IllegalArgumentException("tensor on " + t.device() + " given to the backend of " + device
                + "; move it with .to(device) first");
    }

    private ElementwiseKernels.View view(Tensor t) {
        return new ElementwiseKernels.View(storage(t), t.offset(), t.strides());
    }

    DevicePtr ptr(Tensor t) {
        return storage(t).ptr(t.offset());
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x, float c) {
        Tensor out = result(x.shape());
        if (out.numel() == 0) return out;
        if (op == UnaryOp.FILL) {
            ctx.runtime.memset32(ptr(out), Float.floatToRawIntBits(c), out.numel());
        } else {
            elementwise.unary(op, c, view(out), view(x), x.shape());
        }
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = result(a.shape());
        if (out.numel() > 0) elementwise.binary(op, view(out), view(a), view(b), a.shape());
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor out = result(a.shape());
        if (out.numel() > 0) elementwise.where(view(out), view(cond), view(a), view(b), a.shape());
        return out;
    }

    /** dst ← src through dst's view; a source sharing dst's storage is copied out first, so overlaps are safe. */
    @Override
    public void copyInto(Tensor dst, Tensor src) {
        if (dst.numel() == 0) return;
        Tensor from = src.storage() == dst.storage() ? temp(src.shape()) : src;
        try {
            if (from != src) elementwise.unary(UnaryOp.IDENTITY, 0f, view(from), view(src), src.shape());
            elementwise.unary(UnaryOp.IDENTITY, 0f, view(dst), view(from), dst.shape());
        } finally {
            if (from != src) from.release();
        }
    }

    @Override
    public Tensor concat(List<Tensor> xs, int dim) {
        int[] shape = xs.get(0).shape();
        int total = 0;
        for (Tensor x : xs) total += x.size(dim);
        shape[dim] = total;
        Tensor out = result(shape);
        int at = 0;
        for (Tensor x : xs) {
            int len = x.size(dim);
            if (len > 0) copyInto(out.narrow(dim, at, len), x);
            at += len;
        }
        return out;
    }

    // ---------------------------------------------------------------- reductions and row ops

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        int[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) reduced[d] = true;
        int[] kept = new int[shape.length - dims.length], keptDims = new int[shape.length];
        int[] outShape = keepdim ? shape.clone() : kept;
        int k = 0, len = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                len *= shape[d];
                if (keepdim) outShape[d] = 1;
            } else {
                keptDims[k] = d;
                kept[k++] = shape[d];
            }
        }
        Tensor out = result(outShape);
        int rows = out.numel();
        if (rows == 0) return out;
        boolean consecutive = dims[dims.length - 1] - dims[0] == dims.length - 1;
        if (x.isContiguous() && consecutive) {
            // [outer, len, inner] in place: the reduced dims are one block of x's memory
            int outer = 1, inner = 1;
            for (int d = 0; d < dims[0]; d++) outer *= shape[d];
            for (int d = dims[dims.length - 1] + 1; d < shape.length; d++) inner *= shape[d];
            reduce.reduce(op, ptr(out), ptr(x), outer, len, inner);
            return out;
        }
        // otherwise copy x with the reduced dims innermost: [rows, len]
        int[] order = new int[shape.length];
        System.arraycopy(keptDims, 0, order, 0, k);
        System.arraycopy(dims, 0, order, k, dims.length);
        Tensor moved = x.permute(order);
        Tensor tmp = temp(moved.shape());
        try {
            elementwise.unary(UnaryOp.IDENTITY, 0f, view(tmp), view(moved), moved.shape());
            reduce.reduce(op, ptr(out), ptr(tmp), rows, len, 1);
        } finally {
            tmp.release();
        }
        return out;
    }

    @Override
    public Tensor argmax(Tensor x, int dim, boolean keepdim) {
        int[] outShape = x.shape();
        outShape[dim] = 1;
        Tensor out = result(outShape);
        alongDim(x, dim, (src, outer, len, inner) -> reduce.argmax(ptr(out), src, outer, len, inner));
        return keepdim ? out : out.squeeze(dim);
    }

    @Override
    public Tensor softmax(Tensor x, int dim, boolean log) {
        Tensor out = result(x.shape());
        alongDim(x, dim, (src, outer, len, inner) -> reduce.softmax(ptr(out), src, outer, len, inner, log));
        return out;
    }

    @Override
    public Tensor l2Normalize(Tensor x, int dim, float eps) {
        Tensor out = result(x.shape());
        alongDim(x, dim, (src, outer, len, inner) -> reduce.l2Normalize(ptr(out), src, outer, len, inner, eps));
        return out;
    }

    private interface RowOp { void run(DevicePtr src, int outer, int len, int inner); }

    /** Runs a row kernel over x as [outer, shape[dim], inner], copying x to contiguous first if needed. */
    private void alongDim(Tensor x, int dim, RowOp op) {
        if (x.numel() == 0) return;
        int[] shape = x.shape();
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
        Tensor c = contiguousTemp(x);
        try {
            op.run(ptr(c), outer, shape[dim], inner);
        } finally {
            if (c != x) c.release();
        }
    }

    // ---------------------------------------------------------------- random

    @Override
    public Tensor random(Generator gen, boolean normal, float a, float b, int[] shape) {
        Tensor out = result(shape);
        random.fill(ptr(out), out.numel(), gen, normal, a, b);
        return out;
    }

    // ---------------------------------------------------------------- matrix products and windows

    /**
     * Outputs per matrix up to which matmul uses the naive GEMM (one thread per output) instead of the
     * 128×128-tiled one: a tile block computes all 16384 outputs of its tile whatever m and n are, so
     * for a 2×18 weight gradient (a small convolution's backward-filter) it does ~100× the work; on the
     * emulator that made a width-2 ResNet step take seconds in GEMM alone, and on a GPU such a launch is
     * latency-bound either way. 4096 = a quarter of one tile; larger products keep the tiled kernel.
     */
    static final long SMALL_GEMM_OUTPUTS = 4096;

    /**
     * [B, M, K] · [B, K, N] on the PTX SGEMM (gemm.ptx); the naive kernel for small products (see {@link #SMALL_GEMM_OUTPUTS}). Each operand is passed as it lies in memory:
     * row-major as is, column-major (a transposed view) with the transpose flag, a broadcast batch with
     * batch stride 0; anything else is copied to contiguous first (as the CPU backend does).
     */
    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Tensor out = result(batch, m, n);
        if (out.numel() == 0) return out;
        Tensor ac = gemmReady(a), bc = gemmReady(b);
        try {
            GemmKernels.Variant variant = (long) m * n <= SMALL_GEMM_OUTPUTS ? GemmKernels.Variant.NAIVE : GemmKernels.Variant.TILED;
            gemm.sgemm(variant, batch, m, n, k, operand(ac), operand(bc), ptr(out), Math.max(n, 1), (long) m * n);
        } finally {
            if (ac != a) ac.release();
            if (bc != b) bc.release();
        }
        return out;
    }

    /** The operand itself when its matrix dims are row- or column-major, else a contiguous scratch copy. */
    private Tensor gemmReady(Tensor t) {
        int[] s = t.strides(), shape = t.shape();
        boolean rowMajor = (s[2] == 1 || shape[2] == 1) && (shape[1] == 1 || s[1] >= shape[2]);
        boolean colMajor = (s[1] == 1 || shape[1] == 1) && (shape[2] == 1 || s[2] >= shape[1]);
        return rowMajor || colMajor ? t : contiguousTemp(t);
    }

    private GemmKernels.Operand operand(Tensor t) {
        int[] s = t.strides(), shape = t.shape();
        boolean rowMajor = (s[2] == 1 || shape[2] == 1) && (shape[1] == 1 || s[1] >= shape[2]);
        if (rowMajor) return new GemmKernels.Operand(ptr(t), shape[1] == 1 ? Math.max(shape[2], 1) : s[1], s[0], false);
        return new GemmKernels.Operand(ptr(t), shape[2] == 1 ? Math.max(shape[1], 1) : s[2], s[0], true);
    }

    /** im2col on im2col.ptx, with any pad value (0 for convolutions, −∞ for max pooling with padding). */
    @Override
    public Tensor unfold2d(Tensor x, Window2d window, float padValue) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Tensor out = result(n, c * window.area(), window.outH(h) * window.outW(w));
        if (out.numel() == 0) return out;
        Tensor xc = contiguousTemp(x);
        try {
            im2col.im2col(ptr(xc), ptr(out), n, c, h, w, window, padValue);
        } finally {
            if (xc != x) xc.release();
        }
        return out;
    }

    /** col2im on im2col.ptx: each pixel sums the columns that read it (no atomics: one thread per pixel). */
    @Override
    public Tensor fold2d(Tensor cols, Window2d window, int h, int w) {
        int n = cols.size(0), c = cols.size(1) / window.area();
        Tensor out = result(n, c, h, w);
        if (out.numel() == 0) return out;
        Tensor cc = contiguousTemp(cols);
        try {
            im2col.col2im(ptr(cc), ptr(out), n, c, h, w, window);
        } finally {
            if (cc != cols) cc.release();
        }
        return out;
    }

    // ---------------------------------------------------------------- convolution (cuDNN, else im2col + GEMM)
    //
    // cuDNN (CudnnConvolutions) on a real GPU when libcudnn.so.9 loaded and -Dsslj.cudnn is not false;
    // otherwise, and always on the emulator, Im2colConv: im2col.ptx + gemm.ptx (+ col2im). The path is
    // said once on stderr at the first convolution (and again whenever it changes). A cuDNN failure at
    // run time (init or a call) is said in one line, and every later convolution takes the im2col path.

    private boolean cudnnEnabled = !"false".equalsIgnoreCase(System.getProperty("sslj.cudnn", "true"));
    /** Why cuDNN cannot be used (set once, for good), or null while it may be. */
    private String cudnnUnusable;
    private CudnnConvolutions cudnn;
    private String reportedPath;

    /** Turns the cuDNN path on or off (the {@code sslj.cudnn} property sets the initial value); for tests and benchmarks. */
    public synchronized void setCudnnEnabled(boolean on) { this.cudnnEnabled = on; }

    /** The path the next convolution takes: "cudnn" or "im2col". */
    public synchronized String convPath() { return convolutions() != null ? "cudnn" : "im2col"; }

    /** The cuDNN algorithm chosen for each convolution shape seen so far, one line each ("" when cuDNN is unused). */
    public synchronized String convAlgorithms() { return cudnn == null ? "" : cudnn.algorithms(); }

    /** Whether cuDNN chose a Winograd or FFT algorithm for some shape (tests widen their tolerance then). */
    public synchronized boolean convUsesTransformAlgorithms() { return cudnn != null && cudnn.anyTransformAlgorithm(); }

    /** The cuDNN convolutions when they are to be used now, else null (and says so once). */
    private synchronized CudnnConvolutions convolutions() {
        String why = null;
        if (!(ctx.runtime instanceof sslj.kernels.cuda.JCudaRuntime gpu)) {
            why = "no cuDNN on " + ctx.runtime.name();
        } else if (!cudnnEnabled) {
            why = "cuDNN disabled (-Dsslj.cudnn=false or setCudnnEnabled(false))";
        } else if (cudnnUnusable != null) {
            why = cudnnUnusable;
        } else if (cudnn == null) {
            GpuLibraries.Status status = GpuLibraries.status(GpuLibraries.Library.CUDNN);
            if (!status.loaded()) {
                cudnnUnusable = "cuDNN not loaded: " + status;
                why = cudnnUnusable;
            } else {
                try {
                    cudnn = new CudnnConvolutions(this, gpu);
                } catch (RuntimeException | LinkageError e) {
                    cudnnUnusable = "cuDNN init failed: " + e.getMessage();
                    why = cudnnUnusable;
                }
            }
        }
        String path = why == null ? "cuDNN " + GpuLibraries.status(GpuLibraries.Library.CUDNN).detail() : "im2col + GEMM (" + why + ")";
        if (!path.equals(reportedPath)) {
            reportedPath = path;
            System.err.println("[sslj] " + this + ": convolutions on " + path);
        }
        return why == null ? cudnn : null;
    }

    /** Called when a cuDNN convolution failed: says so once and turns cuDNN off for good. */
    private synchronized void cudnnFailed(Throwable e) {
        cudnnUnusable = "cuDNN call failed: " + e.getMessage();
        System.err.println("[sslj] " + this + ": " + cudnnUnusable + "; using im2col + GEMM from now on");
    }

    private interface CudnnOp { void run(CudnnConvolutions c); }

    /** Runs a cuDNN convolution into {@code out}; false (out released) when cuDNN is not used or failed. */
    private boolean viaCudnn(Tensor out, CudnnOp op, Tensor... inputs) {
        boolean empty = out.numel() == 0;
        for (Tensor t : inputs) empty |= t.numel() == 0;           // cuDNN rejects zero-sized dims
        CudnnConvolutions c = empty ? null : convolutions();
        if (c == null) {
            out.release();
            return false;
        }
        try {
            op.run(c);
            return true;
        } catch (RuntimeException | LinkageError e) {
            cudnnFailed(e);
            out.release();
            return false;
        }
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Window2d window) {
        Tensor y = result(x.size(0), w.size(0), window.outH(x.size(2)), window.outW(x.size(3)));
        try (Staged st = new Staged()) {
            if (viaCudnn(y, c -> c.forward(st.contiguous(x), st.contiguous(w), y, window), x, w)) return y;
        }
        return Im2colConv.forward(x, w, window);
    }

    @Override
    public Tensor conv2dBackwardData(Tensor dy, Tensor w, Window2d window, int h, int wd) {
        Tensor dx = result(dy.size(0), w.size(1), h, wd);
        try (Staged st = new Staged()) {
            if (viaCudnn(dx, c -> c.backwardData(st.contiguous(dy), st.contiguous(w), dx, window), dy, w)) return dx;
        }
        return Im2colConv.backwardData(dy, w, window, h, wd);
    }

    @Override
    public Tensor conv2dBackwardFilter(Tensor x, Tensor dy, Window2d window) {
        Tensor dw = result(dy.size(1), x.size(1), window.kh(), window.kw());
        try (Staged st = new Staged()) {
            if (viaCudnn(dw, c -> c.backwardFilter(st.contiguous(x), st.contiguous(dy), dw, window), x, dy)) return dw;
        }
        return Im2colConv.backwardFilter(x, dy, window);
    }

    // ---------------------------------------------------------------- batch normalisation
    //
    // The training forward, the training backward (the two with per-channel reductions) and the eval forward
    // through cuDNN (CudnnBatchNorm) on a real GPU where libcudnn.so.9 loaded and cuDNN is enabled (the
    // convolutions' switch, and -Dsslj.cudnn.batchnorm for batch norm alone); the eval backward (no cuDNN
    // call), everything on the emulator, and training on channels of a single value, on batchnorm.ptx. A cuDNN failure is said once, and batch norm stays
    // on batchnorm.ptx from then on (the convolutions decide for themselves).

    private String cudnnBatchNormUnusable;
    private CudnnBatchNorm cudnnBatchNorm;
    /** -Dsslj.cudnn.batchnorm=false keeps batch norm on batchnorm.ptx while the convolutions use cuDNN (for A/B runs). */
    private final boolean cudnnBatchNormEnabled = !"false".equalsIgnoreCase(System.getProperty("sslj.cudnn.batchnorm", "true"));

    /** The path of the next batch norm forward (training or eval) and training backward: "cudnn" or "ptx". */
    public synchronized String batchNormPath() { return batchNormCudnn() != null ? "cudnn" : "ptx"; }

    /** The cuDNN batch norm when it is to be used now, else null. */
    private synchronized CudnnBatchNorm batchNormCudnn() {
        if (!(ctx.runtime instanceof sslj.kernels.cuda.JCudaRuntime gpu) || !cudnnEnabled || !cudnnBatchNormEnabled || cudnnBatchNormUnusable != null) return null;
        if (cudnnBatchNorm == null) {
            GpuLibraries.Status status = GpuLibraries.status(GpuLibraries.Library.CUDNN);
            if (!status.loaded()) {
                cudnnBatchNormUnusable = "cuDNN not loaded: " + status;
                return null;
            }
            try {
                cudnnBatchNorm = new CudnnBatchNorm(this, gpu);
            } catch (RuntimeException | LinkageError e) {
                cudnnBatchNormFailed(e);
                return null;
            }
        }
        return cudnnBatchNorm;
    }

    /** cuDNN's batch norm is for channels of two values or more (training statistics of one value are the PTX's: σ² = 0). */
    private static boolean cudnnBatchNormApplies(Tensor x) {
        return x.numel() > 0 && x.numel() / x.size(1) > 1;
    }

    private synchronized void cudnnBatchNormFailed(Throwable e) {
        cudnnBatchNormUnusable = "cuDNN batch norm failed: " + e.getMessage();
        System.err.println("[sslj] " + this + ": " + cudnnBatchNormUnusable + "; batch norm on batchnorm.ptx from now on");
    }

    @Override
    public Tensor[] batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps) {
        CudnnBatchNorm bn = cudnnBatchNormApplies(x) ? batchNormCudnn() : null;
        if (bn != null) {
            int c = x.size(1);
            Tensor y = result(x.shape()), mean = result(c), invstd = result(c);
            try (Staged st = new Staged()) {
                bn.forwardTraining(st.contiguous(x), gamma == null ? null : st.contiguous(gamma), beta == null ? null : st.contiguous(beta),
                        eps, y, mean, invstd);
                // cuDNN keeps invstd, the module's running statistics need the biased σ² = 1/invstd² − ε
                Tensor var = result(c);
                batchNorm.varFromInvstd(ptr(invstd), ptr(var), c, eps);
                return new Tensor[] {y, mean, var, invstd};
            } catch (RuntimeException | LinkageError e) {
                cudnnBatchNormFailed(e);
                y.release();
                mean.release();
                invstd.release();
            }
        }
        return Backend.super.batchNormForwardTraining(x, gamma, beta, eps);
    }

    /** The running statistics in one launch (batchnorm.ptx runningUpdate) instead of nine; strided tensors take the default. */
    @Override
    public void batchNormRunningUpdate(Tensor runningMean, Tensor runningVar, Tensor batchMean, Tensor batchVar, float momentum, float unbias) {
        if (!runningMean.isContiguous() || !runningVar.isContiguous()) {
            Backend.super.batchNormRunningUpdate(runningMean, runningVar, batchMean, batchVar, momentum, unbias);
            return;
        }
        Tensor bm = contiguousTemp(batchMean), bv = contiguousTemp(batchVar);
        try {
            batchNorm.runningUpdate(ptr(runningMean), ptr(runningVar), ptr(bm), ptr(bv), runningMean.numel(), momentum, unbias);
        } finally {
            if (bm != batchMean) bm.release();
            if (bv != batchVar) bv.release();
        }
    }

    @Override
    public Tensor batchNormForwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps) {
        CudnnBatchNorm bn = batchNormCudnn();              // any eps > 0 (cuDNN 9's CUDNN_BN_MIN_EPSILON is 0)
        if (bn != null) {
            Tensor y = result(x.shape());
            try (Staged st = new Staged()) {
                bn.forwardInference(st.contiguous(x), st.contiguous(mean), st.contiguous(var), gamma == null ? null : st.contiguous(gamma),
                        beta == null ? null : st.contiguous(beta), eps, y);
                return y;
            } catch (RuntimeException | LinkageError e) {
                cudnnBatchNormFailed(e);
                y.release();
            }
        }
        return Backend.super.batchNormForwardInference(x, mean, var, gamma, beta, eps);
    }

    @Override
    public Tensor[] batchNormStats(Tensor x) {
        int c = x.size(1);
        Tensor mean = result(c), var = result(c);
        try (Staged st = new Staged()) {
            batchNorm.stats(st.ptr(x), ptr(mean), ptr(var), x.size(0), c, BatchNormOps.planeSize(x));
        }
        return new Tensor[] {mean, var};
    }

    @Override
    public Tensor batchNormApply(Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta) {
        Tensor y = result(x.shape());
        try (Staged st = new Staged()) {
            batchNorm.apply(st.ptr(x), st.ptr(mean), st.ptr(invstd), gamma == null ? null : st.ptr(gamma), beta == null ? null : st.ptr(beta),
                    ptr(y), x.size(0), x.size(1), BatchNormOps.planeSize(x));
        }
        return y;
    }

    @Override
    public Tensor[] batchNormBackward(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        int c = x.size(1);
        Tensor dx = result(x.shape()), dgamma = result(c), dbeta = result(c);
        CudnnBatchNorm bn = training && cudnnBatchNormApplies(x) ? batchNormCudnn() : null;
        if (bn != null) {
            try (Staged st = new Staged()) {
                bn.backwardTraining(st.contiguous(g), st.contiguous(x), st.contiguous(mean), st.contiguous(invstd),
                        gamma == null ? null : st.contiguous(gamma), dx, dgamma, dbeta);
                return new Tensor[] {dx, dgamma, dbeta};
            } catch (RuntimeException | LinkageError e) {
                cudnnBatchNormFailed(e);                        // results are rewritten below, in full
            }
        }
        try (Staged st = new Staged()) {
            batchNorm.backward(st.ptr(g), st.ptr(x), st.ptr(mean), st.ptr(invstd), gamma == null ? null : st.ptr(gamma),
                    ptr(dx), ptr(dgamma), ptr(dbeta), x.size(0), c, BatchNormOps.planeSize(x), training);
        }
        return new Tensor[] {dx, dgamma, dbeta};
    }


    // ---------------------------------------------------------------- index ops and sorting (CudaIndexOps)

    @Override public Tensor indexSelect(Tensor x, int dim, Tensor index) { return indexOps.indexSelect(x, dim, index); }

    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return indexOps.gather(x, dim, index); }

    @Override public Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) { return indexOps.scatterAdd(x, dim, index, src); }

    @Override public void indexPutInto(Tensor dst, Tensor index, Tensor values) { indexOps.indexPutInto(dst, index, values); }

    @Override public Tensor[] topk(Tensor x, int k, int dim, boolean largest) { return indexOps.sort(x, k, dim, largest, true); }

    @Override public Tensor argsort(Tensor x, int dim, boolean descending) { return indexOps.sort(x, x.size(dim), dim, descending, false)[1]; }

    // ---------------------------------------------------------------- fused optimiser steps (optim.ptx)

    /** LARS in two launches (norms, update) instead of ~25; a strided theta or v takes the composed default. */
    @Override
    public void larsStep(Tensor theta, Tensor grad, Tensor v, float lr, float momentum, float weightDecay, float trust, float eps, boolean adapt) {
        if (theta.numel() == 0) return;
        if (!theta.isContiguous() || !v.isContiguous()) {   // parameters and optimiser state are contiguous; a strided view is not
            Backend.super.larsStep(theta, grad, v, lr, momentum, weightDecay, trust, eps, adapt);
            return;
        }
        Tensor gc = contiguousTemp(grad), norms = adapt ? temp(2) : null;
        try {
            if (norms != null && poisonResults) ctx.runtime.memset32(ptr(norms), Float.floatToRawIntBits(Float.NaN), 2);
            optimizer.lars(ptr(theta), ptr(gc), ptr(v), norms == null ? null : ptr(norms), theta.numel(),
                    lr, momentum, weightDecay, trust, eps, adapt);
        } finally {
            if (gc != grad) gc.release();
            if (norms != null) norms.release();                 // the stream orders any reuse after the update
        }
    }

    /** SGD in one launch instead of ~9; a strided theta or buf takes the composed default. */
    @Override
    public void sgdStep(Tensor theta, Tensor grad, Tensor buf, float lr, float momentum, float dampening, float weightDecay,
                        boolean nesterov, boolean first) {
        if (theta.numel() == 0) return;
        if (!theta.isContiguous() || (buf != null && !buf.isContiguous())) {
            Backend.super.sgdStep(theta, grad, buf, lr, momentum, dampening, weightDecay, nesterov, first);
            return;
        }
        Tensor gc = contiguousTemp(grad);
        try {
            optimizer.sgd(ptr(theta), ptr(gc), momentum != 0 ? ptr(buf) : null, theta.numel(), lr, momentum, dampening, weightDecay, nesterov, first);
        } finally {
            if (gc != grad) gc.release();
        }
    }

    /** AdamW in one launch instead of ~15; a strided theta, m or v takes the composed default. */
    @Override
    public void adamWStep(Tensor theta, Tensor grad, Tensor m, Tensor v, OptimizerSteps.AdamWScalars k) {
        if (theta.numel() == 0) return;
        if (!theta.isContiguous() || !m.isContiguous() || !v.isContiguous()) {
            Backend.super.adamWStep(theta, grad, m, v, k);
            return;
        }
        Tensor gc = contiguousTemp(grad);
        try {
            optimizer.adamW(ptr(theta), ptr(gc), ptr(m), ptr(v), theta.numel(), k.decay(), k.beta1(), k.oneMinusBeta1(),
                    k.beta2(), k.oneMinusBeta2(), k.sqrtBiasCorrection2(), k.eps(), k.stepSize());
        } finally {
            if (gc != grad) gc.release();
        }
    }

    // ---------------------------------------------------------------- EMA, queue, memory bank (momentum.ptx)

    @Override
    public void emaInto(Tensor target, Tensor online, float m) {
        if (target.numel() == 0) return;
        Tensor oc = contiguousTemp(online);
        try {
            writeThrough(target, t -> momentum.ema(ptr(t), ptr(oc), t.numel(), m));
        } finally {
            if (oc != online) oc.release();
        }
    }

    @Override
    public void enqueueInto(Tensor queue, Tensor keys, int ptr, boolean normalize) {
        Tensor kc = contiguousTemp(keys);
        try {
            writeThrough(queue, q -> momentum.enqueue(ptr(q), q.size(0), q.size(1), ptr(kc), kc.size(0), ptr, normalize));
        } finally {
            if (kc != keys) kc.release();
        }
    }

    @Override
    public void memoryBankUpdateInto(Tensor bank, Tensor idx, Tensor f, float m) {
        Tensor ic = contiguousTemp(idx), fc = contiguousTemp(f);
        try {
            writeThrough(bank, b -> momentum.memoryBankUpdate(ptr(b), b.size(0), b.size(1), ptr(ic), ptr(fc), ic.numel(), m, true));
        } finally {
            if (ic != idx) ic.release();
            if (fc != f) fc.release();
        }
    }

    // ---------------------------------------------------------------- fused NT-Xent (nt_xent.ptx)

    @Override
    public Tensor[] ntXentForward(Tensor z, float tau) {
        int rows = z.size(0), dim = z.size(1);
        Tensor loss = result(), lse = result(rows);
        Tensor zc = contiguousTemp(z), work = temp((int) NtXentKernels.forwardWorkspaceFloats(rows));
        try {
            ntXent.forward(ptr(zc), rows, dim, tau, ptr(loss), ptr(lse), ptr(work));
        } finally {
            work.release();
            if (zc != z) zc.release();
        }
        return new Tensor[] {loss, lse};
    }

    @Override
    public Tensor ntXentBackward(Tensor z, Tensor lse, float tau, float gradScale) {
        int rows = z.size(0), dim = z.size(1);
        Tensor grad = result(rows, dim);
        Tensor zc = contiguousTemp(z), lc = contiguousTemp(lse);
        Tensor work = temp((int) NtXentKernels.backwardWorkspaceFloats(rows, dim));
        try {
            ntXent.backward(ptr(zc), ptr(lc), rows, dim, tau, gradScale, ptr(grad), ptr(work));
        } finally {
            work.release();
            if (zc != z) zc.release();
            if (lc != lse) lc.release();
        }
        return grad;
    }

    // ---------------------------------------------------------------- fused InfoNCE (info_nce.ptx)

    @Override
    public Tensor[] infoNceQueueForward(Tensor q, Tensor k, Tensor queue, float tau) {
        int n = q.size(0), d = q.size(1), kk = queue.size(0);
        Tensor loss = result(), lse = result(n);
        try (Staged st = new Staged()) {
            infoNce.queueForward(st.ptr(q), st.ptr(k), st.ptr(queue), n, kk, d, tau, ptr(lse), ptr(loss), st.work(InfoNceKernels.workspaceFloats(n, kk, d)));
        }
        return new Tensor[] {loss, lse};
    }

    @Override
    public Tensor infoNceQueueBackward(Tensor q, Tensor k, Tensor queue, Tensor lse, float tau, float gradScale) {
        int n = q.size(0), d = q.size(1), kk = queue.size(0);
        Tensor dq = result(n, d);
        try (Staged st = new Staged()) {
            infoNce.queueBackward(st.ptr(q), st.ptr(k), st.ptr(queue), st.ptr(lse), n, kk, d, tau, gradScale, ptr(dq),
                    st.work(InfoNceKernels.workspaceFloats(n, kk, d)));
        }
        return dq;
    }

    @Override
    public Tensor[] infoNceInBatchForward(Tensor q, Tensor k, float scale, boolean symmetric) {
        int n = q.size(0), d = q.size(1);
        Tensor loss = result(), lseRow = result(n), lseCol = symmetric ? result(n) : result(0);
        try (Staged st = new Staged()) {
            infoNce.inBatchForward(st.ptr(q), st.ptr(k), n, d, scale, symmetric, ptr(lseRow), symmetric ? ptr(lseCol) : ptr(lseRow),
                    ptr(loss), st.work(InfoNceKernels.workspaceFloats(n, n, d)));
        }
        return new Tensor[] {loss, lseRow, lseCol};
    }

    @Override
    public Tensor[] infoNceInBatchBackward(Tensor q, Tensor k, Tensor lseRow, Tensor lseCol, float scale, boolean symmetric, float gradScale) {
        int n = q.size(0), d = q.size(1);
        Tensor dq = result(n, d), dk = result(n, d), dScale = result();
        try (Staged st = new Staged()) {
            DevicePtr row = st.ptr(lseRow);
            infoNce.inBatchBackward(st.ptr(q), st.ptr(k), row, symmetric ? st.ptr(lseCol) : row, n, d, scale, symmetric, gradScale,
                    ptr(dq), ptr(dk), ptr(dScale), st.work(InfoNceKernels.workspaceFloats(n, n, d)));
        }
        return new Tensor[] {dq, dk, dScale};
    }

    /** Operands staged for one kernel call: contiguous copies and workspaces, all released on close. */
    private final class Staged implements AutoCloseable {
        private final java.util.List<Tensor> scratch = new java.util.ArrayList<>();

        /** The device pointer of t, through a contiguous scratch copy when t is strided. */
        DevicePtr ptr(Tensor t) {
            Tensor c = contiguousTemp(t);
            if (c != t) scratch.add(c);
            return CudaBackend.this.ptr(c);
        }

        /** t itself when contiguous, else a scratch contiguous copy released on close. */
        Tensor contiguous(Tensor t) {
            Tensor c = contiguousTemp(t);
            if (c != t) scratch.add(c);
            return c;
        }

        /** A scratch buffer of {@code floats} floats. */
        DevicePtr work(long floats) {
            Tensor w = temp((int) Math.max(1, floats));
            scratch.add(w);
            return CudaBackend.this.ptr(w);
        }

        @Override public void close() { scratch.forEach(Tensor::release); }
    }

    /** Runs an in-place kernel on dst, through a contiguous scratch copy when dst is a strided view. */
    private void writeThrough(Tensor dst, java.util.function.Consumer<Tensor> kernel) {
        if (dst.isContiguous()) {
            kernel.accept(dst);
            return;
        }
        Tensor c = contiguousTemp(dst);
        try {
            kernel.accept(c);
            copyInto(dst, c);
        } finally {
            c.release();
        }
    }

    @Override
    public String toString() { return "CudaBackend[" + device + " on " + ctx.runtime.name() + "]"; }
}
