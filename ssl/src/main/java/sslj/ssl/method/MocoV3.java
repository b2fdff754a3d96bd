package sslj.ssl.method;

import java.util.Map;
import java.util.function.Function;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.MLP;
import sslj.nn.Module;
import sslj.nn.VisionTransformer;
import sslj.nn.contrastive.EmaUpdate;
import sslj.nn.contrastive.InfoNceLoss;
import sslj.nn.optim.AdamW;
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
 * MoCo v3 (Chen, Xie and He 2021, "An Empirical Study of Training Self-Supervised Vision Transformers",
 * Algorithm 1):
 * <pre>
 *   q1, q2 = g(h(f(x1))), g(h(f(x2)))      online: encoder f, 3-layer projector h, 2-layer predictor g
 *   k1, k2 = h_m(f_m(x1)), h_m(f_m(x2))    momentum encoder (EMA of f and h), no gradient
 *   loss = ctr(q1, k2) + ctr(q2, k1)       ctr = in-batch InfoNCE at τ, times 2τ (the paper's code)
 *   after the step: θ_m ← m θ_m + (1 − m) θ,  m = 1 − (1 − m₀)(cos(πk/K) + 1)/2  (m₀ = 0.99 → 1)
 * </pre>
 * No queue: the negatives are the other keys of the batch. Heads (paper: 4096 hidden, 256 out): the
 * projector F → H → H → 128 with BN + ReLU on the hidden layers and BN without affine on the output,
 * the predictor 128 → H → 128 with BN on its hidden layer, H = max(2F, 256) here (small encoders).
 * Optimiser: LARS (lr 0.6·B/256, wd 1e-6, no decay or adaptation on biases and BN)
 * for a ResNet, AdamW (lr 1.5e-4·B/256, wd 0.1) for the ViT ({@link VisionTransformer}, whose
 * patch projection is frozen — §5.2). τ = 0.2 (§6 of DESIGN; the official ResNet-50 recipe uses 1.0).
 */
public final class MocoV3 implements SslMethod {
    public static final double TEMPERATURE = 0.2;
    public static final double MOMENTUM = 0.99;
    public static final double LARS_LR = 0.6, LARS_WEIGHT_DECAY = 1e-6, ADAMW_LR = 1.5e-4, ADAMW_WEIGHT_DECAY = 0.1;
    public static final int DIM = 128;

    private final Tower online, target;
    private final MLP predictor;
    private final Module trained;
    private final EmaUpdate ema;
    private final InfoNceLoss ctr;
    private final double momentum;
    private final boolean vit;
    private final Device device;

    public MocoV3(Options o) { this(o, gen -> MethodSupport.backbone(o, gen)); }

    public MocoV3(Options o, Function<Generator, Encoders.Backbone> encoders) {
        Generator gen = new Generator(o.seed);
        this.device = Device.parse(o.device);
        Encoders.Backbone b = encoders.apply(gen), bm = encoders.apply(gen);
        int f = b.featureDim(), hidden = hiddenWidth(f);
        this.online = new Tower(b.net(), f, projector(f, hidden, gen));
        this.target = new Tower(bm.net(), f, projector(f, hidden, gen));
        this.predictor = MLP.mocoV3Predictor(DIM, hidden, n -> new BatchNorm1d(n), gen);
        this.trained = new Tower.Group("online", online, "predictor", predictor);
        trained.to(device);
        target.to(device);
        this.ema = new EmaUpdate(online, target);
        target.train(true);
        this.ctr = InfoNceLoss.mocoV3((float) o.temperature);
        this.momentum = o.momentum;
        this.vit = b.net() instanceof VisionTransformer;
    }

    /** The heads' hidden width for encoder features of width f: max(2f, 256). */
    public static int hiddenWidth(int f) { return Math.max(2 * f, 256); }

    private static MLP projector(int f, int hidden, Generator gen) {
        return MLP.mocoV3Projection(f, hidden, DIM, n -> new BatchNorm1d(n), n -> new BatchNorm1d(n, 1e-5f, 0.1f, false), gen);
    }

    @Override public String name() { return "MoCo v3"; }

    @Override public Module trainable() { return trained; }

    @Override public Module encoder() { return online.encoder(); }

    public Tower online() { return online; }

    public Tower target() { return target; }

    public MLP predictor() { return predictor; }

    /** BYOL's asymmetric augmentation, as MoCo v3 uses (its main_moco.py: augmentation1 / augmentation2). */
    @Override public MultiView augmentation(Options o, int side, int channels) {
        return MethodSupport.normalized(Augmentations.byol(side, channels, o.cropMin(0.08)), o);
    }

    /** LARS for a ResNet, AdamW for the ViT; biases and 1-d parameters without decay (and excluded from LARS). */
    @Override public Optimizer optimizer(Options o) {
        return vit ? new AdamW(ParamGroup.decayAndNoDecay(trained), o.lr, 0.9, 0.999, 1e-8, o.weightDecay)
                : new LARS(ParamGroup.decayAndNoDecay(trained), o.lr, 0.9, o.weightDecay, 0.001, 0);
    }

    @Override public Variable loss(Batch batch, Device dev, long step) {
        Variable x1 = Variable.constant(batch.view(0).to(device)), x2 = Variable.constant(batch.view(1).to(device));
        Variable q1 = predictor.forward(online.forward(x1)), q2 = predictor.forward(online.forward(x2));
        Variable k1 = Variable.constant(MethodSupport.withoutGraph(() -> target.forward(x1).data()));
        Variable k2 = Variable.constant(MethodSupport.withoutGraph(() -> target.forward(x2).data()));
        return symmetric(q1, q2, k1, k2);
    }

    /** ctr(q1, k2) + ctr(q2, k1). */
    public Variable symmetric(Variable q1, Variable q2, Variable k1, Variable k2) {
        return ctr.forward(q1, k2).add(ctr.forward(q2, k1));
    }

    /** m at step k of K: 1 − (1 − m₀)(cos(πk/K) + 1)/2. */
    public double momentumAt(long step, long totalSteps) {
        return MomentumSchedule.cosine(momentum, Math.max(1, totalSteps)).at(step);
    }

    @Override public void afterStep(long step, long totalSteps) {
        ema.update((float) momentumAt(step, totalSteps));
    }

    /** The momentum encoder ("target.*"). */
    @Override public Map<String, Tensor> state() { return MethodSupport.targetState(target); }

    @Override public void loadState(Map<String, Tensor> state) { MethodSupport.loadTargetState(target, state); }
}
