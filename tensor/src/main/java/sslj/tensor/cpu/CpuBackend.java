package sslj.tensor.cpu;

import java.util.List;
import sslj.tensor.Backend;
import sslj.tensor.BinaryOp;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.ReduceOp;
import sslj.tensor.Storage;
import sslj.tensor.Tensor;
import sslj.tensor.UnaryOp;
import sslj.tensor.Window2d;

/**
 * The CPU backend: pure Java over float arrays, multithreaded on one shared pool, with Vector API inner
 * loops where the JVM has jdk.incubator.vector. Each op family lives in its own class; this one only
 * routes.
 */
public final class CpuBackend implements Backend {
    private final Device device;

    public CpuBackend(Device device) {
        this.device = device;
    }

    /** A new zero-filled contiguous tensor (a large one made inside a TensorScope reuses a pooled array: {@link CpuArrayPool}). */
    static Tensor empty(Device device, int... shape) {
        return new Tensor(CpuArrayPool.storage(device, Math.toIntExact(sslj.tensor.Shape.numel(shape))), shape);
    }

    /** A new contiguous tensor whose contents are unspecified: for a result the op writes in full. */
    static Tensor uninitialized(Device device, int... shape) {
        return new Tensor(CpuArrayPool.storage(device, Math.toIntExact(sslj.tensor.Shape.numel(shape)), false), shape);
    }

    @Override public Device device() { return device; }

    @Override public Storage allocate(long length) { return CpuArrayPool.storage(device, Math.toIntExact(length)); }

    @Override public Storage upload(float[] data) { return new CpuStorage(device, data.clone()); }

    @Override public float[] download(Tensor t) {
        if (t.isContiguous()) {
            float[] d = Strided.data(t);
            return java.util.Arrays.copyOfRange(d, t.offset(), t.offset() + t.numel());
        }
        return Strided.data(CpuElementwise.unary(UnaryOp.IDENTITY, t, 0f)).clone();
    }

    @Override public Tensor unary(UnaryOp op, Tensor x, float c) { return CpuElementwise.unary(op, x, c); }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return CpuElementwise.binary(op, a, b); }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { return CpuElementwise.where(cond, a, b); }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) { return CpuReduce.reduce(op, x, dims, keepdim); }

    @Override public Tensor argmax(Tensor x, int dim, boolean keepdim) { return CpuReduce.argmax(x, dim, keepdim); }

    @Override public Tensor matmul(Tensor a, Tensor b) { return CpuMatmul.matmul(a, b); }

    @Override public Tensor softmax(Tensor x, int dim, boolean log) { return CpuReduce.softmax(x, dim, log); }

    @Override public Tensor concat(List<Tensor> xs, int dim) { return CpuIndexing.concat(xs, dim); }

    @Override public Tensor indexSelect(Tensor x, int dim, Tensor index) { return CpuIndexing.indexSelect(x, dim, index); }

    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return CpuIndexing.gather(x, dim, index); }

    @Override public Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) { return CpuIndexing.scatterAdd(x, dim, index, src); }

    @Override public void indexPutInto(Tensor dst, Tensor index, Tensor values) { CpuIndexing.indexPutInto(dst, index, values); }

    @Override public void copyInto(Tensor dst, Tensor src) { CpuElementwise.copyInto(dst, src); }

    @Override public Tensor l2Normalize(Tensor x, int dim, float eps) { return CpuReduce.l2Normalize(x, dim, eps); }

    @Override public Tensor[] topk(Tensor x, int k, int dim, boolean largest) { return CpuIndexing.topk(x, k, dim, largest); }

    @Override public Tensor argsort(Tensor x, int dim, boolean descending) { return CpuIndexing.argsort(x, dim, descending); }

    @Override public Tensor unfold2d(Tensor x, Window2d window, float padValue) { return CpuWindow.unfold(x, window, padValue); }

    @Override public Tensor fold2d(Tensor cols, Window2d window, int h, int w) { return CpuWindow.fold(cols, window, h, w); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Window2d window) { return CpuConv.forward(x, w, window); }

    @Override public Tensor conv2dBackwardData(Tensor dy, Tensor w, Window2d window, int h, int wd) {
        return CpuConv.backwardData(dy, w, window, h, wd);
    }

    @Override public Tensor conv2dBackwardFilter(Tensor x, Tensor dy, Window2d window) {
        return CpuConv.backwardFilter(x, dy, window);
    }

    @Override public Tensor[] batchNormStats(Tensor x) { return CpuBatchNorm.stats(device, x); }

    @Override public Tensor batchNormApply(Tensor x, Tensor mean, Tensor invstd, Tensor gamma, Tensor beta) {
        return CpuBatchNorm.apply(device, x, mean, invstd, gamma, beta);
    }

    @Override public Tensor[] batchNormBackward(Tensor g, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean training) {
        return CpuBatchNorm.backward(device, g, x, mean, invstd, gamma, training);
    }

    @Override public Tensor[] batchNormReluForwardTraining(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        Tensor[] stats = CpuBatchNorm.stats(device, x);
        Tensor invstd = stats[1].add(eps).rsqrt();
        return new Tensor[] {CpuBatchNorm.apply(device, x, stats[0], invstd, gamma, beta, residual, true), stats[0], stats[1], invstd};
    }

    @Override public Tensor batchNormReluForwardInference(Tensor x, Tensor mean, Tensor var, Tensor gamma, Tensor beta, float eps, Tensor residual) {
        return CpuBatchNorm.apply(device, x, mean, var.add(eps).rsqrt(), gamma, beta, residual, true);
    }

    @Override public Tensor[] batchNormReluBackward(Tensor g, Tensor y, Tensor x, Tensor mean, Tensor invstd, Tensor gamma, boolean residualGrad) {
        return CpuBatchNorm.backward(device, g, y, residualGrad, x, mean, invstd, gamma, true);
    }

    @Override public Tensor random(Generator gen, boolean normal, float a, float b, int[] shape) {
        return CpuRandom.random(device, gen, normal, a, b, shape);
    }

    // ---------------------------------------------------------------- momentum family (CpuMomentum)

    @Override public void emaInto(Tensor target, Tensor online, float m) { CpuMomentum.emaInto(target, online, m); }

    @Override public void enqueueInto(Tensor queue, Tensor keys, int ptr, boolean normalize) { CpuMomentum.enqueueInto(queue, keys, ptr, normalize); }

    @Override public void memoryBankUpdateInto(Tensor bank, Tensor idx, Tensor f, float m) { CpuMomentum.memoryBankUpdateInto(bank, idx, f, m); }

    // ---------------------------------------------------------------- fused NT-Xent (SimCLR)

    @Override public Tensor[] ntXentForward(Tensor z, float tau) { return CpuNtXent.forward(z, tau); }

    @Override public Tensor ntXentBackward(Tensor z, Tensor lse, float tau, float gradScale) {
        return CpuNtXent.backward(z, lse, tau, gradScale);
    }

    // ---------------------------------------------------------------- fused InfoNCE (CpuInfoNce)

    @Override public Tensor[] infoNceQueueForward(Tensor q, Tensor k, Tensor queue, float tau) {
        return CpuInfoNce.queueForward(q, k, queue, tau);
    }

    @Override public Tensor infoNceQueueBackward(Tensor q, Tensor k, Tensor queue, Tensor lse, float tau, float gradScale) {
        return CpuInfoNce.queueBackward(q, k, queue, lse, tau, gradScale);
    }

    @Override public Tensor[] infoNceInBatchForward(Tensor q, Tensor k, float scale, boolean symmetric) {
        return CpuInfoNce.inBatchForward(q, k, scale, symmetric);
    }

    @Override public Tensor[] infoNceInBatchBackward(Tensor q, Tensor k, Tensor lseRow, Tensor lseCol, float scale, boolean symmetric, float gradScale) {
        return CpuInfoNce.inBatchBackward(q, k, lseRow, lseCol, scale, symmetric, gradScale);
    }
}
