package sslj.tensor.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import sslj.tensor.Device;
import sslj.tensor.TensorScope;

/**
 * The arrays of large CPU tensors made inside a {@link TensorScope}, reused from one step to the next
 * instead of left to the garbage collector. A training step makes the same tensors every time (the same
 * shapes in the same order), so once the first step has run, every large array a step asks for is one the
 * previous step gave back when its scope closed: nothing large is allocated in steady state.
 *
 * <p>Why: a SimCLR step at width 16 makes hundreds of arrays of 1–25 MB. Left to G1 they are humongous
 * objects, and allocating them back to back started a concurrent marking cycle every few
 * milliseconds (666 cycles and 6 s of marking in a 19 s run of 10 steps on two cores), which took a core
 * from the step. The storage holds the array until its scope releases it; afterwards it holds none, so a
 * tensor used after its scope closed fails ({@link Strided#data}) instead of reading an array that now
 * belongs to another tensor. Arrays under {@link #MIN_FLOATS} and arrays made outside a scope (parameters,
 * optimiser state, data-loader batches) are plain Java arrays as before.
 *
 * <p>Pooled arrays are handed out zero-filled, as {@code new float[n]} is, so no op can tell the difference;
 * only an op that writes every element of its result asks for one as it is ({@link CpuBackend#uninitialized}).
 * The pool keeps at most {@link #CAP_BYTES} (system property {@code sslj.cpu.poolBytes}, default half the
 * maximum heap); arrays given back past that are left to the collector.
 */
final class CpuArrayPool {
    /** Arrays shorter than this (64 KB) are not pooled: the collector handles small arrays well. */
    static final int MIN_FLOATS = 1 << 14;
    static final long CAP_BYTES = Long.getLong("sslj.cpu.poolBytes", Runtime.getRuntime().maxMemory() / 2);

    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long pooledBytes;

    private CpuArrayPool() { }

    /**
     * A storage of n zeros on the CPU device: with a scope open on this thread and n ≥ {@link #MIN_FLOATS},
     * an array from the pool registered in that scope; otherwise a new unscoped array.
     */
    static CpuStorage storage(Device device, int n) {
        return storage(device, n, true);
    }

    /**
     * As {@link #storage(Device, int)}; with {@code zeroed} false a pooled array keeps whatever it held, for an
     * op that writes every element of its result (it saves a pass over the array).
     */
    static CpuStorage storage(Device device, int n, boolean zeroed) {
        if (n < MIN_FLOATS || TensorScope.current() == null) return new CpuStorage(device, new float[n]);
        float[] a = take(n);
        if (a == null) a = new float[n]; else if (zeroed) Arrays.fill(a, 0f);
        return TensorScope.register(new CpuStorage(device, a, true));
    }

    private static synchronized float[] take(int n) {
        ArrayDeque<float[]> q = FREE.get(n);
        float[] a = q == null ? null : q.pollLast();
        if (a != null) pooledBytes -= 4L * n;
        return a;
    }

    /** Takes back the array of a released storage (dropped when the pool is full). */
    static synchronized void give(float[] a) {
        if (pooledBytes + 4L * a.length > CAP_BYTES) return;
        FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
        pooledBytes += 4L * a.length;
    }

    /** Bytes held for reuse now. */
    static synchronized long pooledBytes() { return pooledBytes; }
}
