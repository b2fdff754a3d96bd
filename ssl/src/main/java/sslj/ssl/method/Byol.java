package sslj.ssl.method;

import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.MLP;
import sslj.nn.Module;
import sslj.nn.contrastive.EmaUpdate;
import sslj.nn.optim.LARS;
import sslj.nn.optim.MomentumSchedule;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.ssl.data.Augmentations;
import sslj.ssl.data.Batch;
import sslj.ssl.data.MultiView;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * BYOL (Grill et al. 2020, "Bootstrap Your Own Latent", §3.1–3.2): no negatives at all.
 * <pre>
 *   p1 = q(g(f(v1))), p2 = q(g(f(v2)))        online: encoder f, projector g, predictor q
 *   z1' = g'(f'(v1)), z2' = g'(f'(v2))        target: EMA of f and g, no gradient
 *   loss = ℓ(p1, z2') + ℓ(p2, z1'),  ℓ(p, z) = mean_i (2 − 2·cos(p_i, z_i))   (eq. 2, symmetrised)
 *   after the step: ξ ← τ ξ + (1 − τ) θ,  τ = 1 − (1 − τ_base)(cos(πk/K) + 1)/2,  τ_base = 0.996
 * </pre>
 * Heads (paper: Linear 4096 – BN – ReLU – Linear 256, the predictor the same on 256): here
 * F → H → 128 with H = max(2F, 256), F the encoder's feature width. Optimiser: LARS, lr 0.2·B/256
 * (the main's default), weight decay 1.5e-6, biases and BN excluded from decay and adaptation
 * (BYOL's appendix C). Augmentation: the asymmetric pair of {@link Augmentations#byol}.
 *
 * <p>{@code --no-bn-heads} builds the projector and predictor WITHOUT batch norm. One of the project's
 * seed articles reports that BYOL then collapses (kNN accuracy near chance): with BN the batch
 * statistics inject an implicit contrast between samples; without it nothing stops every image from
 * mapping to the same vector. {@code ByolCollapseTest} measures it with the collapse statistic (std of
 * the L2-normalised embeddings per dimension, ≈ 1/√d when spread, 0 when collapsed).
 */
public final class Byol implements SslMethod {
    public static final double TAU_BASE = 0.996, LR = 0.2, WEIGHT_DECAY = 1.5e-6;
    public static final int DIM = 128;

    private final Tower online, target;
    private final MLP predictor;
    private final Module trained;
    private final EmaUpdate ema;
    private final double tauBase;
    private final boolean bnHeads;
    private final Device device;

    public Byol(Options o) { this(o, gen -> MethodSupport.backbone(o, gen)); }

    public Byol(Options o, Function<Generator, Encoders.Backbone> encoders) {
        Generator gen = new Generator(o.seed);
        this.device = Device.parse(o.device);
        this.bnHeads = !o.noBnHeads;
        IntFunction<Module> bn = bnHeads ? n -> new BatchNorm1d(n) : null;
        Encoders.Backbone b = encoders.apply(gen), bt = encoders.apply(gen);
        int f = b.featureDim(), hidden = hiddenWidth(f);
        this.online = new Tower(b.net(), f, MLP.byol(f, hidden, DIM, bn, gen));
        this.target = new Tower(bt.net(), f, MLP.byol(f, hidden, DIM, bn, gen));
        this.predictor = MLP.byol(DIM, hidden, DIM, bn, gen);
        this.trained = new Tower.Group("online", online, "predictor", predictor);
        trained.to(device);
        target.to(device);
        this.ema = new EmaUpdate(online, target);
        target.train(true);
        this.tauBase = o.momentum;
    }

    /** The heads' hidden width for encoder features of width f: max(2f, 256). */
    public static int hiddenWidth(int f) { return Math.max(2 * f, 256); }

    @Override public String name() { return bnHeads ? "BYOL" : "BYOL (heads without BN)"; }

    @Override public Module trainable() { return trained; }

    @Override public Module encoder() { return online.encoder(); }

    public Tower online() { return online; }

    public Tower target() { return target; }

    public MLP predictor() { return predictor; }

    @Override public MultiView augmentation(Options o, int side, int channels) {
        return MethodSupport.normalized(Augmentations.byol(side, channels, o.cropMin(0.08)), o);
    }

    @Override public Optimizer optimizer(Options o) {
        return new LARS(ParamGroup.decayAndNoDecay(trained), o.lr, 0.9, o.weightDecay, 0.001, 0);
    }

    @Override public Variable loss(Batch batch, Device dev, long step) {
        Variable v1 = Variable.constant(batch.view(0).to(device)), v2 = Variable.constant(batch.view(1).to(device));
        Variable p1 = predictor.forward(online.forward(v1)), p2 = predictor.forward(online.forward(v2));
        Variable z1 = Variable.constant(MethodSupport.withoutGraph(() -> target.forward(v1).data()));
        Variable z2 = Variable.constant(MethodSupport.withoutGraph(() -> target.forward(v2).data()));
        return regression(p1, z2).add(regression(p2, z1));
    }

    /** mean_i (2 − 2·cos(p_i, z_i)) = mean_i ‖p̂_i − ẑ_i‖² (BYOL eq. 2). */
    public static Variable regression(Variable p, Variable z) {
        return p.l2Normalize(1).mul(z.l2Normalize(1)).sum(1).mul(-2f).add(2f).mean();
    }

    /** τ at step k of K: 1 − (1 − τ_base)(cos(πk/K) + 1)/2. */
    public double momentumAt(long step, long totalSteps) {
        return MomentumSchedule.cosine(tauBase, Math.max(1, totalSteps)).at(step);
    }

    @Override public void afterStep(long step, long totalSteps) {
        ema.update((float) momentumAt(step, totalSteps));
    }

    /** The target network ("target.*"). */
    @Override public Map<String, Tensor> state() { return MethodSupport.targetState(target); }

    @Override public void loadState(Map<String, Tensor> state) { MethodSupport.loadTargetState(target, state); }
}
