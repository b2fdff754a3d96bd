package sslj.ssl.method;

import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.MLP;
import sslj.nn.Module;
import sslj.nn.contrastive.NtXentLoss;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.ssl.data.Augmentations;
import sslj.ssl.data.Compose;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * SimCLRv2, step 1 of 3 (Chen, Kornblith, Swersky, Norouzi and Hinton 2020, "Big Self-Supervised Models
 * are Strong Semi-Supervised Learners", §2): SimCLR's contrastive pretraining with a deeper projection
 * head. Two augmented views of each image (SimCLR's recipe) go through the encoder f and a THREE-layer
 * head g (Linear-BN-ReLU, Linear-BN-ReLU, Linear-BN; {@link MLP#simclrV2Projection}), and NT-Xent over
 * the 2N projections is minimised. The deeper head is what step 2 uses: the classifier is fine-tuned
 * from the head's FIRST layer, not from f's output ({@link SimClrV2FineTune}); step 3 distils the
 * fine-tuned network into a student ({@link SimClrV2Distill}).
 *
 * <p>Defaults (paper §B.1 / Appendix): head widths featureDim → featureDim → featureDim → 128, LARS with
 * lr 0.1·√B (1.6 at the default B = 256) and weight decay 1e-4, none on biases and BN, warmup + cosine.
 * τ: the paper uses 0.1 on ImageNet; the main defaults to SimCLR's CIFAR-size value 0.5 for these small
 * images. The last BN keeps its scale and shift (the paper's TF code drops the shift; BatchNorm1d here
 * offers affine or not, and a shift before the NT-Xent normalisation only recentres the projections).
 *
 * <p>This is a composition of NtXentLoss and the 3-layer head, written without SimCLR's class (built in
 * parallel); after merging, both could share the two-view step.
 */
public final class SimClrV2 implements SslMethod {
    /** Projection output size, as SimCLR (128). */
    public static final int PROJECTION_DIM = 128;

    private final EncoderHead net;
    private final NtXentLoss ntXent;
    private final Device device;

    /** Encoder with featureDim outputs; hidden head width = featureDim (the paper's choice). */
    public SimClrV2(Module encoder, int featureDim, float temperature, Device device, Generator gen) {
        this.net = network(encoder, featureDim, gen);
        this.ntXent = new NtXentLoss(temperature);
        this.device = device;
        net.to(device);
    }

    /** The pretraining network: encoder + 3-layer projection head (what step 2 loads). */
    public static EncoderHead network(Module encoder, int featureDim, Generator gen) {
        return new EncoderHead(encoder, MLP.simclrV2Projection(featureDim, featureDim, PROJECTION_DIM,
                f -> new BatchNorm1d(f), f -> new BatchNorm1d(f), gen));
    }

    @Override public String name() { return "SimCLRv2"; }

    @Override public Module trainable() { return net; }

    @Override public Module encoder() { return net.encoder(); }

    public MLP head() { return (MLP) net.head(); }

    /** SimCLR's two views, each then standardised. */
    @Override
    public MultiView augmentation(Options o, int side, int channels) {
        MultiView mv = Augmentations.simclr(side, channels, o.cropMin(0.08));
        return MultiView.of(Compose.of(mv.pipeline(0), TrainData.normalize(o)), Compose.of(mv.pipeline(1), TrainData.normalize(o)));
    }

    /** LARS, biases and BN parameters excluded from decay and adaptation. */
    @Override
    public Optimizer optimizer(Options o) { return new LARS(ParamGroup.decayAndNoDecay(net), o.lr, o.weightDecay); }

    @Override
    public Variable loss(Batch b, Device dev, long step) {
        if (b.size() < 2) throw new IllegalArgumentException("SimCLRv2: NT-Xent needs a batch of at least 2 images, got " + b.size());
        Variable z1 = net.forward(Variable.constant(b.view(0).to(device)));
        Variable z2 = net.forward(Variable.constant(b.view(1).to(device)));
        return ntXent.forward(z1, z2);
    }
}
