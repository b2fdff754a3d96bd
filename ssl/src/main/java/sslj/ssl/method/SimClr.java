package sslj.ssl.method;

import java.util.List;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm1d;
import sslj.nn.MLP;
import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.contrastive.NtXentLoss;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.ssl.data.Augmentations;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Compose;
import sslj.ssl.data.MultiView;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * SimCLR (Chen, Kornblith, Norouzi and Hinton 2020, "A Simple Framework for Contrastive Learning of
 * Visual Representations"): in-batch negatives, the fourth family of DESIGN.md §1.
 *
 * <pre>
 *   x̃1, x̃2 = two augmentations of each of the N images         (Augmentations.simclr, §3 and Appendix A)
 *   h = f(x̃)        ResNet encoder, pooled features [2N, F]     (the representation that is evaluated)
 *   z = g(h)        projection head Linear-BN-ReLU-Linear → 128 (§2.1; 2048 → 2048 → 128 for ResNet-50)
 *   loss = NT-Xent(z) with τ                                   (eq. 1; τ 0.5 on CIFAR-10, 0.1 on ImageNet, Table 5 / B.9)
 * </pre>
 * Both views go through the encoder as one batch of 2N, so batch norm normalises over all 2N images,
 * which is what the paper's global BN does across devices (§2.3). The head's hidden width is the
 * encoder's feature dimension (2048 for a ResNet-50: the paper's shape, scaled with {@code --width}).
 *
 * <p>Optimiser (§2.2, B.1): LARS, lr 0.3·B/256, weight decay 1e-6, momentum 0.9, no weight decay
 * and no trust-ratio adaptation for biases and batch-norm parameters ({@link ParamGroup#decayAndNoDecay});
 * warmup and cosine decay come from the trainer. {@link Optim#SGD} (momentum from {@code --momentum},
 * same groups) is the documented alternative for short, small-batch CPU runs, where LARS's trust ratio
 * (η = 0.001) makes each step small: the tests use it to learn something in a few dozen steps.
 */
public final class SimClr implements SslMethod {
    /** The optimiser choice: the paper's LARS, or plain SGD with momentum for small CPU runs. */
    public enum Optim { LARS, SGD }

    /** Projection dimension of the paper (§2.1, Figure 8: 128 works as well as larger). */
    public static final int PROJECTION_DIM = 128;

    private final ResNet encoder;
    private final MLP head;
    private final Module net;   // encoder and head together: what the optimiser trains ("encoder.*", "head.*")
    private final NtXentLoss loss;
    private final Optim optim;


    /**
     * @param encoder       the backbone f (e.g. {@code Encoders.build(o, channels, gen)})
     * @param projectionDim output of the head g (128 in the paper)
     * @param temperature   NT-Xent τ
     */
    public SimClr(ResNet encoder, int projectionDim, double temperature, Optim optim, Generator gen) {
        this.encoder = encoder;
        int f = encoder.featureDim();
        this.head = MLP.simclrProjection(f, f, projectionDim, n -> new BatchNorm1d(n), gen);
        this.net = new Tower.Group("encoder", encoder, "head", head);
        this.loss = new NtXentLoss((float) temperature);
        this.optim = optim;
    }

    @Override public String name() { return "SimCLR"; }

    @Override public Module trainable() { return net; }

    @Override public Module encoder() { return encoder; }

    public MLP head() { return head; }

    /** The paper's augmentation twice, each view standardised for the dataset. */
    @Override
    public MultiView augmentation(Options o, int side, int channels) {
        MultiView v = Augmentations.simclr(side, channels, o.cropMin(0.08));
        return MultiView.of(Compose.of(v.pipeline(0), TrainData.normalize(o)), 2);
    }

    @Override
    public Optimizer optimizer(Options o) {
        List<ParamGroup> groups = ParamGroup.decayAndNoDecay(net);
        return switch (optim) {
            case LARS -> new LARS(groups, o.lr, o.weightDecay);
            case SGD -> new SGD(groups, o.lr, o.momentum, o.weightDecay);
        };
    }

    @Override
    public Variable loss(Batch batch, Device device, long step) {
        Variable x = Variable.constant(sslj.tensor.Tensor.cat(0, batch.view(0), batch.view(1)).to(device));
        return ntXent(x);
    }

    /** NT-Xent of the head outputs for stacked views x = [view 1; view 2] ([2N, C, H, W]). */
    public Variable ntXent(Variable x) {
        return loss.forward(head.forward(encoder.forward(x)));
    }

    /** The NT-Xent loss object (τ). */
    public NtXentLoss criterion() { return loss; }
}
