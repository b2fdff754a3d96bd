package sslj.tensor;

import sslj.tensor.cpu.CpuParallel;
import sslj.tensor.cpu.CpuStorage;

/**
 * The fused InfoNCE losses (DESIGN.md §4): argument checks, then one {@link Backend} call.
 *
 * <p>Queue form (MoCo v1/v2): q, k [N, D], queue [K, D], rows L2-normalised by the caller (these ops do
 * not normalise), logits_i = [q_i·k_i, q_i·queue_0, …, q_i·queue_{K−1}] / τ with label 0,
 * loss = (1/N) Σ_i [LSE_i − q_i·k_i/τ]. Only q gets a gradient (k comes from the momentum encoder,
 * the queue holds old keys).
 *
 * <p>In-batch form (MoCo v3, CLIP): logits z = s·q kᵀ (s = 1/τ, the logit scale), labels on the diagonal,
 * loss = ½(CE_rows + CE_cols) when symmetric (CLIP), CE_rows when one-sided (q → k only). MoCo v3
 * multiplies its loss by 2τ; that scale is the caller's (the nn wrapper applies it). With
 * P^row_ij = exp(z_ij − LSE_row_i), P^col_ij = exp(z_ij − LSE_col_j) and weights w_r, w_c
 * (½/N each when symmetric; 1/N and 0 when not), G_ij = w_r(P^row_ij − δ_ij) + w_c(P^col_ij − δ_ij) and
 * <pre>
 *   ∂loss/∂q_i = s Σ_j G_ij k_j      ∂loss/∂k_j = s Σ_i G_ij q_i      ∂loss/∂s = Σ_ij G_ij q_i·k_j
 * </pre>
 * the last because ∂z_ij/∂s = q_i·k_j; for the symmetric loss it equals
 * ½(1/N)Σ_i[Σ_j P^row_ij q_i·k_j − q_i·k_i] + ½(1/N)Σ_j[Σ_i P^col_ij q_i·k_j − q_j·k_j].
 */
public final class InfoNce {
    private InfoNce() { }

    /** {loss [], lse [N]}: the queue InfoNCE loss and the per-row log-sum-exp that backward needs. */
    public static Tensor[] queueForward(Tensor q, Tensor k, Tensor queue, float tau) {
        checkQueue("infoNceQueueForward", q, k, queue, tau);
        return q.backend().infoNceQueueForward(q, k, queue, tau);
    }

    /** dq [N, D] = gradScale · ∂loss/∂q, recomputing the softmax from the saved lse. */
    public static Tensor queueBackward(Tensor q, Tensor k, Tensor queue, Tensor lse, float tau, float gradScale) {
        String op = "infoNceQueueBackward";
        checkQueue(op, q, k, queue, tau);
        checkLse(op, "lse", lse, q.size(0));
        checkScalar(op, "gradScale", gradScale, false);
        return q.backend().infoNceQueueBackward(q, k, queue, lse, tau, gradScale);
    }

    /** {loss [], lseRow [N], lseCol [N] or [0] when one-sided}. */
    public static Tensor[] inBatchForward(Tensor q, Tensor k, float scale, boolean symmetric) {
        checkInBatch("infoNceInBatchForward", q, k, scale);
        return q.backend().infoNceInBatchForward(q, k, scale, symmetric);
    }

    /** {dq [N, D], dk [N, D], dScale []}, each gradScale times the derivative of the loss. */
    public static Tensor[] inBatchBackward(Tensor q, Tensor k, Tensor lseRow, Tensor lseCol, float scale, boolean symmetric, float gradScale) {
        String op = "infoNceInBatchBackward";
        checkInBatch(op, q, k, scale);
        checkLse(op, "lseRow", lseRow, q.size(0));
        if (symmetric) checkLse(op, "lseCol", lseCol, q.size(0));
        checkScalar(op, "gradScale", gradScale, false);
        return q.backend().infoNceInBatchBackward(q, k, lseRow, symmetric ? lseCol : lseRow.narrow(0, 0, 0), scale, symmetric, gradScale);
    }

    // ---------------------------------------------------------------------------------------------

    private static void checkQueue(String op, Tensor q, Tensor k, Tensor queue, float tau) {
        checkPair(op, q, k);
        checkMatrix(op, "queue", queue);
        if (queue.size(0) < 1) throw new IllegalArgumentException(op + ": the queue needs K >= 1 negatives, got shape " + Shape.str(queue.shape()));
        if (queue.size(1) != q.size(1)) {
            throw new IllegalArgumentException(op + ": queue " + Shape.str(queue.shape()) + " and q " + Shape.str(q.shape()) + " differ in the feature size D");
        }
        Tensor.sameDevice(op, q, queue);
        checkScalar(op, "temperature tau", tau, true);
        checkFinite(op, "queue", queue);
    }

    private static void checkInBatch(String op, Tensor q, Tensor k, float scale) {
        checkPair(op, q, k);
        checkScalar(op, "logit scale", scale, true);
    }

    private static void checkPair(String op, Tensor q, Tensor k) {
        checkMatrix(op, "q", q);
        checkMatrix(op, "k", k);
        if (!java.util.Arrays.equals(q.shape(), k.shape())) {
            throw new IllegalArgumentException(op + ": q " + Shape.str(q.shape()) + " and k " + Shape.str(k.shape()) + " must have one shape [N, D]");
        }
        if (q.size(0) < 1) throw new IllegalArgumentException(op + ": needs N >= 1 rows, got q " + Shape.str(q.shape()));
        if (q.size(1) < 1) throw new IllegalArgumentException(op + ": needs D >= 1 features, got q " + Shape.str(q.shape()));
        Tensor.sameDevice(op, q, k);
        checkFinite(op, "q", q);
        checkFinite(op, "k", k);
    }

    private static void checkMatrix(String op, String name, Tensor t) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        if (t.dim() != 2) throw new IllegalArgumentException(op + ": " + name + " must be 2-d, got shape " + Shape.str(t.shape()));
    }

    private static void checkLse(String op, String name, Tensor lse, int n) {
        if (lse == null || lse.dim() != 1 || lse.size(0) != n) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape [" + n + "] (from forward), got "
                    + (lse == null ? "null" : Shape.str(lse.shape())));
        }
        checkFinite(op, name, lse);
    }

    private static void checkScalar(String op, String name, float v, boolean positive) {
        if (!Float.isFinite(v) || (positive && !(v > 0f))) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + (positive ? "positive and " : "") + "finite, got " + v);
        }
    }

    /** Throws naming the first non-finite element; scans a contiguous CPU tensor in place. */
    private static void checkFinite(String op, String name, Tensor t) {
        float[] data;
        int off;
        if (t.storage() instanceof CpuStorage cs && t.isContiguous()) {
            data = cs.data();
            off = t.offset();
        } else {
            data = t.toFloatArray();
            off = 0;
        }
        int n = t.numel();
        final float[] x = data;
        final int o = off;
        boolean[] bad = {false};
        CpuParallel.forRange(n, 1 << 16, (lo, hi) -> {   // max |x| is NaN or +inf as soon as one element is
            float m = 0f;
            for (int i = lo; i < hi; i++) m = Math.max(m, Math.abs(x[o + i]));
            if (!(m <= Float.MAX_VALUE)) bad[0] = true;   // only ever set to true; forRange's join publishes it
        });
        boolean finite = !bad[0];
        if (finite) return;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(data[off + i])) {
                int cols = t.dim() == 2 ? t.size(1) : 1;
                throw new IllegalArgumentException(op + ": " + name + " must be finite, but element "
                        + (t.dim() == 2 ? "[" + i / cols + ", " + i % cols + "]" : "[" + i + "]") + " is " + data[off + i]);
            }
        }
    }
}
