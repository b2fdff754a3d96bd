package sslj.kernels.ops;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launches the kernels of {@code ptx/indexing.ptx}: concat's slice copy, indexSelect, gather,
 * scatterAdd, indexPut and the sort behind argsort / topk, with the semantics of the CPU backend's
 * {@code CpuIndexing}. Every tensor argument is a contiguous float32 buffer, described as
 * {@code [outer, size, inner]} around the dimension the op works along (outer = product of the sizes
 * before it, inner = product of those after it); a backend makes strided inputs contiguous first.
 * Index tensors hold float32 whole numbers.
 *
 * <p>Index validation: the ops that read indices check each one on the device; after such a launch
 * this launcher reads back one word (so these calls wait for the stream) and, when an index was bad,
 * throws the CPU's {@link IndexOutOfBoundsException}: "gather: index 7.0 out of range for a dimension
 * of size 5" or "...: index 2.5 is not a whole number ...", for the bad index at the smallest flat
 * position. The outputs are then unspecified (elements that depend on a bad index are not written).
 *
 * <p>Every kernel is deterministic (no floating-point atomics): see the banner of indexing.ptx.
 * An instance owns a 4-byte device buffer for the error word: {@link #close()} frees it.
 */
public final class IndexKernels implements AutoCloseable {
    /** The PTX module, a classpath resource. */
    public static final String PTX = "/sslj/kernels/ptx/indexing.ptx";
    /** The longest line {@link #sortLines} sorts in one block (keys in 16 KiB of shared memory); longer lines are merge-sorted in global memory. */
    public static final int MAX_BLOCK_SORT_LENGTH = 2048;

    private static final int BLOCK = 256;
    private static final int NO_ERROR = -1;

    private final GpuRuntime runtime;
    private final GpuKernel copySlice, indexSelect, gather, scatterAdd, indexPut, sortLines, lineKeys, mergeRuns, takeSorted;
    private final DevicePtr err;

    public IndexKernels(GpuRuntime runtime) {
        this.runtime = runtime;
        GpuModule m = runtime.loadModule(PTX);
        copySlice = runtime.kernel(m, "copySlice");
        indexSelect = runtime.kernel(m, "indexSelect");
        gather = runtime.kernel(m, "gather");
        scatterAdd = runtime.kernel(m, "scatterAdd");
        indexPut = runtime.kernel(m, "indexPut");
        sortLines = runtime.kernel(m, "sortLines");
        lineKeys = runtime.kernel(m, "lineKeys");
        mergeRuns = runtime.kernel(m, "mergeRuns");
        takeSorted = runtime.kernel(m, "takeSorted");
        err = runtime.malloc(4);
    }

    /**
     * For concat: {@code dst[o][start + e] = src[o][e]} for o &lt; outer, e &lt; chunk, where a "row" of
     * src has {@code chunk} floats and one of dst {@code dstChunk}. Concatenating along dim: per input,
     * chunk = size(dim)·inner, dstChunk = (total size along dim)·inner, start = (offset along dim)·inner.
     */
    public void copySlice(DevicePtr src, DevicePtr dst, int outer, int chunk, int dstChunk, int start) {
        String op = "concat";
        nonNegative(op, outer, chunk, dstChunk, start);
        if (start + (long) chunk > dstChunk) throw new IllegalArgumentException(op + ": slice [" + start + ", " + (start + chunk) + ") outside rows of " + dstChunk);
        long total = (long) outer * chunk;
        if (total == 0) return;
        fits(op, "src", src, total);
        fits(op, "dst", dst, (long) outer * dstChunk);
        runtime.launch(copySlice, grid(op, total), Dim3.of(BLOCK), 0,
                KernelArgs.of().ptr(src).ptr(dst).i32(outer).i32(chunk).i32(dstChunk).i32(start));
    }

    /** {@code out[o][i][r] = x[o][index[i]][r]}: x is [outer, size, inner], index [n], out [outer, n, inner]. */
    public void indexSelect(DevicePtr x, DevicePtr index, DevicePtr out, int outer, int size, int inner, int n) {
        String op = "indexSelect";
        nonNegative(op, outer, size, inner, n);
        long total = (long) outer * n * inner;
        if (total == 0) { checkIndices(op, index, n, size); return; }
        fits(op, "x", x, (long) outer * size * inner);
        fits(op, "index", index, n);
        fits(op, "out", out, total);
        launchChecked(op, indexSelect, grid(op, total), KernelArgs.of().ptr(x).ptr(index).ptr(out).ptr(err)
                .i32(outer).i32(size).i32(inner).i32(n), index, size);
    }

    /**
     * {@code out[o][i][r] = x[o][index[o][i][r]][r]}: x is [outer, size, inner], index and out
     * [outer, n, inner] (the index has x's sizes in every dimension but dim; a smaller index in another
     * dimension needs x narrowed to it first).
     */
    public void gather(DevicePtr x, DevicePtr index, DevicePtr out, int outer, int size, int inner, int n) {
        String op = "gather";
        nonNegative(op, outer, size, inner, n);
        long total = (long) outer * n * inner;
        if (total == 0) return;
        fits(op, "x", x, (long) outer * size * inner);
        fits(op, "index", index, total);
        fits(op, "out", out, total);
        launchChecked(op, gather, grid(op, total), KernelArgs.of().ptr(x).ptr(index).ptr(out).ptr(err)
                .i32(outer).i32(size).i32(inner).i32(n), index, size);
    }

    /**
     * {@code out[o][index[o][i][r]][r] += src[o][i][r]}, in place on out ([outer, size, inner]), which
     * holds x when called (the CPU's scatterAdd returns x + scatter: copy x into out first). index and
     * src are [outer, n, inner]. Sums are formed in i order, exactly as the CPU does them; the cost is
     * O(outer · size · inner · n) index reads (one thread per output element scans all n).
     */
    public void scatterAdd(DevicePtr out, DevicePtr index, DevicePtr src, int outer, int size, int inner, int n) {
        String op = "scatterAdd";
        nonNegative(op, outer, size, inner, n);
        long total = (long) outer * size * inner, sources = (long) outer * n * inner;
        if (sources == 0) return;
        if (total == 0) { checkIndices(op, index, (int) Math.min(sources, Integer.MAX_VALUE), size); return; }
        fits(op, "out", out, total);
        fits(op, "index", index, sources);
        fits(op, "src", src, sources);
        if (sources >= 1L << 31) throw new IllegalArgumentException(op + ": " + sources + " source elements exceed 2^31");
        launchChecked(op, scatterAdd, grid(op, total), KernelArgs.of().ptr(out).ptr(index).ptr(src).ptr(err)
                .i32(outer).i32(size).i32(inner).i32(n), index, size);
    }

    /**
     * {@code dst[index[i]] = values[i]} for rows of {@code rowLen} floats: dst is [rows, rowLen], index
     * [n], values [n, rowLen]. With duplicate indices the last one wins (as the CPU's loop).
     */
    public void indexPut(DevicePtr dst, DevicePtr index, DevicePtr values, int rows, int rowLen, int n) {
        String op = "indexPut";
        nonNegative(op, rows, rowLen, n);
        long total = (long) n * rowLen;
        if (n == 0) return;
        if (total == 0) { checkIndices(op, index, n, rows); return; }
        fits(op, "dst", dst, (long) rows * rowLen);
        fits(op, "index", index, n);
        fits(op, "values", values, total);
        launchChecked(op, indexPut, grid(op, total), KernelArgs.of().ptr(dst).ptr(index).ptr(values).ptr(err)
                .i32(rows).i32(rowLen).i32(n), index, rows);
    }

    /**
     * Sorts each of {@code lines} contiguous lines of {@code len} floats (the last dimension) stably,
     * NaN largest and -0 equal to 0, as the CPU's argsort, and writes the first {@code k} of each:
     * {@code indices} [lines, k] the positions (as floats), {@code values} [lines, k] the values there,
     * or nothing when {@code values} is null. argsort(x, descending) = sortLines(x, null, idx, lines,
     * len, len, descending); topk(x, k, largest) = sortLines(x, v, idx, lines, len, k, largest).
     * Lines up to {@link #MAX_BLOCK_SORT_LENGTH} are sorted by one block each (a bitonic network in shared
     * memory); longer ones by {@link #mergeSortLines}.
     */
    public void sortLines(DevicePtr x, DevicePtr values, DevicePtr indices, int lines, int len, int k, boolean descending) {
        String op = values == null ? "argsort" : "topk";
        nonNegative(op, lines, len, k);
        if (k > len) throw new IllegalArgumentException(op + ": k = " + k + " exceeds the line length " + len);
        if (lines == 0 || k == 0) return;
        fits(op, "x", x, (long) lines * len);
        fits(op, "indices", indices, (long) lines * k);
        if (values != null) fits(op, "values", values, (long) lines * k);
        DevicePtr noValues = new DevicePtr(0, 0);
        if (len > MAX_BLOCK_SORT_LENGTH) {
            mergeSortLines(op, x, values == null ? noValues : values, indices, lines, len, k, descending);
            return;
        }
        int p = 2;
        while (p < len) p <<= 1;
        runtime.launch(sortLines, Dim3.of(lines), Dim3.of(p / 2), 0, KernelArgs.of().ptr(x)
                .ptr(values == null ? noValues : values).ptr(indices)
                .i32(lines).i32(len).i32(k).i32(descending ? 1 : 0).i32(p));
    }

    /**
     * The same result for long lines: the 64-bit keys of sortLines in global memory (lineKeys), merged
     * pass by pass from runs of 1 to the whole line (mergeRuns, ceil(log2 len) launches, two key
     * buffers used in turn), then the first k read out (takeSorted). 16 bytes per element of scratch.
     */
    private void mergeSortLines(String op, DevicePtr x, DevicePtr values, DevicePtr indices, int lines, int len, int k, boolean descending) {
        long total = (long) lines * len;
        Dim3 grid = grid(op, total), block = Dim3.of(BLOCK);
        DevicePtr from = runtime.malloc(8 * total), to = runtime.malloc(8 * total);
        try {
            runtime.launch(lineKeys, grid, block, 0, KernelArgs.of().ptr(x).ptr(from).i32(lines).i32(len).i32(descending ? 1 : 0));
            for (long width = 1; width < len; width <<= 1) {
                runtime.launch(mergeRuns, grid, block, 0, KernelArgs.of().ptr(from).ptr(to).i32(lines).i32(len).i32((int) width));
                DevicePtr t = from; from = to; to = t;
            }
            runtime.launch(takeSorted, grid(op, (long) lines * k), block, 0,
                    KernelArgs.of().ptr(from).ptr(x).ptr(values).ptr(indices).i32(lines).i32(len).i32(k));
        } finally {
            runtime.free(from);
            runtime.free(to);
        }
    }

    @Override
    public void close() { runtime.free(err); }

    // ---- helpers --------------------------------------------------------------------------------

    /** Launches a validating kernel, then reads the error word and throws for the first bad index. */
    private void launchChecked(String op, GpuKernel kernel, Dim3 grid, KernelArgs args, DevicePtr index, int size) {
        runtime.memset32(err, NO_ERROR, 1);
        runtime.launch(kernel, grid, Dim3.of(BLOCK), 0, args);
        int[] word = new int[1];
        runtime.copyToHost(word, 0, err, 1);
        if (word[0] != NO_ERROR) {
            float[] v = new float[1];
            runtime.copyToHost(v, 0, index.offset(4L * Integer.toUnsignedLong(word[0])), 1);
            throw badIndex(op, v[0], size);
        }
    }

    /** Validates indices on the host when no kernel runs (an empty output still rejects bad indices, as on the CPU). */
    private void checkIndices(String op, DevicePtr index, int n, int size) {
        if (n == 0) return;
        float[] idx = new float[n];
        runtime.copyToHost(idx, 0, index, n);
        for (float v : idx) if ((int) v != v || v < 0 || v >= size) throw badIndex(op, v, size);
    }

    /** The CPU's messages (CpuIndexing.index), word for word. */
    static IndexOutOfBoundsException badIndex(String op, float v, int size) {
        if ((int) v != v) {
            return new IndexOutOfBoundsException(op + ": index " + v + " is not a whole number (dimension of size " + size + ")");
        }
        return new IndexOutOfBoundsException(op + ": index " + v + " out of range for a dimension of size " + size);
    }

    private static void nonNegative(String op, int... sizes) {
        for (int s : sizes) if (s < 0) throw new IllegalArgumentException(op + ": negative size " + s);
    }

    private static void fits(String op, String name, DevicePtr p, long floats) {
        if (p == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        if (4 * floats > p.bytes()) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + floats + " floats but its allocation has " + p.bytes() / 4);
        }
    }

    private static Dim3 grid(String op, long total) {
        if (total >= 1L << 31) throw new IllegalArgumentException(op + ": " + total + " elements exceed 2^31 (32-bit indexing)");
        return Dim3.of((int) ((total + BLOCK - 1) / BLOCK));
    }
}
