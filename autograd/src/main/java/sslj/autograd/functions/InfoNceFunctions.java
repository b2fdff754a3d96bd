package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.autograd.Variable;
import sslj.tensor.InfoNce;
import sslj.tensor.Tensor;

/**
 * The fused InfoNCE losses as autograd ops (Oord et al. 2018, eq. 4; MoCo's eq. 1 with a queue, the
 * symmetric in-batch form of MoCo v3 and CLIP; maths in {@link InfoNce}). Each forward saves its inputs and
 * the per-row log-sum-exps (N floats, not the logits); each backward recomputes the softmax tile by tile.
 * The incoming gradient of the scalar loss is passed to the backend as gradScale.
 */
public final class InfoNceFunctions {
    private InfoNceFunctions() { }

    /** Queue InfoNCE of (q, k, queue); k and the queue are constants (detached here). */
    public static Variable queue(Variable q, Variable k, Tensor queue, float tau) {
        return new Queue(tau).apply(q, k.detach(), Variable.constant(queue));
    }

    /** In-batch InfoNCE of (q, k) at logit scale s (a scalar Variable, learnable or constant). */
    public static Variable inBatch(Variable q, Variable k, Variable scale, boolean symmetric) {
        return new InBatch(symmetric).apply(q, k, scale);
    }

    /** loss = (1/N) Σ_i [LSE_i − q_i·k_i/τ] over logits [q_i·k_i, q_i·queue_j]/τ; gradient to q only. */
    public static final class Queue extends Function {
        private final float tau;
        private Tensor q, k, queue, lse;

        public Queue(float tau) { this.tau = tau; }

        @Override protected Tensor forward(Tensor... x) {
            if (needsGrad(1) || needsGrad(2)) {
                throw new IllegalArgumentException("InfoNce queue form: k and the queue are constants; pass k.detach() (InfoNceFunctions.queue does)");
            }
            Tensor[] out = InfoNce.queueForward(x[0], x[1], x[2], tau);
            q = x[0];
            k = x[1];
            queue = x[2];
            lse = out[1];
            return out[0];
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {InfoNce.queueBackward(q, k, queue, lse, tau, g.item()), null, null};
        }
    }

    /**
     * loss = ½(CE_rows + CE_cols) (symmetric) or CE_rows of z = s·q kᵀ with labels on the diagonal;
     * gradients to q, k and the scalar scale s.
     */
    public static final class InBatch extends Function {
        private final boolean symmetric;
        private Tensor q, k, scaleShape, lseRow, lseCol;
        private float scale;

        public InBatch(boolean symmetric) { this.symmetric = symmetric; }

        @Override protected Tensor forward(Tensor... x) {
            if (x[2].numel() != 1) throw new IllegalArgumentException("InfoNce in-batch form: the logit scale must hold one number, got " + x[2]);
            q = x[0];
            k = x[1];
            scaleShape = x[2];
            scale = x[2].item();
            Tensor[] out = InfoNce.inBatchForward(q, k, scale, symmetric);
            lseRow = out[1];
            lseCol = out[2];
            return out[0];
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor[] d = InfoNce.inBatchBackward(q, k, lseRow, lseCol, scale, symmetric, g.item());
            return new Tensor[] {d[0], d[1], d[2].reshape(scaleShape.shape())};
        }
    }
}
