package sslj.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A float32 n-dimensional array on a {@link Device}: a view (shape, strides, offset) over a
 * {@link Storage}. Views (reshape, transpose, narrow, expand, ...) share the storage and copy nothing;
 * operations check their arguments here, with errors that name the op and the shapes, and then call
 * the device's {@link Backend} once. This class knows nothing of gradients: autograd wraps it.
 *
 * <p>Methods ending in {@code _} write in place, as in PyTorch. Index tensors hold whole numbers in
 * float32, exact up to 2^24 (16.7 million rows: enough for any memory bank here).
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    /** A view over {@code storage}; backends use this to wrap what they compute. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Shape.str(strides) + " differ in rank");
        }
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous tensor over {@code storage}. */
    public Tensor(Storage storage, int... shape) {
        this(storage, Shape.check(shape), Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- creation

    /** A tensor holding a copy of {@code data}, with the given shape (on the CPU). */
    public static Tensor of(float[] data, int... shape) {
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(shape));
        }
        return new Tensor(Device.CPU.backend().upload(data.clone()), shape);
    }

    /** A 1-d tensor of the given values. */
    public static Tensor of(float... data) { return of(data, data.length); }

    /** A 2-d tensor from rows of equal length. */
    public static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw new IllegalArgumentException("of: row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return of(flat, rows.length, cols);
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(float value) { return of(new float[] {value}, new int[0]); }

    public static Tensor zeros(int... shape) { return zeros(Device.CPU, shape); }

    public static Tensor zeros(Device device, int... shape) {
        Shape.check(shape);
        return new Tensor(device.backend().allocate(Shape.numel(shape)), shape);
    }

    public static Tensor ones(int... shape) { return full(1f, shape); }

    public static Tensor full(float value, int... shape) { return full(Device.CPU, value, shape); }

    public static Tensor full(Device device, float value, int... shape) {
        return zeros(device, shape).fill_(value);
    }

    /** 0, 1, ..., n − 1. */
    public static Tensor arange(int n) { return arange(0, n, 1); }

    /** start, start + step, ... below end (above end for a negative step). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || !Float.isFinite(start) || !Float.isFinite(end) || !Float.isFinite(step)) {
            throw new IllegalArgumentException("arange: bad range start=" + start + " end=" + end + " step=" + step);
        }
        double count = Math.max(0, Math.ceil(((double) end - start) / step)); // in double: end - start may overflow float
        if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("arange: " + count + " elements are too many (start=" + start + " end=" + end + " step=" + step + ")");
        int n = (int) count;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + (double) i * step);
        return of(v, n);
    }

    /** Uniform numbers in [0, 1) from a seeded generator. */
    public static Tensor rand(Generator gen, int... shape) { return uniform(gen, 0f, 1f, shape); }

    /** Standard normal numbers from a seeded generator. */
    public static Tensor randn(Generator gen, int... shape) { return normal(gen, 0f, 1f, shape); }

    public static Tensor uniform(Generator gen, float lo, float hi, int... shape) {
        if (!(hi >= lo)) throw new IllegalArgumentException("uniform: need lo <= hi, got [" + lo + ", " + hi + ")");
        return Device.CPU.backend().random(gen, false, lo, hi, Shape.check(shape));
    }

    public static Tensor normal(Generator gen, float mean, float std, int... shape) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal: std must be >= 0, got " + std);
        return Device.CPU.backend().random(gen, true, mean, std, Shape.check(shape));
    }

    /** Zeros of this tensor's shape on its device. */
    public Tensor zerosLike() { return zeros(device(), shape); }

    // ---------------------------------------------------------------- metadata

    public Storage storage() { return storage; }
    public Device device() { return storage.device(); }
    public Backend backend() { return storage.device().backend(); }
    public int[] shape() { return shape.clone(); }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public int dim() { return shape.length; }
    public int size(int dim) { return shape[Shape.dim("size", dim, shape.length)]; }
    public int numel() { return (int) Shape.numel(shape); }

    /** True when the elements lie in row-major order with no gaps (size-1 dims may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    // ---------------------------------------------------------------- reading values

    /** The elements in row-major order (waits for the device). */
    public float[] toFloatArray() { return backend().download(this); }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item: tensor of shape " + Shape.str(shape) + " has " + numel() + " elements, not 1");
        return toFloatArray()[0];
    }

    /** The element at a full index (slow: for tests and small reads). */
    public float get(int... index) {
        return select(index).item();
    }

    private Tensor select(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of rank " + shape.length);
        }
        int off = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + index[i] + " out of range for dim " + i + " of size " + shape[i]);
            }
            off += index[i] * strides[i];
        }
        return new Tensor(storage, new int[0], new int[0], off);
    }

    /**
     * Gives this tensor's device memory back now (every view of its storage dies with it); a no-op on
     * the CPU. For unscoped tensors (parameters, optimiser state); temporaries belong to a
     * {@link TensorScope}. Returns nothing: the tensor must not be used afterwards.
     */
    public void release() { storage.release(); }

    /** Whether this tensor's storage was released (always false on the CPU). */
    public boolean isReleased() { return storage.isReleased(); }

    /** A copy on {@code device} (this tensor itself when it is already there). */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        float[] data = toFloatArray();
        return new Tensor(device.backend().upload(data), shape.clone());
    }

    /** Same as {@link #to(Device)}. */
    public Tensor copyTo(Device device) { return to(device); }

    // ---------------------------------------------------------------- views (no copy)

    /** The same elements in a new shape; one size may be -1. Copies only when no view is possible. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        int[] st = viewStrides(s);
        return st != null ? new Tensor(storage, s, st, offset) : contiguous().reshape(s);
    }

    /** Like reshape, but never copies: throws when the strides do not allow a view. */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        int[] st = viewStrides(s);
        if (st == null) {
            throw new IllegalStateException("view: shape " + Shape.str(shape) + " with strides " + Shape.str(strides)
                    + " cannot be viewed as " + Shape.str(s) + "; call contiguous() or reshape()");
        }
        return new Tensor(storage, s, st, offset);
    }

    public Tensor flatten() { return reshape(numel()); }

    /** Swaps two dimensions. */
    public Tensor transpose(int d0, int d1) {
        int a = Shape.dim("transpose", d0, shape.length), b = Shape.dim("transpose", d1, shape.length);
        int[] p = new int[shape.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** The transpose of a 2-d tensor. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalStateException("t: expects a 2-d tensor, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    /** Reorders the dimensions: result dim i is this tensor's dim order[i]. */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute: " + order.length + " dims given for a tensor of rank " + shape.length);
        }
        int[] s = new int[order.length], st = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int d = Shape.dim("permute", order[i], shape.length);
            if (seen[d]) throw new IllegalArgumentException("permute: dimension " + d + " repeated in " + Arrays.toString(order));
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
        }
        return new Tensor(storage, s, st, offset);
    }

    /** length elements of {@code dim} from {@code start}. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.dim("narrow", dim, shape.length);
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IndexOutOfBoundsException("narrow: [" + start + ", " + (start + length) + ") out of range for dim " + d + " of size " + shape[d]);
        }
        int[] s = shape.clone();
        s[d] = length;
        return new Tensor(storage, s, strides.clone(), offset + start * strides[d]);
    }

    /** Elements start, start + step, ... below end of {@code dim} (Python's x[start:end:step]). */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.dim("slice", dim, shape.length);
        if (step < 1) throw new IllegalArgumentException("slice: step must be >= 1, got " + step);
        int lo = Math.max(0, start < 0 ? start + shape[d] : start);
        int hi = Math.min(shape[d], end < 0 ? end + shape[d] : end);
        int len = hi <= lo ? 0 : (hi - lo + step - 1) / step;
        int[] s = shape.clone(), st = strides.clone();
        s[d] = len;
        st[d] = strides[d] * step;
        return new Tensor(storage, s, st, offset + (len == 0 ? 0 : lo * strides[d]));
    }

    /** The slice at {@code index} of {@code dim}, with that dimension removed. */
    public Tensor select(int dim, int index) {
        int d = Shape.dim("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) throw new IndexOutOfBoundsException("select: index " + index + " out of range for dim " + d + " of size " + shape[d]);
        return narrow(d, i, 1).squeeze(d);
    }

    /** Broadcasts size-1 dims (and new leading dims) to {@code newShape} with stride 0; -1 keeps a size. */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("expand: cannot expand shape " + Shape.str(shape) + " to fewer dims " + Shape.str(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] s = new int[newShape.length], st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int own = i < lead ? 1 : shape[i - lead];
            int want = newShape[i] == -1 && i >= lead ? own : newShape[i];
            if (own == want) {
                s[i] = want;
                st[i] = i < lead ? 0 : strides[i - lead];
            } else if (own == 1 && want >= 0) {
                s[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: shape " + Shape.str(shape) + " cannot be expanded to " + Shape.str(newShape));
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Removes dimension {@code dim}, which must have size 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.dim("squeeze", dim, shape.length);
        if (shape[d] != 1) throw new IllegalArgumentException("squeeze: dim " + d + " has size " + shape[d] + ", not 1");
        return new Tensor(storage, remove(shape, d), remove(strides, d), offset);
    }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() {
        Tensor t = this;
        for (int i = shape.length - 1; i >= 0; i--) if (shape[i] == 1) t = t.squeeze(i);
        return t;
    }

    /** Inserts a size-1 dimension at {@code dim} (which may equal the rank). */
    public Tensor unsqueeze(int dim) {
        int d = Shape.dim("unsqueeze", dim, shape.length + 1);
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : backend().unary(UnaryOp.IDENTITY, this, 0f);
    }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor copy() { return backend().unary(UnaryOp.IDENTITY, this, 0f); }

    private int[] inferShape(String op, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one size may be -1 in " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0 && known == 0) {
            throw new IllegalArgumentException(op + ": cannot infer the -1 in " + Shape.str(newShape) + " when the other sizes multiply to 0");
        }
        if (infer >= 0) s[infer] = (int) (numel() / known);
        if (Shape.numel(s) != numel()) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(shape) + " (" + numel() + " elements) cannot become " + Shape.str(newShape));
        }
        return s;
    }

    /**
     * Strides that view this tensor's elements in {@code newShape} without a copy, or null. Walks the
     * old dims from the right in chunks of memory-contiguous dims; each chunk must map onto a run of
     * new dims with the same element count (the algorithm of PyTorch's computeStride).
     */
    private int[] viewStrides(int[] newShape) {
        int[] out = new int[newShape.length];
        if (numel() == 0 || shape.length == 0) return Shape.contiguousStrides(newShape);
        int viewD = newShape.length - 1;
        long chunkStride = strides[shape.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkStride)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkStride);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkStride = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor unary(UnaryOp op, float c) { return backend().unary(op, this, c); }

    public Tensor neg() { return unary(UnaryOp.NEG, 0); }
    public Tensor exp() { return unary(UnaryOp.EXP, 0); }
    public Tensor log() { return unary(UnaryOp.LOG, 0); }
    public Tensor sqrt() { return unary(UnaryOp.SQRT, 0); }
    public Tensor rsqrt() { return unary(UnaryOp.RSQRT, 0); }
    public Tensor abs() { return unary(UnaryOp.ABS, 0); }
    public Tensor sign() { return unary(UnaryOp.SIGN, 0); }
    public Tensor reciprocal() { return unary(UnaryOp.RECIPROCAL, 0); }
    public Tensor square() { return unary(UnaryOp.SQUARE, 0); }
    public Tensor relu() { return unary(UnaryOp.RELU, 0); }
    public Tensor sigmoid() { return unary(UnaryOp.SIGMOID, 0); }
    public Tensor tanh() { return unary(UnaryOp.TANH, 0); }
    /** GELU, tanh approximation (see {@link UnaryOp#GELU}). */
    public Tensor gelu() { return unary(UnaryOp.GELU, 0); }
    public Tensor geluGrad() { return unary(UnaryOp.GELU_GRAD, 0); }
    public Tensor pow(float exponent) { return unary(UnaryOp.POW, exponent); }
    public Tensor add(float c) { return unary(UnaryOp.ADD_SCALAR, c); }
    public Tensor sub(float c) { return unary(UnaryOp.ADD_SCALAR, -c); }
    public Tensor mul(float c) { return unary(UnaryOp.MUL_SCALAR, c); }
    public Tensor div(float c) { return unary(UnaryOp.MUL_SCALAR, 1f / c); }
    /** max(x, lo) elementwise. */
    public Tensor clampMin(float lo) { return unary(UnaryOp.MAX_SCALAR, lo); }
    /** min(x, hi) elementwise. */
    public Tensor clampMax(float hi) { return unary(UnaryOp.MIN_SCALAR, hi); }
    public Tensor clamp(float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        return clampMin(lo).clampMax(hi);
    }

    private Tensor binary(BinaryOp op, Tensor other) {
        sameDevice(op.name().toLowerCase(), this, other);
        int[] s = Shape.broadcast(op.name().toLowerCase(), shape, other.shape);
        return backend().binary(op, expand(s), other.expand(s));
    }

    public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
    public Tensor pow(Tensor o) { return binary(BinaryOp.POW, o); }
    /** Elementwise max of two tensors (NaN propagates). */
    public Tensor maximum(Tensor o) { return binary(BinaryOp.MAX, o); }
    public Tensor minimum(Tensor o) { return binary(BinaryOp.MIN, o); }
    /** 1 where equal, else 0. */
    public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return binary(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return binary(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return binary(BinaryOp.GE, o); }
    public Tensor gt(float c) { return gt(full(device(), c)); }
    public Tensor lt(float c) { return lt(full(device(), c)); }

    /** cond ≠ 0 ? a : b, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        sameDevice("where", cond, a);
        sameDevice("where", a, b);
        int[] s = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        return a.backend().where(cond.expand(s), a.expand(s), b.expand(s));
    }

    // ---------------------------------------------------------------- reductions

    private Tensor reduce(ReduceOp op, int[] dims, boolean keepdim) {
        if (shape.length == 0) { // a scalar reduces to itself; only dim 0 or -1 (or none) make sense
            Shape.dims(op.name().toLowerCase(), dims, 1);
            return copy();
        }
        int[] d = Shape.dims(op.name().toLowerCase(), dims, shape.length);
        if (op != ReduceOp.SUM && op != ReduceOp.MEAN) {
            for (int i : d) {
                if (shape[i] == 0) throw new IllegalArgumentException(op.name().toLowerCase() + ": cannot reduce over empty dim " + i);
            }
        }
        return backend().reduce(op, this, d, keepdim);
    }

    /** Sum of all elements (rank-0 result). */
    public Tensor sum() { return reduce(ReduceOp.SUM, new int[0], false); }
    public Tensor sum(int... dims) { return reduce(ReduceOp.SUM, dims, false); }
    public Tensor sum(int[] dims, boolean keepdim) { return reduce(ReduceOp.SUM, dims, keepdim); }
    public Tensor mean() { return reduce(ReduceOp.MEAN, new int[0], false); }
    public Tensor mean(int... dims) { return reduce(ReduceOp.MEAN, dims, false); }
    public Tensor mean(int[] dims, boolean keepdim) { return reduce(ReduceOp.MEAN, dims, keepdim); }
    public Tensor max() { return reduce(ReduceOp.MAX, new int[0], false); }
    public Tensor max(int[] dims, boolean keepdim) { return reduce(ReduceOp.MAX, dims, keepdim); }
    public Tensor min() { return reduce(ReduceOp.MIN, new int[0], false); }
    public Tensor min(int[] dims, boolean keepdim) { return reduce(ReduceOp.MIN, dims, keepdim); }
    /** log Σ exp over {@code dims}, max-subtracted so it never overflows. */
    public Tensor logsumexp(int[] dims, boolean keepdim) { return reduce(ReduceOp.LOGSUMEXP, dims, keepdim); }

    /** Variance over {@code dims} with Bessel's correction {@code correction} (1: unbiased, 0: population); two passes. */
    public Tensor var(int[] dims, int correction, boolean keepdim) {
        int[] d = Shape.dims("var", dims, shape.length);
        long n = 1;
        for (int i : d) n *= shape[i];
        Tensor centred = sub(mean(d, true));
        return centred.square().sum(d, keepdim).div((float) Math.max(0, n - correction));
    }

    /** Index of the largest element along {@code dim}. */
    public Tensor argmax(int dim, boolean keepdim) {
        int d = Shape.dim("argmax", dim, shape.length);
        if (shape[d] == 0) throw new IllegalArgumentException("argmax: dim " + d + " is empty");
        return backend().argmax(this, d, keepdim);
    }

    // ---------------------------------------------------------------- matrix products

    /**
     * Matrix product with PyTorch's rules: 1-d·1-d is a dot product, 2-d·2-d a matrix product, and
     * higher ranks are batches of matrices whose batch dims broadcast. Transposed views are not copied.
     */
    public Tensor matmul(Tensor b) {
        sameDevice("matmul", this, b);
        if (shape.length == 0 || b.shape.length == 0) throw new IllegalArgumentException("matmul: both operands need rank >= 1, got " + Shape.str(shape) + " and " + Shape.str(b.shape));
        Tensor a2 = shape.length == 1 ? unsqueeze(0) : this;
        Tensor b2 = b.shape.length == 1 ? b.unsqueeze(1) : b;
        int m = a2.shape[a2.shape.length - 2], k = a2.shape[a2.shape.length - 1];
        int kb = b2.shape[b2.shape.length - 2], n = b2.shape[b2.shape.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(shape) + " and " + Shape.str(b.shape) + " do not chain (" + k + " vs " + kb + ")");
        }
        int[] batchA = Arrays.copyOf(a2.shape, a2.shape.length - 2), batchB = Arrays.copyOf(b2.shape, b2.shape.length - 2);
        int[] batch;
        try {
            batch = Shape.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dims of shapes " + Shape.str(shape) + " and " + Shape.str(b.shape) + " do not broadcast", e);
        }
        int nb = (int) Shape.numel(batch);
        Tensor a3 = a2.expand(concatDims(batch, m, k)).reshape(nb, m, k);
        Tensor b3 = b2.expand(concatDims(batch, k, n)).reshape(nb, k, n);
        Tensor c = backend().matmul(a3, b3);
        int[] out = concatDims(batch, m, n);
        if (shape.length == 1) out = remove(out, out.length - 2);
        if (b.shape.length == 1) out = remove(out, out.length - 1);
        return c.reshape(out);
    }

    private static int[] concatDims(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    // ---------------------------------------------------------------- softmax, normalisation

    public Tensor softmax(int dim) { return backend().softmax(this, Shape.dim("softmax", dim, shape.length), false); }
    public Tensor logSoftmax(int dim) { return backend().softmax(this, Shape.dim("logSoftmax", dim, shape.length), true); }

    /** x / max(‖x‖₂, 1e-12) along {@code dim}, as PyTorch's F.normalize. */
    public Tensor l2Normalize(int dim) { return l2Normalize(dim, 1e-12f); }

    public Tensor l2Normalize(int dim, float eps) {
        return backend().l2Normalize(this, Shape.dim("l2Normalize", dim, shape.length), eps);
    }

    // ---------------------------------------------------------------- sliding windows (convolution, pooling)

    /**
     * im2col (PyTorch's F.unfold): this [N, C, H, W] → [N, C·kh·kw, OH·OW], column (oh, ow) holding the
     * input window of output position (oh, ow), rows in (channel, kernel row, kernel column) order;
     * pixels outside the image read {@code padValue}. A convolution is then weight [O, C·kh·kw] · cols.
     */
    public Tensor unfold2d(Window2d window, float padValue) {
        if (shape.length != 4) throw new IllegalArgumentException("unfold2d: expects [N, C, H, W], got " + Shape.str(shape));
        checkWindow("unfold2d", window, shape[2], shape[3]);
        return backend().unfold2d(this, window, padValue);
    }

    /**
     * col2im (PyTorch's F.fold), the adjoint of {@link #unfold2d}: this [N, C·kh·kw, OH·OW] → [N, C, h, w],
     * summing each entry onto the pixel it came from; entries that came from padding are dropped.
     */
    public Tensor fold2d(Window2d window, int h, int w) {
        if (shape.length != 3 || shape[1] % window.area() != 0) {
            throw new IllegalArgumentException("fold2d: expects [N, C·" + window.kh() + "·" + window.kw() + ", L], got " + Shape.str(shape));
        }
        checkWindow("fold2d", window, h, w);
        if (shape[2] != window.outH(h) * window.outW(w)) {
            throw new IllegalArgumentException("fold2d: " + shape[2] + " columns, but a " + h + "x" + w + " image has "
                    + window.outH(h) + "x" + window.outW(w) + " window positions (" + window + ")");
        }
        return backend().fold2d(this, window, h, w);
    }

    /**
     * 2-d convolution (cross-correlation, groups = 1, no bias): this [N, C, H, W] ⋆ w [O, C, kh, kw] →
     * [N, O, OH, OW]. The backend chooses how (CPU: im2col + GEMM; CUDA: cuDNN where it loaded).
     */
    public Tensor conv2d(Tensor w, Window2d window) {
        sameDevice("conv2d", this, w);
        checkConv("conv2d", shape, w.shape, window);
        return backend().conv2d(this, w, window);
    }

    /** The input gradient of {@link #conv2d}: this = dy [N, O, OH, OW], w [O, C, kh, kw] → dx [N, C, h, wd]. */
    public Tensor conv2dBackwardData(Tensor w, Window2d window, int h, int wd) {
        sameDevice("conv2dBackwardData", this, w);
        int[] xShape = {shape.length == 4 ? shape[0] : -1, w.shape.length == 4 ? w.shape[1] : -1, h, wd};
        checkConv("conv2dBackwardData", xShape, w.shape, window);
        checkGradShape("conv2dBackwardData", xShape, w.shape, window);
        return backend().conv2dBackwardData(this, w, window, h, wd);
    }

    /** The weight gradient of {@link #conv2d}: this = x [N, C, H, W], dy [N, O, OH, OW] → dW [O, C, kh, kw]. */
    public Tensor conv2dBackwardFilter(Tensor dy, Window2d window) {
        sameDevice("conv2dBackwardFilter", this, dy);
        int[] wShape = {dy.shape.length == 4 ? dy.shape[1] : -1, shape.length == 4 ? shape[1] : -1, window.kh(), window.kw()};
        checkConv("conv2dBackwardFilter", shape, wShape, window);
        dy.checkGradShape("conv2dBackwardFilter", shape, wShape, window);
        return backend().conv2dBackwardFilter(this, dy, window);
    }

    private static void checkConv(String op, int[] x, int[] w, Window2d window) {
        if (x.length != 4 || w.length != 4) {
            throw new IllegalArgumentException(op + ": expects input [N, C, H, W] and weight [O, C, kh, kw], got "
                    + Shape.str(x) + " and " + Shape.str(w));
        }
        if (x[1] != w[1]) {
            throw new IllegalArgumentException(op + ": input has " + x[1] + " channels but weight " + Shape.str(w) + " expects " + w[1]);
        }
        if (w[2] != window.kh() || w[3] != window.kw()) {
            throw new IllegalArgumentException(op + ": weight " + Shape.str(w) + " does not match the window (" + window + ")");
        }
        checkWindow(op, window, x[2], x[3]);
    }

    /** This tensor must be the output gradient [N, O, OH, OW] of a convolution of x by w. */
    private void checkGradShape(String op, int[] x, int[] w, Window2d window) {
        int[] expected = {x[0], w[0], window.outH(x[2]), window.outW(x[3])};
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(op + ": output gradient " + Shape.str(shape) + ", expected " + Shape.str(expected));
        }
    }

    private static void checkWindow(String op, Window2d window, int h, int w) {
        if (window.outH(h) < 1 || window.outW(w) < 1) {
            throw new IllegalArgumentException(op + ": a " + h + "x" + w + " image is smaller than the window (" + window + ")");
        }
    }

    // ---------------------------------------------------------------- joining and splitting

    /** Joins tensors along {@code dim}; every other size must agree. */
    public static Tensor cat(int dim, List<Tensor> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("cat: no tensors");
        Tensor first = xs.get(0);
        int d = Shape.dim("cat", dim, first.shape.length);
        for (Tensor x : xs) {
            sameDevice("cat", first, x);
            boolean ok = x.shape.length == first.shape.length;
            for (int i = 0; ok && i < x.shape.length; i++) ok = i == d || x.shape[i] == first.shape[i];
            if (!ok) throw new IllegalArgumentException("cat: shape " + Shape.str(x.shape) + " does not match " + Shape.str(first.shape) + " outside dim " + d);
        }
        return first.backend().concat(xs, d);
    }

    public static Tensor cat(int dim, Tensor... xs) { return cat(dim, Arrays.asList(xs)); }

    /** Stacks equal-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, List<Tensor> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: no tensors");
        List<Tensor> u = new ArrayList<>();
        for (Tensor x : xs) {
            if (!Arrays.equals(x.shape, xs.get(0).shape)) throw new IllegalArgumentException("stack: shapes " + Shape.str(xs.get(0).shape) + " and " + Shape.str(x.shape) + " differ");
            u.add(x.unsqueeze(dim));
        }
        return cat(dim, u);
    }

    public static Tensor stack(int dim, Tensor... xs) { return stack(dim, Arrays.asList(xs)); }

    /** Views of at most {@code size} elements each along {@code dim} (the last may be shorter). */
    public List<Tensor> split(int size, int dim) {
        int d = Shape.dim("split", dim, shape.length);
        if (size < 1) throw new IllegalArgumentException("split: size must be >= 1, got " + size);
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < shape[d]; start += size) parts.add(narrow(d, start, Math.min(size, shape[d] - start)));
        return parts;
    }

    /** {@code n} nearly equal views along {@code dim}. */
    public List<Tensor> chunk(int n, int dim) {
        if (n < 1) throw new IllegalArgumentException("chunk: n must be >= 1, got " + n);
        return split((size(dim) + n - 1) / n, dim);
    }

    // ---------------------------------------------------------------- indexing

    /** Rows (or slices) of {@code dim} chosen by a 1-d index tensor. */
    public Tensor indexSelect(int dim, Tensor index) {
        sameDevice("indexSelect", this, index);
        if (index.dim() != 1) throw new IllegalArgumentException("indexSelect: index must be 1-d, got shape " + Shape.str(index.shape));
        return backend().indexSelect(this, Shape.dim("indexSelect", dim, shape.length), index);
    }

    /** out[i][j] = this[index[i][j]][j] for dim 0 (PyTorch's torch.gather). */
    public Tensor gather(int dim, Tensor index) {
        sameDevice("gather", this, index);
        int d = Shape.dim("gather", dim, shape.length);
        checkIndexShape("gather", d, index, index.shape);
        return backend().gather(this, d, index);
    }

    /** A copy with src[i][j] added at [index[i][j]][j] for dim 0 (torch.scatter_add). */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        sameDevice("scatterAdd", this, index);
        sameDevice("scatterAdd", this, src);
        int d = Shape.dim("scatterAdd", dim, shape.length);
        if (!Arrays.equals(index.shape, src.shape)) throw new IllegalArgumentException("scatterAdd: index shape " + Shape.str(index.shape) + " and src shape " + Shape.str(src.shape) + " differ");
        checkIndexShape("scatterAdd", d, index, index.shape);
        return backend().scatterAdd(this, d, index, src);
    }

    private void checkIndexShape(String op, int d, Tensor index, int[] is) {
        boolean ok = is.length == shape.length;
        for (int i = 0; ok && i < is.length; i++) ok = i == d || is[i] <= shape[i];
        if (!ok) throw new IllegalArgumentException(op + ": index shape " + Shape.str(is) + " does not fit input shape " + Shape.str(shape) + " along dim " + d);
    }

    /** In place: row index[i] of dim 0 becomes values[i] (the memory bank's write). Returns this. */
    public Tensor indexPut_(Tensor index, Tensor values) {
        sameDevice("indexPut", this, index);
        sameDevice("indexPut", this, values);
        if (index.dim() != 1) throw new IllegalArgumentException("indexPut: index must be 1-d, got shape " + Shape.str(index.shape));
        int[] want = shape.clone();
        if (want.length == 0) throw new IllegalArgumentException("indexPut: cannot index a rank-0 tensor");
        want[0] = index.size(0);
        if (!Arrays.equals(Shape.broadcast("indexPut", values.shape, want), want)) {
            throw new IllegalArgumentException("indexPut: values of shape " + Shape.str(values.shape) + " do not broadcast to the " + Shape.str(want) + " rows being written");
        }
        if (values.storage == storage) values = values.copy(); // rows are written one by one: read all values first
        backend().indexPutInto(this, index, values.expand(want));
        return this;
    }

    /** A copy with rows index[i] replaced by values[i]. */
    public Tensor indexPut(Tensor index, Tensor values) { return copy().indexPut_(index, values); }

    /** The k largest (largest=true) or smallest elements along {@code dim}, sorted, with their indices. */
    public TopK topk(int k, int dim, boolean largest) {
        int d = Shape.dim("topk", dim, shape.length);
        if (k < 0 || k > shape[d]) throw new IllegalArgumentException("topk: k=" + k + " out of range for dim " + d + " of size " + shape[d]);
        Tensor[] r = backend().topk(this, k, d, largest);
        return new TopK(r[0], r[1]);
    }

    /** Values and indices from {@link #topk}. */
    public record TopK(Tensor values, Tensor indices) { }

    /** Indices that sort along {@code dim} (stable). */
    public Tensor argsort(int dim, boolean descending) {
        return backend().argsort(this, Shape.dim("argsort", dim, shape.length), descending);
    }

    // ---------------------------------------------------------------- in place

    /** Copies {@code src} (broadcast to this shape) into this view. Returns this. */
    public Tensor copy_(Tensor src) {
        sameDevice("copy_", this, src);
        if (!Arrays.equals(Shape.broadcast("copy_", src.shape, shape), shape)) {
            throw new IllegalArgumentException("copy_: source shape " + Shape.str(src.shape) + " does not broadcast to destination shape " + Shape.str(shape));
        }
        backend().copyInto(this, src.expand(shape));
        return this;
    }

    /** Sets every element of this view to {@code value}. Returns this. */
    public Tensor fill_(float value) {
        backend().copyInto(this, backend().unary(UnaryOp.FILL, this, value));
        return this;
    }

    /** this += other, in place (broadcasting other). */
    public Tensor add_(Tensor other) { return copy_(add(other)); }

    /** this *= c, in place. */
    public Tensor mul_(float c) { return copy_(mul(c)); }

    // ---------------------------------------------------------------- checks

    /** Throws naming the op and both devices when two tensors live on different devices. */
    public static void sameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": tensors on different devices: " + a.device() + " and " + b.device());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(" on ").append(device());
        if (numel() <= 16) sb.append(' ').append(Arrays.toString(toFloatArray()));
        return sb.toString();
    }
}
