package sslj.nn.contrastive;

import sslj.autograd.Variable;
import sslj.autograd.functions.InfoNceFunctions;
import sslj.nn.Module;
import sslj.tensor.Tensor;

/**
 * InfoNCE, the contrastive loss of MoCo and CLIP, on the fused ops (DESIGN.md §4; maths in
 * {@link sslj.tensor.InfoNce}). q and k are L2-normalised here along dim 1 (as MoCo and CLIP do before
 * the loss) unless {@link #withoutNormalization()}; the queue holds keys that were normalised when they
 * were enqueued.
 *
 * <ul>
 *   <li>{@link #queue(float)}, MoCo v1/v2 (He et al. 2020; τ = 0.07 v1, 0.2 v2): positives q_i·k_i,
 *       negatives the K queued keys, {@code forward(q, k, queue)}; k (momentum encoder) is detached.</li>
 *   <li>{@link #mocoV3(float)}, MoCo v3 (Chen et al. 2021; τ = 0.2): in-batch, one direction q → k, the
 *       loss multiplied by 2τ as in the paper's code; the symmetrised loss is
 *       {@code loss.forward(q1, k2).add(loss.forward(q2, k1))} with k from the momentum encoder (detached
 *       by the caller).</li>
 *   <li>{@link #clip(float)}, CLIP (Radford et al. 2021): symmetric ½(CE_image + CE_text), with a
 *       learnable logit scale stored as its log ("logit_scale", initialised to log(1/τ₀), τ₀ = 0.07);
 *       s = exp(min(logit_scale, log 100)), so the scale never exceeds 100 and gets no gradient there.</li>
 *   <li>{@link #inBatch(float, boolean)}: the in-batch loss at a fixed τ, symmetric or one-sided.</li>
 * </ul>
 */
public final class InfoNceLoss extends Module {
    /** CLIP's cap on the logit scale: s ≤ 100. */
    public static final float MAX_LOGIT_SCALE = 100f;

    private enum Form { QUEUE, IN_BATCH }

    private final Form form;
    private final float tau;             // fixed temperature (NaN when the scale is learned)
    private final boolean symmetric;
    private final float lossScale;
    private final Variable logScale;     // CLIP's learnable log s, or null
    private boolean normalize = true;

    private InfoNceLoss(Form form, float tau, boolean symmetric, float lossScale, boolean learnScale) {
        if (!(tau > 0f) || !Float.isFinite(tau)) throw new IllegalArgumentException("InfoNceLoss: temperature must be positive and finite, got " + tau);
        this.form = form;
        this.tau = learnScale ? Float.NaN : tau;
        this.symmetric = symmetric;
        this.lossScale = lossScale;
        this.logScale = learnScale ? registerParameter("logit_scale", Tensor.scalar((float) Math.log(1.0 / tau))) : null;
    }

    /** MoCo v1/v2: InfoNCE against a queue of negatives at temperature τ. */
    public static InfoNceLoss queue(float tau) { return new InfoNceLoss(Form.QUEUE, tau, false, 1f, false); }

    /** In-batch InfoNCE at a fixed τ: ½(CE_rows + CE_cols) when symmetric, CE_rows when not. */
    public static InfoNceLoss inBatch(float tau, boolean symmetric) { return new InfoNceLoss(Form.IN_BATCH, tau, symmetric, 1f, false); }

    /** MoCo v3: one-sided in-batch InfoNCE times 2τ. */
    public static InfoNceLoss mocoV3(float tau) { return new InfoNceLoss(Form.IN_BATCH, tau, false, 2f * tau, false); }

    /** CLIP: symmetric in-batch InfoNCE with a learnable logit scale starting at 1/τ₀, capped at 100. */
    public static InfoNceLoss clip(float initialTau) { return new InfoNceLoss(Form.IN_BATCH, initialTau, true, 1f, true); }

    /** Uses q and k as given (already normalised), skipping the l2Normalize ops. */
    public InfoNceLoss withoutNormalization() {
        normalize = false;
        return this;
    }

    /** The learnable log logit scale (CLIP), or null when the temperature is fixed. */
    public Variable logitScale() { return logScale; }

    /** The current logit scale s = 1/τ (capped at 100 for CLIP). */
    public float currentScale() {
        return logScale == null ? 1f / tau : (float) Math.min(Math.exp(logScale.item()), MAX_LOGIT_SCALE);
    }

    /** The queue form: q, k [N, D], queue [K, D] (a constant, e.g. {@code MomentumQueue}'s contents). */
    public Variable forward(Variable q, Variable k, Tensor queue) {
        if (form != Form.QUEUE) throw new IllegalStateException("InfoNceLoss: this is the in-batch form; call forward(q, k)");
        Variable qn = normalize ? q.l2Normalize(1) : q, kn = normalize ? k.detach().l2Normalize(1) : k.detach();
        return scaled(InfoNceFunctions.queue(qn, kn, queue, tau));
    }

    /** The in-batch form: q, k [N, D], matching rows are the positives. */
    public Variable forward(Variable q, Variable k) {
        if (form != Form.IN_BATCH) throw new IllegalStateException("InfoNceLoss: this is the queue form; call forward(q, k, queue)");
        Variable qn = normalize ? q.l2Normalize(1) : q, kn = normalize ? k.l2Normalize(1) : k;
        Variable s = logScale == null ? Variable.constant(Tensor.scalar(1f / tau))
                : logScale.clampMax((float) Math.log(MAX_LOGIT_SCALE)).exp();
        return scaled(InfoNceFunctions.inBatch(qn, kn, s, symmetric));
    }

    private Variable scaled(Variable loss) { return lossScale == 1f ? loss : loss.mul(lossScale); }

    /** A loss takes two or three inputs: use {@link #forward(Variable, Variable)} or {@link #forward(Variable, Variable, Tensor)}. */
    @Override
    public Variable forward(Variable x) {
        throw new UnsupportedOperationException("InfoNceLoss takes (q, k) or (q, k, queue), not one input");
    }
}
