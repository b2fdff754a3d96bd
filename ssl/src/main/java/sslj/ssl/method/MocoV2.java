package sslj.ssl.method;

import java.util.function.Function;
import sslj.nn.MLP;
import sslj.ssl.data.Augmentations;
import sslj.ssl.data.MultiView;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.tensor.Generator;

/**
 * MoCo v2 (Chen, Fan, Girshick and He 2020, "Improved Baselines with Momentum Contrastive Learning"):
 * MoCo v1's algorithm (queue, EMA key encoder, shuffle-BN, InfoNCE) with three changes from SimCLR:
 * <ul>
 *   <li>an MLP head Linear-ReLU-Linear, 2048 → 2048 → 128 on ResNet-50: here F → F → 128 with F the
 *       encoder's feature width (the hidden layer is as wide as the features, as in the paper), no BN;</li>
 *   <li>τ = 0.2 (instead of 0.07);</li>
 *   <li>blur in the augmentation ({@link Augmentations#mocoV2}: crop 0.2–1, jitter p 0.8, greyscale 0.2,
 *       blur p 0.5, flip), and a cosine learning-rate schedule (the shared trainer's warmup + cosine).</li>
 * </ul>
 * SGD 0.03 for batch 256, weight decay 1e-4, m = 0.999 (0.99 for CIFAR-style runs), K = 65536 (4096).
 */
public final class MocoV2 extends MocoV1 {
    public static final double TEMPERATURE = 0.2;

    public MocoV2(Options o) { this(o, gen -> MethodSupport.backbone(o, gen)); }

    public MocoV2(Options o, Function<Generator, Encoders.Backbone> encoders) {
        super(o, encoders, (f, gen) -> MLP.mocoV2Projection(f, f, DIM, gen));
    }

    @Override public String name() { return "MoCo v2"; }

    @Override public MultiView augmentation(Options o, int side, int channels) {
        return MethodSupport.normalized(Augmentations.mocoV2(side, channels, o.cropMin(0.2)), o);
    }
}
