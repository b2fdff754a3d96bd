package sslj.kernels.backend;

import sslj.kernels.ops.IndexKernels;
import sslj.tensor.Tensor;

/**
 * The CUDA backend's index ops and sorting, on the kernels of indexing.ptx ({@link IndexKernels}).
 * Each op lays its operands out as the launchers want them, contiguous and seen as
 * [outer, size, inner] around the op's dimension, copying a strided operand to a scratch buffer when it
 * must; scratch buffers are released before the op returns. The index kernels check every index on the
 * device and the launcher raises the CPU backend's own exception for a bad one.
 */
final class CudaIndexOps {
    private final CudaBackend gpu;
    private final IndexKernels kernels;

    CudaIndexOps(CudaBackend gpu, IndexKernels kernels) {
        this.gpu = gpu;
        this.kernels = kernels;
    }

    /** Sizes before, at and after {@code dim}: the [outer, size, inner] view of a contiguous tensor. */
    private static int[] around(int[] shape, int dim) {
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
        return new int[] {outer, shape[dim], inner};
    }

    Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int[] shape = x.shape(), g = around(shape, dim);
        int n = index.numel();
        shape[dim] = n;
        Tensor out = gpu.result(shape);
        Tensor xc = gpu.contiguousTemp(x), ic = gpu.contiguousTemp(index);
        try {
            kernels.indexSelect(gpu.ptr(xc), gpu.ptr(ic), gpu.ptr(out), g[0], g[1], g[2], n);
        } finally {
            if (xc != x) xc.release();
            if (ic != index) ic.release();
        }
        return out;
    }

    /** The kernel wants x with the index's sizes outside dim: narrow x to them (a view), then stage. */
    Tensor gather(Tensor x, int dim, Tensor index) {
        int[] is = index.shape();
        Tensor xn = x;
        for (int d = 0; d < is.length; d++) if (d != dim && is[d] != x.size(d)) xn = xn.narrow(d, 0, is[d]);
        int[] g = around(xn.shape(), dim);
        Tensor out = gpu.result(is);
        if (out.numel() == 0) return out;
        Tensor xc = gpu.contiguousTemp(xn), ic = gpu.contiguousTemp(index);
        try {
            kernels.gather(gpu.ptr(xc), gpu.ptr(ic), gpu.ptr(out), g[0], g[1], g[2], is[dim]);
        } finally {
            if (xc != xn) xc.release();
            if (ic != index) ic.release();
        }
        return out;
    }

    /**
     * out = x, then src added at the indexed places, in the CPU's order (deterministic). An index
     * smaller than x outside dim reaches only the box of out it covers there: the kernel scatters into
     * that box (a view, staged through a contiguous scratch copy when it is strided), the rest of out
     * stays a copy of x.
     */
    Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int[] is = index.shape(), xs = x.shape();
        Tensor out = gpu.unary(sslj.tensor.UnaryOp.IDENTITY, x, 0f);
        if (index.numel() == 0) return out;
        Tensor box = out;
        for (int d = 0; d < is.length; d++) if (d != dim && is[d] != xs[d]) box = box.narrow(d, 0, is[d]);
        int[] g = around(box.shape(), dim);
        Tensor bc = gpu.contiguousTemp(box), ic = gpu.contiguousTemp(index), sc = gpu.contiguousTemp(src);
        try {
            kernels.scatterAdd(gpu.ptr(bc), gpu.ptr(ic), gpu.ptr(sc), g[0], g[1], g[2], is[dim]);
            if (bc != box) gpu.copyInto(box, bc);
        } finally {
            if (bc != box) bc.release();
            if (ic != index) ic.release();
            if (sc != src) sc.release();
        }
        return out;
    }

    /** Rows of dst (dim 0) replaced in place; a strided dst is written through a contiguous scratch copy. */
    void indexPutInto(Tensor dst, Tensor index, Tensor values) {
        int rows = dst.size(0), rowLen = rows == 0 ? 0 : dst.numel() / rows;
        Tensor dc = dst.isContiguous() ? dst : gpu.contiguousTemp(dst);
        Tensor ic = gpu.contiguousTemp(index), vc = gpu.contiguousTemp(values);
        try {
            kernels.indexPut(gpu.ptr(dc), gpu.ptr(ic), gpu.ptr(vc), rows, rowLen, index.numel());
            if (dc != dst) gpu.copyInto(dst, dc);
        } finally {
            if (dc != dst) dc.release();
            if (ic != index) ic.release();
            if (vc != values) vc.release();
        }
    }

    /**
     * The first k of each line along dim after a stable sort ({values, indices}; values only when
     * {@code withValues}). The kernel sorts the last dim, so another dim is moved last through a scratch
     * copy and the results are moved back.
     */
    Tensor[] sort(Tensor x, int k, int dim, boolean descending, boolean withValues) {
        int last = x.dim() - 1, len = x.size(dim);
        Tensor moved = dim == last ? x : x.transpose(dim, last);
        int[] shape = moved.shape();
        shape[last] = k;
        int lines = len == 0 ? 0 : moved.numel() / len;
        boolean direct = dim == last;
        Tensor values = withValues ? (direct ? gpu.result(shape) : gpu.temp(shape)) : null;
        Tensor indices = direct ? gpu.result(shape) : gpu.temp(shape);
        Tensor mc = gpu.contiguousTemp(moved);
        try {
            if (lines > 0 && k > 0) {
                kernels.sortLines(gpu.ptr(mc), values == null ? null : gpu.ptr(values), gpu.ptr(indices), lines, len, k, descending);
            }
        } finally {
            if (mc != moved) mc.release();
        }
        if (direct) return new Tensor[] {values, indices};
        Tensor[] back = new Tensor[2];
        if (values != null) {
            back[0] = gpu.unary(sslj.tensor.UnaryOp.IDENTITY, values.transpose(dim, last), 0f);
            values.release();
        }
        back[1] = gpu.unary(sslj.tensor.UnaryOp.IDENTITY, indices.transpose(dim, last), 0f);
        indices.release();
        return back;
    }
}
