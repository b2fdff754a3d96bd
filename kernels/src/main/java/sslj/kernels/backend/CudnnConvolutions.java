package sslj.kernels.backend;

import static jcuda.jcudnn.JCudnn.cudnnConvolutionBackwardData;
import static jcuda.jcudnn.JCudnn.cudnnConvolutionBackwardFilter;
import static jcuda.jcudnn.JCudnn.cudnnConvolutionForward;
import static jcuda.jcudnn.JCudnn.cudnnCreate;
import static jcuda.jcudnn.JCudnn.cudnnCreateConvolutionDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnCreateFilterDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnCreateTensorDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnDestroy;
import static jcuda.jcudnn.JCudnn.cudnnDestroyConvolutionDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnDestroyFilterDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnDestroyTensorDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolution2dForwardOutputDim;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionForwardAlgorithm_v7;
import static jcuda.jcudnn.JCudnn.cudnnGetConvolutionForwardWorkspaceSize;
import static jcuda.jcudnn.JCudnn.cudnnGetErrorString;
import static jcuda.jcudnn.JCudnn.cudnnSetConvolution2dDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnSetConvolutionMathType;
import static jcuda.jcudnn.JCudnn.cudnnSetFilter4dDescriptor;
import static jcuda.jcudnn.JCudnn.cudnnSetStream;
import static jcuda.jcudnn.JCudnn.cudnnSetTensor4dDescriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.kernels.runtime.GpuException;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * Convolution forward, backward-data and backward-filter through cuDNN's legacy convolution API
 * (jcudnn 11.7.0 Java API over jcudnn-natives 12.6.0, i.e. libcudnn.so.9; DESIGN.md section 3).
 *
 * <ul>
 *   <li>One {@code cudnnHandle}, bound with {@code cudnnSetStream} to the runtime's one stream, so cuDNN
 *       kernels are ordered with every PTX launch and a freed block can be reused at once.</li>
 *   <li>Per shape (N, C, H, W, O, window) a {@link Plan}: NCHW float32 tensor and filter descriptors and a
 *       cross-correlation descriptor with the window's padding, stride and dilation, made once and kept.
 *       Math type {@code CUDNN_FMA_MATH}: no TF32 tensor-core rounding, so results stay float32-exact
 *       up to the summation order.</li>
 *   <li>Per shape and direction, the algorithm is chosen once, on first use, from cuDNN's heuristic
 *       ({@code cudnnGet*Algorithm_v7}, ranked best first): the first whose status is success and whose
 *       workspace is at most {@link #MAX_WORKSPACE_BYTES}, preferring FMA math. The choice is cached.</li>
 *   <li>The workspace is a scratch tensor from the backend's caching allocator, released right after
 *       the call is enqueued (the single stream orders any later reuse after the call).</li>
 *   <li>alpha = 1, beta = 0: every result is written, not accumulated.</li>
 * </ul>
 *
 * <p>Every cudnnStatus is checked; a failure is a {@link GpuException} naming the cuDNN call, the shape and
 * the status. The backend catches it, says so once, and uses im2col + GEMM from then on.
 *
 * <p>Accuracy: the implicit-GEMM and direct algorithms sum in another order than the CPU (≈1e-6 relative);
 * Winograd and FFT algorithms, which the heuristic may rank first for 3×3 layers, transform the operands
 * and err by up to ≈1e-4..1e-3 relative. {@link #algorithms()} says which were chosen.
 */
final class CudnnConvolutions implements AutoCloseable {
    /** The largest workspace an algorithm may ask for. */
    static final long MAX_WORKSPACE_BYTES = 256L << 20;

    private final CudaBackend backend;
    private final JCudaRuntime gpu;
    private final cudnnHandle handle;
    private final Map<Key, Plan> plans = new LinkedHashMap<>();
    private final Pointer one = Pointer.to(new float[] {1f});
    private final Pointer zero = Pointer.to(new float[] {0f});
    private boolean closed;

    /** Creates the handle and binds it to the runtime's stream; throws a GpuException naming the failed call. */
    CudnnConvolutions(CudaBackend backend, JCudaRuntime gpu) {
        this.backend = backend;
        this.gpu = gpu;
        this.handle = newHandle(gpu);
    }

    /**
     * A cuDNN handle bound with {@code cudnnSetStream} to the runtime's one stream (so cuDNN's kernels are
     * ordered with every PTX launch); JCudnn's exceptions off, since every status is checked with the call's name.
     */
    static cudnnHandle newHandle(JCudaRuntime gpu) {
        JCudnn.setExceptionsEnabled(false);
        gpu.makeCurrent();
        cudnnHandle h = new cudnnHandle();
        check(cudnnCreate(h), "cudnnCreate");
        try {
            check(cudnnSetStream(h, gpu.cudaStream()), "cudnnSetStream");
        } catch (GpuException e) {
            cudnnDestroy(h);
            throw e;
        }
        return h;
    }

    /** t's device memory as the Pointer JCudnn takes. */
    static Pointer pointer(CudaBackend backend, JCudaRuntime gpu, Tensor t) {
        return gpu.pointer(backend.ptr(t), (long) t.numel() * Float.BYTES);
    }

    /** The shape a plan is for. */
    private record Key(int n, int c, int h, int w, int o, Window2d win) {
        @Override public String toString() {
            return "x [" + n + ", " + c + ", " + h + ", " + w + "] * w [" + o + ", " + c + ", " + win.kh() + ", " + win.kw()
                    + "] (" + win + ")";
        }
    }

    /** Descriptors of one shape, and the algorithm chosen for each direction (-1: not yet). */
    private final class Plan {
        final Key key;
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor(), y = new cudnnTensorDescriptor();
        final cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        final cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();
        final List<Runnable> destroy = new ArrayList<>();
        int fwdAlgo = -1, dataAlgo = -1, filterAlgo = -1;
        int fwdMath, dataMath, filterMath;
        long fwdBytes, dataBytes, filterBytes;

        Plan(Key k) {
            this.key = k;
            Window2d win = k.win;
            String at = " for " + k;
            try {
                check(cudnnCreateTensorDescriptor(x), "cudnnCreateTensorDescriptor(x)" + at);
                destroy.add(() -> cudnnDestroyTensorDescriptor(x));
                check(cudnnCreateTensorDescriptor(y), "cudnnCreateTensorDescriptor(y)" + at);
                destroy.add(() -> cudnnDestroyTensorDescriptor(y));
                check(cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor" + at);
                destroy.add(() -> cudnnDestroyFilterDescriptor(w));
                check(cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor" + at);
                destroy.add(() -> cudnnDestroyConvolutionDescriptor(conv));
                int oh = win.outH(k.h), ow = win.outW(k.w);
                // tensor: (desc, format, dataType, n, c, h, w); filter: (desc, dataType, format, k, c, h, w)
                check(cudnnSetTensor4dDescriptor(x, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, k.n, k.c, k.h, k.w),
                        "cudnnSetTensor4dDescriptor(x)" + at);
                check(cudnnSetTensor4dDescriptor(y, cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, k.n, k.o, oh, ow),
                        "cudnnSetTensor4dDescriptor(y)" + at);
                check(cudnnSetFilter4dDescriptor(w, cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, k.o, k.c, win.kh(), win.kw()),
                        "cudnnSetFilter4dDescriptor" + at);
                check(cudnnSetConvolution2dDescriptor(conv, win.padH(), win.padW(), win.strideH(), win.strideW(), win.dilH(), win.dilW(),
                        cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor" + at);
                check(cudnnSetConvolutionMathType(conv, cudnnMathType.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType(FMA)" + at);
                int[] n = {0}, c = {0}, h = {0}, ww = {0};
                check(cudnnGetConvolution2dForwardOutputDim(conv, x, w, n, c, h, ww), "cudnnGetConvolution2dForwardOutputDim" + at);
                if (n[0] != k.n || c[0] != k.o || h[0] != oh || ww[0] != ow) {
                    throw new GpuException("cuDNN output shape [" + n[0] + ", " + c[0] + ", " + h[0] + ", " + ww[0] + "] differs from ours ["
                            + k.n + ", " + k.o + ", " + oh + ", " + ow + "]" + at);
                }
            } catch (RuntimeException e) {
                free();
                throw e;
            }
        }

        void free() {
            for (int i = destroy.size() - 1; i >= 0; i--) destroy.get(i).run();
            destroy.clear();
        }
    }

    // ---------------------------------------------------------------- the three operations

    /** y = conv(x, w) into {@code y} (contiguous, [N, O, OH, OW]); x and w contiguous. */
    synchronized void forward(Tensor x, Tensor w, Tensor y, Window2d win) {
        Plan p = plan(x, w.size(0), win);
        if (p.fwdAlgo < 0) chooseForward(p);
        run(p, p.fwdBytes, p.fwdMath, ws -> check(cudnnConvolutionForward(handle, one, p.x, ptr(x), p.w, ptr(w), p.conv, p.fwdAlgo,
                ws, p.fwdBytes, zero, p.y, ptr(y)), "cudnnConvolutionForward(" + fwdName(p.fwdAlgo) + ") for " + p.key));
    }

    /** dx = conv_backward_data(dy, w) into {@code dx} (contiguous, [N, C, H, W]); dy and w contiguous. */
    synchronized void backwardData(Tensor dy, Tensor w, Tensor dx, Window2d win) {
        Plan p = plan(dx, w.size(0), win);
        if (p.dataAlgo < 0) chooseBackwardData(p);
        run(p, p.dataBytes, p.dataMath, ws -> check(cudnnConvolutionBackwardData(handle, one, p.w, ptr(w), p.y, ptr(dy), p.conv, p.dataAlgo,
                ws, p.dataBytes, zero, p.x, ptr(dx)), "cudnnConvolutionBackwardData(" + dataName(p.dataAlgo) + ") for " + p.key));
    }

    /** dw = conv_backward_filter(x, dy) into {@code dw} (contiguous, [O, C, kh, kw]); x and dy contiguous. */
    synchronized void backwardFilter(Tensor x, Tensor dy, Tensor dw, Window2d win) {
        Plan p = plan(x, dw.size(0), win);
        if (p.filterAlgo < 0) chooseBackwardFilter(p);
        run(p, p.filterBytes, p.filterMath, ws -> check(cudnnConvolutionBackwardFilter(handle, one, p.x, ptr(x), p.y, ptr(dy), p.conv,
                p.filterAlgo, ws, p.filterBytes, zero, p.w, ptr(dw)), "cudnnConvolutionBackwardFilter(" + filterName(p.filterAlgo) + ") for " + p.key));
    }

    private interface Call { void run(Pointer workspace); }

    /** Makes the context current, sets the chosen math type, lends a workspace for the call, releases it. */
    private void run(Plan p, long workspaceBytes, int mathType, Call call) {
        if (closed) throw new GpuException("cuDNN used after close()");
        gpu.makeCurrent();
        // Run with the math type the algorithm was chosen under. The heuristics report CUDNN_DEFAULT_MATH for
        // algorithms that need no tensor ops, but setting DEFAULT on the descriptor lets cuDNN 9 pick a TF32
        // tensor-core engine for FP32 on sm_80+, whose workspace differs from the one we sized: BAD_PARAM on
        // some shapes (seen on an H100, cuDNN 9.14). FMA keeps the query's engine and exact FP32 arithmetic.
        int runMath = tensorOp(mathType) ? mathType : cudnnMathType.CUDNN_FMA_MATH;
        check(cudnnSetConvolutionMathType(p.conv, runMath), "cudnnSetConvolutionMathType(" + runMath + ") for " + p.key);
        if (workspaceBytes == 0) {
            call.run(new Pointer());                               // NULL, size 0
            return;
        }
        Tensor ws = backend.temp((int) ((workspaceBytes + Float.BYTES - 1) / Float.BYTES));
        try {
            call.run(gpu.pointer(backend.ptr(ws), workspaceBytes));
        } finally {
            ws.release();                                          // the stream orders any reuse after the call
        }
    }

    private Pointer ptr(Tensor t) {
        return pointer(backend, gpu, t);
    }

    private Plan plan(Tensor x, int outChannels, Window2d win) {
        Key k = new Key(x.size(0), x.size(1), x.size(2), x.size(3), outChannels, win);
        Plan p = plans.get(k);
        if (p == null) {
            gpu.makeCurrent();
            p = new Plan(k);
            plans.put(k, p);
        }
        return p;
    }

    // ---------------------------------------------------------------- algorithm choice (once per shape and direction)

    private static boolean tensorOp(int mathType) {
        return mathType == cudnnMathType.CUDNN_TENSOR_OP_MATH || mathType == cudnnMathType.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
    }

    /** Index of the first usable entry: status success, workspace within the cap, FMA math preferred; -1 if none. */
    private static int pick(int count, int[] status, long[] memory, int[] math) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < count; i++) {
                if (status[i] != cudnnStatus.CUDNN_STATUS_SUCCESS || memory[i] > MAX_WORKSPACE_BYTES) continue;
                if (pass == 0 && tensorOp(math[i])) continue;
                return i;
            }
        }
        return -1;
    }

    private void chooseForward(Plan p) {
        gpu.makeCurrent();
        int[] max = {0}, count = {0};
        check(cudnnGetConvolutionForwardAlgorithmMaxCount(handle, max), "cudnnGetConvolutionForwardAlgorithmMaxCount");
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[Math.max(1, max[0])];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionFwdAlgoPerf();
        check(cudnnSetConvolutionMathType(p.conv, cudnnMathType.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType(FMA) for " + p.key);
        check(cudnnGetConvolutionForwardAlgorithm_v7(handle, p.x, p.w, p.conv, p.y, perf.length, count, perf),
                "cudnnGetConvolutionForwardAlgorithm_v7 for " + p.key);
        int n = Math.min(count[0], perf.length);
        int[] status = new int[n], math = new int[n];
        long[] memory = new long[n];
        for (int i = 0; i < n; i++) { status[i] = perf[i].status; memory[i] = perf[i].memory; math[i] = perf[i].mathType; }
        int i = pick(n, status, memory, math);
        if (i < 0) throw new GpuException("cuDNN has no forward algorithm for " + p.key + " within " + MAX_WORKSPACE_BYTES + " bytes of workspace");
        long[] bytes = {0};
        check(cudnnGetConvolutionForwardWorkspaceSize(handle, p.x, p.w, p.conv, p.y, perf[i].algo, bytes),
                "cudnnGetConvolutionForwardWorkspaceSize(" + fwdName(perf[i].algo) + ") for " + p.key);
        p.fwdBytes = Math.max(bytes[0], perf[i].memory);
        p.fwdMath = math[i];
        p.fwdAlgo = perf[i].algo;
    }

    private void chooseBackwardData(Plan p) {
        gpu.makeCurrent();
        int[] max = {0}, count = {0};
        check(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, max), "cudnnGetConvolutionBackwardDataAlgorithmMaxCount");
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[Math.max(1, max[0])];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
        check(cudnnSetConvolutionMathType(p.conv, cudnnMathType.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType(FMA) for " + p.key);
        check(cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, p.w, p.y, p.conv, p.x, perf.length, count, perf),
                "cudnnGetConvolutionBackwardDataAlgorithm_v7 for " + p.key);
        int n = Math.min(count[0], perf.length);
        int[] status = new int[n], math = new int[n];
        long[] memory = new long[n];
        for (int i = 0; i < n; i++) { status[i] = perf[i].status; memory[i] = perf[i].memory; math[i] = perf[i].mathType; }
        int i = pick(n, status, memory, math);
        if (i < 0) throw new GpuException("cuDNN has no backward-data algorithm for " + p.key + " within " + MAX_WORKSPACE_BYTES + " bytes of workspace");
        long[] bytes = {0};
        check(cudnnGetConvolutionBackwardDataWorkspaceSize(handle, p.w, p.y, p.conv, p.x, perf[i].algo, bytes),
                "cudnnGetConvolutionBackwardDataWorkspaceSize(" + dataName(perf[i].algo) + ") for " + p.key);
        p.dataBytes = Math.max(bytes[0], perf[i].memory);
        p.dataMath = math[i];
        p.dataAlgo = perf[i].algo;
    }

    private void chooseBackwardFilter(Plan p) {
        gpu.makeCurrent();
        int[] max = {0}, count = {0};
        check(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, max), "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount");
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[Math.max(1, max[0])];
        for (int i = 0; i < perf.length; i++) perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        check(cudnnSetConvolutionMathType(p.conv, cudnnMathType.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType(FMA) for " + p.key);
        check(cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, p.x, p.y, p.conv, p.w, perf.length, count, perf),
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7 for " + p.key);
        int n = Math.min(count[0], perf.length);
        int[] status = new int[n], math = new int[n];
        long[] memory = new long[n];
        for (int i = 0; i < n; i++) { status[i] = perf[i].status; memory[i] = perf[i].memory; math[i] = perf[i].mathType; }
        int i = pick(n, status, memory, math);
        if (i < 0) throw new GpuException("cuDNN has no backward-filter algorithm for " + p.key + " within " + MAX_WORKSPACE_BYTES + " bytes of workspace");
        long[] bytes = {0};
        check(cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, p.x, p.y, p.conv, p.w, perf[i].algo, bytes),
                "cudnnGetConvolutionBackwardFilterWorkspaceSize(" + filterName(perf[i].algo) + ") for " + p.key);
        p.filterBytes = Math.max(bytes[0], perf[i].memory);
        p.filterMath = math[i];
        p.filterAlgo = perf[i].algo;
    }

    // ---------------------------------------------------------------- reporting

    /** One line per shape seen: the algorithm chosen for each direction and its workspace (for tests and benchmarks). */
    synchronized String algorithms() {
        StringBuilder s = new StringBuilder();
        for (Plan p : plans.values()) {
            s.append(p.key).append(": fwd ").append(p.fwdAlgo < 0 ? "-" : fwdName(p.fwdAlgo) + " " + p.fwdBytes + " B")
             .append(", bwd data ").append(p.dataAlgo < 0 ? "-" : dataName(p.dataAlgo) + " " + p.dataBytes + " B")
             .append(", bwd filter ").append(p.filterAlgo < 0 ? "-" : filterName(p.filterAlgo) + " " + p.filterBytes + " B")
             .append('\n');
        }
        return s.toString();
    }

    /** Whether any chosen algorithm is a Winograd or FFT one (their error is larger: ~1e-4..1e-3 relative). */
    synchronized boolean anyTransformAlgorithm() {
        for (Plan p : plans.values()) {
            if (fwdName(p.fwdAlgo).contains("FFT") || fwdName(p.fwdAlgo).contains("WINOGRAD")) return true;
            if (dataName(p.dataAlgo).contains("FFT") || dataName(p.dataAlgo).contains("WINOGRAD")) return true;
            if (filterName(p.filterAlgo).contains("FFT") || filterName(p.filterAlgo).contains("WINOGRAD")) return true;
        }
        return false;
    }

    private static String fwdName(int algo) {
        return algo < 0 ? "-" : cudnnConvolutionFwdAlgo.stringFor(algo).replace("CUDNN_CONVOLUTION_FWD_ALGO_", "");
    }

    private static String dataName(int algo) {
        return algo < 0 ? "-" : cudnnConvolutionBwdDataAlgo.stringFor(algo).replace("CUDNN_CONVOLUTION_BWD_DATA_ALGO_", "");
    }

    private static String filterName(int algo) {
        return algo < 0 ? "-" : cudnnConvolutionBwdFilterAlgo.stringFor(algo).replace("CUDNN_CONVOLUTION_BWD_FILTER_ALGO_", "");
    }

    /** Throws a GpuException naming {@code call} and the cuDNN status unless it is success. */
    static void check(int status, String call) {
        if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            String text;
            try {
                text = cudnnStatus.stringFor(status) + " (" + cudnnGetErrorString(status) + ")";
            } catch (Throwable t) {
                text = "status " + status;
            }
            throw new GpuException(call + ": " + text);
        }
    }

    /** Destroys the descriptors and the handle. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        gpu.makeCurrent();
        for (Plan p : plans.values()) p.free();
        plans.clear();
        cudnnDestroy(handle);
    }
}
