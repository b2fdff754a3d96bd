package sslj.tensor;

import java.util.Arrays;

/**
 * The momentum family's front end (DESIGN.md §4): argument checks, then one {@link Backend} call.
 * <ul>
 *   <li>{@link #ema}: θ_t ← m θ_t + (1 − m) θ_o in place (MoCo key encoder, BYOL target), meant for two
 *       parameter arenas so that a whole network is one call.</li>
 *   <li>{@link #enqueue}: MoCo's key queue, N rows written at ptr with wrap-around.</li>
 *   <li>{@link #memoryBankUpdate}: InstDisc's v_idx ← normalise(m v_idx + (1 − m) f).</li>
 * </ul>
 * Errors name the op and the problem (IllegalArgumentException; bad indices IndexOutOfBoundsException).
 */
public final class Momentum {
    private Momentum() { }

    /** target ← m·target + (1 − m)·online, in place; m ∈ [0, 1]; m = 1 leaves target's bits untouched, m = 0 copies. */
    public static void ema(Tensor target, Tensor online, float m) {
        checkMomentum("ema", m);
        Tensor.sameDevice("ema", target, online);
        if (!Arrays.equals(target.shape(), online.shape())) {
            throw new IllegalArgumentException("ema: target has shape " + Shape.str(target.shape()) + " (" + target.numel()
                    + " elements) but online has shape " + Shape.str(online.shape()) + " (" + online.numel() + " elements)");
        }
        if (overlap(target, online)) throw new IllegalArgumentException("ema: target and online overlap in one storage");
        if (target.numel() == 0) return;
        target.backend().emaInto(target, online, m);
    }

    /**
     * Writes keys [N, D] into queue [K, D] at rows ptr, ptr + 1, … (mod K), optionally L2-normalising each
     * row on the way in; returns the new pointer (ptr + N) mod K. Needs 1 ≤ N ≤ K and 0 ≤ ptr &lt; K.
     */
    public static int enqueue(Tensor queue, Tensor keys, int ptr, boolean normalize) {
        Tensor.sameDevice("enqueue", queue, keys);
        if (queue.dim() != 2) throw new IllegalArgumentException("enqueue: queue must be [K, D], got shape " + Shape.str(queue.shape()));
        if (keys.dim() != 2) throw new IllegalArgumentException("enqueue: keys must be [N, D], got shape " + Shape.str(keys.shape()));
        int k = queue.size(0), n = keys.size(0);
        if (keys.size(1) != queue.size(1)) {
            throw new IllegalArgumentException("enqueue: keys have D=" + keys.size(1) + " but the queue has D=" + queue.size(1));
        }
        if (n < 1) throw new IllegalArgumentException("enqueue: no keys (N=0)");
        if (n > k) throw new IllegalArgumentException("enqueue: N=" + n + " keys do not fit a queue of K=" + k + " rows (need N <= K)");
        if (ptr < 0 || ptr >= k) throw new IndexOutOfBoundsException("enqueue: ptr=" + ptr + " outside [0, K=" + k + ")");
        if (keys.storage() == queue.storage()) keys = keys.copy();  // rows are written one by one
        queue.backend().enqueueInto(queue, keys, ptr, normalize);
        return (int) (((long) ptr + n) % k);
    }

    /**
     * bank[idx[i]] ← normalise(m·bank[idx[i]] + (1 − m)·f[i]) in place; bank [S, D], idx [B] (whole numbers
     * in [0, S), float32 like every index tensor), f [B, D], m ∈ [0, 1]. A repeated index: the last one wins.
     */
    public static void memoryBankUpdate(Tensor bank, Tensor idx, Tensor f, float m) {
        checkMomentum("memoryBankUpdate", m);
        Tensor.sameDevice("memoryBankUpdate", bank, idx);
        Tensor.sameDevice("memoryBankUpdate", bank, f);
        if (bank.dim() != 2) throw new IllegalArgumentException("memoryBankUpdate: bank must be [S, D], got shape " + Shape.str(bank.shape()));
        if (idx.dim() != 1) throw new IllegalArgumentException("memoryBankUpdate: idx must be 1-d [B], got shape " + Shape.str(idx.shape()));
        if (f.dim() != 2 || f.size(0) != idx.size(0) || f.size(1) != bank.size(1)) {
            throw new IllegalArgumentException("memoryBankUpdate: f must be [B=" + idx.size(0) + ", D=" + bank.size(1) + "], got shape " + Shape.str(f.shape()));
        }
        if (idx.numel() == 0) return;
        if (f.storage() == bank.storage()) f = f.copy();
        bank.backend().memoryBankUpdateInto(bank, idx, f, m);
    }

    /** m must be a number in [0, 1]; NaN and infinities are rejected by name. */
    public static void checkMomentum(String op, float m) {
        if (Float.isNaN(m)) throw new IllegalArgumentException(op + ": momentum m is NaN");
        if (!(m >= 0f && m <= 1f)) throw new IllegalArgumentException(op + ": momentum m=" + m + " outside [0, 1]");
    }

    /** True when the two views' element ranges in one storage intersect (a conservative span test). */
    private static boolean overlap(Tensor a, Tensor b) {
        if (a.storage() != b.storage() || a.numel() == 0 || b.numel() == 0) return false;
        long[] sa = span(a), sb = span(b);
        return sa[0] <= sb[1] && sb[0] <= sa[1];
    }

    private static long[] span(Tensor t) {
        long lo = t.offset(), hi = t.offset();
        int[] sh = t.shape(), st = t.strides();
        for (int d = 0; d < sh.length; d++) {
            long ext = (long) (sh[d] - 1) * st[d];
            if (ext < 0) lo += ext; else hi += ext;
        }
        return new long[] {lo, hi};
    }
}
