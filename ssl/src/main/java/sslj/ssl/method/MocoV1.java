package sslj.ssl.method;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.contrastive.EmaUpdate;
import sslj.nn.contrastive.InfoNceLoss;
import sslj.nn.contrastive.MomentumQueue;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.ssl.data.ColorJitter;
import sslj.ssl.data.Compose;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.RandomGrayscale;
import sslj.ssl.data.RandomResizedCrop;
import sslj.ssl.data.Transform;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * MoCo v1 (He, Fan, Wu, Xie and Girshick 2020, "Momentum Contrast for Unsupervised Visual
 * Representation Learning", Algorithm 1):
 * <pre>
 *   q = normalize(f_q(x_q))              query encoder + linear head → 128, trained
 *   k = normalize(f_k(x_k)), no gradient key encoder = EMA of the query encoder (shuffle-BN, §3.3)
 *   loss = InfoNCE(q, k, queue) at τ     positives q·k, negatives the K queued keys
 *   after the SGD step:  θ_k ← m θ_k + (1 − m) θ_q;  enqueue k (the oldest keys drop out)
 * </pre>
 * Paper defaults (§3.3, §4): τ = 0.07, K = 65536 (CIFAR-style runs: 4096), m = 0.999 (CIFAR 0.99),
 * SGD lr 0.03 for batch 256, momentum 0.9, weight decay 1e-4 on every parameter, one augmented pair per
 * image (crop 0.2–1, greyscale 0.2, colour jitter 0.4/0.4/0.4/0.4, flip). The values come from the
 * {@link Options} ({@code --temperature}, {@code --queue-size}, {@code --momentum}, {@code --lr},
 * {@code --weight-decay}, {@code --shuffle-groups}); {@code MocoMain} sets these defaults.
 *
 * <p>Order of updates. MoCo's code updates the key encoder at the start of each forward; here it is
 * updated in {@link #afterStep}, after the optimiser step, which gives the same sequence (the key
 * encoder used at step t+1 has seen t+1 updates; MoCo's first update is a no-op since both encoders
 * start equal). The keys of step t are enqueued in {@link #afterStep} too, after the loss used them.
 *
 * <p>Shuffle-BN: see {@link ShuffleBn}; on with G = {@code --shuffle-groups} (default 2), 1 turns it off.
 */
public class MocoV1 implements SslMethod {
    public static final double TEMPERATURE = 0.07;
    public static final int QUEUE = 65536, QUEUE_CIFAR = 4096;
    public static final double MOMENTUM = 0.999, MOMENTUM_CIFAR = 0.99;
    public static final double LR = 0.03, WEIGHT_DECAY = 1e-4, SGD_MOMENTUM = 0.9;
    /** Output width of the head (He et al. 2020, §3.3: "a fc layer (with 128-D output)"). */
    public static final int DIM = 128;

    protected final Tower query, key;
    protected final EmaUpdate ema;
    protected final MomentumQueue queue;
    protected final InfoNceLoss loss;
    protected final float momentum;
    protected final int groups;
    protected final long seed;
    protected final Device device;
    private Tensor pendingKeys;   // this step's keys, enqueued in afterStep

    /** MoCo v1 with the encoder {@code --encoder} names. */
    public MocoV1(Options o) { this(o, gen -> MethodSupport.backbone(o, gen)); }

    /** MoCo v1 with the encoders {@code encoders} builds (called twice: query and key encoder). */
    public MocoV1(Options o, Function<Generator, Encoders.Backbone> encoders) {
        this(o, encoders, (f, gen) -> new Linear(f, DIM, gen));
    }

    /** The head builder gets the encoder's feature width and the generator; its output width must be {@link #DIM}. */
    protected MocoV1(Options o, Function<Generator, Encoders.Backbone> encoders, java.util.function.BiFunction<Integer, Generator, Module> head) {
        Generator gen = new Generator(o.seed);
        this.device = Device.parse(o.device);
        Encoders.Backbone bq = encoders.apply(gen), bk = encoders.apply(gen);
        this.query = new Tower(bq.net(), bq.featureDim(), head.apply(bq.featureDim(), gen));
        this.key = new Tower(bk.net(), bk.featureDim(), head.apply(bk.featureDim(), gen));
        query.to(device);
        key.to(device);
        this.ema = new EmaUpdate(query, key);     // key ← query, no gradients on the key encoder
        key.train(true);                          // BN with batch statistics, as the paper's key encoder
        this.queue = new MomentumQueue(o.queueSize, DIM, device, new Generator(o.seed ^ 0x0DEC0DE));
        this.loss = InfoNceLoss.queue((float) o.temperature);
        this.momentum = (float) o.momentum;
        this.groups = o.shuffleGroups;
        this.seed = o.seed;
    }

    @Override public String name() { return "MoCo v1"; }

    @Override public Module trainable() { return query; }

    @Override public Module encoder() { return query.encoder(); }

    /** The momentum (key) encoder with its head. */
    public Tower keyEncoder() { return key; }

    public Tower queryEncoder() { return query; }

    public MomentumQueue queue() { return queue; }

    /** MoCo v1's augmentation (moco/main_moco.py without --aug-plus), then standardisation; two views. */
    @Override public MultiView augmentation(Options o, int side, int channels) {
        java.util.List<Transform> t = new java.util.ArrayList<>();
        t.add(new RandomResizedCrop(side, o.cropMin(0.2), 1.0));
        if (channels == 3) t.add(new RandomGrayscale(0.2));
        t.add(new ColorJitter(0.4, 0.4, 0.4, 0.4, 1.0));
        t.add(new HorizontalFlip(0.5));
        return MethodSupport.normalized(MultiView.of(new Compose(t), 2), o);
    }

    /** SGD, momentum 0.9, weight decay on every parameter (as MoCo's torch.optim.SGD(model.parameters(), ...)). */
    @Override public Optimizer optimizer(Options o) {
        return new SGD(ParamGroup.all(query), o.lr, SGD_MOMENTUM, o.weightDecay);
    }

    @Override public Variable loss(Batch batch, Device dev, long step) {
        Variable xq = Variable.constant(batch.view(0).to(device)), xk = Variable.constant(batch.view(1).to(device));
        Variable q = ShuffleBn.grouped(query, xq, groups);
        Tensor k = keys(xk, step);
        pendingKeys = k;
        return loss.forward(q, Variable.constant(k), queue.queue());
    }

    /** The normalised keys of a key batch at {@code step} (shuffle-BN with this step's permutation). */
    public Tensor keys(Variable xk, long step) {
        return MethodSupport.withoutGraph(() -> ShuffleBn.shuffled(key, xk, groups, MethodSupport.stepGenerator(seed, step)).data().l2Normalize(1));
    }

    @Override public void afterStep(long step, long totalSteps) {
        ema.update(momentum);
        if (pendingKeys != null) queue.enqueue(pendingKeys);
        pendingKeys = null;
    }

    /** The key encoder ("key.*") and the queue ("queue", "queue_ptr"). */
    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        MethodSupport.putAll(s, "key.", key.stateDict());
        Map<String, Tensor> qs = queue.state();
        s.put("queue", qs.get("queue"));
        s.put("queue_ptr", qs.get("ptr"));
        return s;
    }

    @Override public void loadState(Map<String, Tensor> state) {
        if (state.get("queue") == null || state.get("queue_ptr") == null) {
            throw new IllegalArgumentException(name() + ": saved state lacks 'queue' / 'queue_ptr' (keys: " + state.keySet() + ")");
        }
        key.loadStateDict(MethodSupport.under(state, "key."), true);
        queue.load(Map.of("queue", state.get("queue"), "ptr", state.get("queue_ptr")));
    }
}
