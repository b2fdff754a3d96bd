package sslj.tensor;

import java.util.Arrays;

/**
 * Front end of the fused NT-Xent loss (SimCLR; DESIGN.md §4): checks the arguments, then makes one
 * Backend call. z holds the 2N projections of N images under two augmentations, view 1 in rows
 * 0..N-1 and view 2 in rows N..2N-1, so the positive of row i is row (i + N) mod 2N. The rows must
 * already be L2-normalised (autograd's NtXentLoss composes l2Normalize with this op).
 *
 * <pre>
 *   loss = (1/2N) Σ_i [ log Σ_{j≠i} exp(z_i·z_j/τ) − z_i·z_pos(i)/τ ]
 * </pre>
 */
public final class NtXent {
    private NtXent() { }

    /** {loss (scalar), lse [2N]}: the mean loss and the per-row log-sum-exp that {@link #backward} needs. */
    public static Tensor[] forward(Tensor z, float tau) {
        checkZ("ntXentForward", z);
        checkTau("ntXentForward", tau);
        checkFinite("ntXentForward", z);
        return z.backend().ntXentForward(z, tau);
    }

    /** dLoss/dz [2N, D] times gradScale, from z, the lse that {@link #forward} returned, and the same τ. */
    public static Tensor backward(Tensor z, Tensor lse, float tau, float gradScale) {
        checkZ("ntXentBackward", z);
        checkTau("ntXentBackward", tau);
        if (lse.device() != z.device()) {
            throw new IllegalArgumentException("ntXentBackward: lse is on " + lse.device() + " but z is on " + z.device());
        }
        if (lse.dim() != 1 || lse.size(0) != z.size(0)) {
            throw new IllegalArgumentException("ntXentBackward: lse must have shape [" + z.size(0) + "] (one per row of z), got "
                    + Arrays.toString(lse.shape()));
        }
        if (!Float.isFinite(gradScale)) throw new IllegalArgumentException("ntXentBackward: gradScale must be finite, got " + gradScale);
        checkFinite("ntXentBackward", z);
        return z.backend().ntXentBackward(z, lse, tau, gradScale);
    }

    static void checkZ(String op, Tensor z) {
        int[] s = z.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException(op + ": z must be [2N, D] (two views of N samples, one per row), got shape " + Arrays.toString(s));
        }
        if (s[0] < 2 || s[0] % 2 != 0) {
            throw new IllegalArgumentException(op + ": z must have an even number of rows 2N >= 2 (view 1 then view 2), got " + s[0]);
        }
        if (s[1] < 1) throw new IllegalArgumentException(op + ": z must have at least one column, got shape " + Arrays.toString(s));
    }

    static void checkTau(String op, float tau) {
        if (!(tau > 0f) || !Float.isFinite(tau)) {
            throw new IllegalArgumentException(op + ": temperature τ must be finite and > 0, got " + tau);
        }
    }

    /**
     * One device-side reduction (max |z|, which is NaN or ∞ exactly when some element is) and one scalar
     * read; only a bad input is copied to the host, to name the element.
     */
    static void checkFinite(String op, Tensor z) {
        if (z.numel() == 0 || Float.isFinite(z.abs().max().item())) return;
        float[] v = z.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                int d = z.size(1);
                throw new IllegalArgumentException(op + ": z must be finite, but z[" + i / d + "][" + i % d + "] = " + v[i]);
            }
        }
    }
}
