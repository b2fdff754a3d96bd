package sslj.kernels.ssl;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launchers for the momentum family's PTX (resources /sslj/kernels/ptx/momentum.ptx): the EMA of a
 * parameter arena (MoCo's eq. 2, θ_k ← m θ_k + (1 − m) θ_q; BYOL's target update), the MoCo key-queue
 * enqueue (He et al. 2020, section 3.2) and the InstDisc memory-bank update (Wu et al. 2018:
 * v_i ← normalise(m v_i + (1 − m) f_i), m = 0.5). Each method checks
 * its arguments (sizes, momentum, pointer ranges, overlaps) and enqueues exactly one launch; the maths
 * and the launch shapes are documented in the .ptx file. The module is loaded once per runtime (the
 * runtime caches it) and the kernels looked up once per instance.
 *
 * <p>All arrays are float32, row-major and densely packed; indices are float32 whole numbers, as every
 * index tensor of the project.
 */
public final class MomentumKernels {
    public static final String MODULE = "/sslj/kernels/ptx/momentum.ptx";

    /** Threads per block of the EMA, and the most blocks it launches (a grid-stride loop covers the rest). */
    static final int EMA_BLOCK = 256, EMA_MAX_GRID = 8192;

    private final GpuRuntime rt;
    private final GpuKernel ema, enqueue, bank;

    public MomentumKernels(GpuRuntime rt) {
        this.rt = rt;
        GpuModule module = rt.loadModule(MODULE);
        this.ema = rt.kernel(module, "emaUpdate");
        this.enqueue = rt.kernel(module, "queueEnqueue");
        this.bank = rt.kernel(module, "memoryBankUpdate");
    }

    /**
     * target[0..n) ← m·target + (1 − m)·online in one launch (float4 loads when the two pointers agree
     * mod 16 bytes, as two arenas do; scalar otherwise). m = 1 writes nothing; m = 0 copies exactly.
     */
    public void ema(DevicePtr target, DevicePtr online, int n, float m) {
        checkMomentum("ema", m);
        if (n < 0) throw new IllegalArgumentException("ema: n=" + n + " < 0");
        checkRange("ema", "target", target, n);
        checkRange("ema", "online", online, n);
        long t = target.address(), o = online.address();
        if (t < o + 4L * n && o < t + 4L * n) {
            throw new IllegalArgumentException(String.format("ema: target [0x%x, +%d B) and online [0x%x, +%d B) overlap", t, 4L * n, o, 4L * n));
        }
        if (n == 0 || m == 1f) return;                          // nothing to do (the kernel would agree)
        long work;
        if (((t ^ o) & 15) == 0) {
            int head = (int) Math.min(n, (4 - ((t >>> 2) & 3)) & 3);
            long nvec = (n - head) >>> 2;
            work = Math.max(nvec, head + ((n - head) & 3));
        } else {
            work = n;
        }
        int grid = (int) Math.max(1, Math.min(EMA_MAX_GRID, (work + EMA_BLOCK - 1) / EMA_BLOCK));
        rt.launch(ema, Dim3.of(grid), Dim3.of(EMA_BLOCK), 0, KernelArgs.of().ptr(target).ptr(online).i32(n).f32(m));
    }

    /**
     * Writes keys [n, d] into queue [k, d] at rows (ptr + r) mod k, L2-normalising each row first when
     * {@code normalize}; one launch whatever the wrap. Returns the new pointer (ptr + n) mod k.
     */
    public int enqueue(DevicePtr queue, int k, int d, DevicePtr keys, int n, int ptr, boolean normalize) {
        if (k < 1 || d < 1) throw new IllegalArgumentException("enqueue: queue must be [K >= 1, D >= 1], got [" + k + ", " + d + "]");
        if (n < 1) throw new IllegalArgumentException("enqueue: no keys (N=" + n + ")");
        if (n > k) throw new IllegalArgumentException("enqueue: N=" + n + " keys do not fit a queue of K=" + k + " rows (need N <= K)");
        if (ptr < 0 || ptr >= k) throw new IndexOutOfBoundsException("enqueue: ptr=" + ptr + " outside [0, K=" + k + ")");
        checkRange("enqueue", "queue", queue, (long) k * d);
        checkRange("enqueue", "keys", keys, (long) n * d);
        rt.launch(enqueue, Dim3.of(n), Dim3.of(rowBlock(d)), 0,
                KernelArgs.of().ptr(queue).ptr(keys).i32(k).i32(d).i32(ptr).i32(normalize ? 1 : 0));
        return (int) (((long) ptr + n) % k);
    }

    /**
     * bank[idx[i]] ← normalise(m·bank[idx[i]] + (1 − m)·f[i]) for i &lt; b; bank [s, d], idx [b] float32 whole
     * numbers in [0, s), f [b, d]. The last of repeated indices wins. When {@code checkIndices}, idx is
     * copied to the host first (a synchronisation) and a bad index is an IndexOutOfBoundsException
     * naming its position; unchecked, a bad index's row is skipped by the kernel (never written out of
     * bounds) and silently ignored.
     */
    public void memoryBankUpdate(DevicePtr bankPtr, int s, int d, DevicePtr idx, DevicePtr f, int b, float m, boolean checkIndices) {
        checkMomentum("memoryBankUpdate", m);
        if (s < 1 || d < 1) throw new IllegalArgumentException("memoryBankUpdate: bank must be [S >= 1, D >= 1], got [" + s + ", " + d + "]");
        if (b < 0) throw new IllegalArgumentException("memoryBankUpdate: B=" + b + " < 0");
        checkRange("memoryBankUpdate", "bank", bankPtr, (long) s * d);
        checkRange("memoryBankUpdate", "idx", idx, b);
        checkRange("memoryBankUpdate", "f", f, (long) b * d);
        if (b == 0) return;
        if (checkIndices) {
            float[] host = new float[b];
            rt.copyToHost(host, 0, idx, b);
            for (int i = 0; i < b; i++) {
                float v = host[i];
                if (v != (int) v || v < 0 || v >= s) {
                    throw new IndexOutOfBoundsException("memoryBankUpdate: idx[" + i + "]=" + v
                            + (v != (int) v ? " is not a whole number" : " out of range") + " for a bank of S=" + s + " rows");
                }
            }
        }
        rt.launch(bank, Dim3.of(b), Dim3.of(rowBlock(d)), 0,
                KernelArgs.of().ptr(bankPtr).ptr(idx).ptr(f).i32(s).i32(d).i32(b).f32(m));
    }

    /** Threads per block of the row kernels: D rounded up to whole warps, at most 256. */
    static int rowBlock(int d) {
        return Math.min(256, Math.max(32, (d + 31) / 32 * 32));
    }

    static void checkMomentum(String op, float m) {
        if (Float.isNaN(m)) throw new IllegalArgumentException(op + ": momentum m is NaN");
        if (!(m >= 0f && m <= 1f)) throw new IllegalArgumentException(op + ": momentum m=" + m + " outside [0, 1]");
    }

    private static void checkRange(String op, String what, DevicePtr p, long floats) {
        if ((p.address() & 3) != 0) throw new IllegalArgumentException(String.format("%s: %s pointer 0x%x is not 4-byte aligned", op, what, p.address()));
        if (p.bytes() < 4 * floats) {
            throw new IllegalArgumentException(op + ": " + what + " needs " + 4 * floats + " bytes (" + floats + " floats) but its allocation has " + p.bytes() + " bytes from that pointer");
        }
    }
}
