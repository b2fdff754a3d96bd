package sslj.ssl.method;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.ssl.data.Batch;
import sslj.ssl.data.ColorJitter;
import sslj.ssl.data.Compose;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.RandomGrayscale;
import sslj.ssl.data.RandomResizedCrop;
import sslj.ssl.data.Transform;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Invariant and Spreading Instance Feature (Ye, Zhang, Yuen and Chang 2019, "Unsupervised Embedding
 * Learning via Invariant and Spreading Instance Feature", CVPR): the end-to-end family of DESIGN.md
 * §1 — negatives are the other images of the batch, with gradients through every feature, no memory
 * bank. Each image is seen twice: the original x_i and one augmentation x̂_i.
 *
 * <pre>
 *   f_i = normalise(g(enc(x_i))),  f̂_i = normalise(g(enc(x̂_i)))     g: Linear → 128 (§4: FC-128 + L2 norm)
 *   P(i|x̂_i) = exp(f_iᵀ f̂_i/τ) / Σ_k exp(f_kᵀ f̂_i/τ)                 augmented x̂_i recognised as instance i
 *   P(i|x_j)  = exp(f_iᵀ f_j/τ) / Σ_k exp(f_kᵀ f_j/τ),   j ≠ i        original x_j (wrongly) recognised as i
 *   J = − Σ_i log P(i|x̂_i) − Σ_i Σ_{j≠i} log(1 − P(i|x_j))           §3.1, the batch objective (Siamese,
 *                                                                      binary "is / is not instance i")
 * </pre>
 * with k over the m originals of the batch. The first term makes features invariant to augmentation
 * (the positive of x̂_i is the original's embedding f_i, the other originals its negatives); the
 * second spreads the instances apart. This class divides J by the batch size m (a mean per instance,
 * as the authors' code does) so that the learning rate does not depend on m. τ = 0.1 (§4.1).
 * 1 − P(i|x_j) never underflows: row j's largest logit is its own, f_jᵀf_j/τ = 1/τ, so P(i|x_j) ≤ ½.
 *
 * <p>Both images pass through the encoder as one batch of 2m (batch norm over both). Optimiser (§4.1):
 * SGD with momentum 0.9, weight decay 5e-4 (not on biases and BN), lr 0.03 with batch 128.
 * Augmentation: random resized crop (0.2, 1), greyscale p = 0.2, colour jitter 0.4 on every
 * channel property, flip — the instance-discrimination CIFAR recipe the paper's code builds on;
 * the original is only standardised.
 */
public final class InvaSpread implements SslMethod {
    /** Embedding dimension of the paper (§4: the feature is projected to 128 and L2-normalised). */
    public static final int EMBEDDING_DIM = 128;

    private final ResNet encoder;
    private final Linear head;
    private final Module net;   // encoder and head together: what the optimiser trains ("encoder.*", "head.*")
    private final float temperature;


    public InvaSpread(ResNet encoder, int embeddingDim, double temperature, Generator gen) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) throw new IllegalArgumentException("InvaSpread: temperature must be finite and > 0, got " + temperature);
        this.encoder = encoder;
        this.head = new Linear(encoder.featureDim(), embeddingDim, gen);
        this.net = new Tower.Group("encoder", encoder, "head", head);
        this.temperature = (float) temperature;
    }

    @Override public String name() { return "InvaSpread"; }

    @Override public Module trainable() { return net; }

    @Override public Module encoder() { return encoder; }

    /** View 0: one augmentation; view 1: the original image (standardised only). */
    @Override
    public MultiView augmentation(Options o, int side, int channels) {
        List<Transform> t = new ArrayList<>();
        t.add(new RandomResizedCrop(side, o.cropMin(0.2), 1.0));
        if (channels == 3) t.add(new RandomGrayscale(0.2));
        t.add(new ColorJitter(0.4, 0.4, 0.4, 0.4, 1.0));
        t.add(new HorizontalFlip(0.5));
        t.add(TrainData.normalize(o));
        return MultiView.of(new Compose(t), TrainData.normalize(o));
    }

    @Override
    public Optimizer optimizer(Options o) {
        return new SGD(ParamGroup.decayAndNoDecay(net), o.lr, o.momentum, o.weightDecay);
    }

    @Override
    public Variable loss(Batch batch, Device device, long step) {
        int m = batch.size();
        Variable x = Variable.constant(Tensor.cat(0, batch.view(1), batch.view(0)).to(device));   // originals first
        Variable f = head.forward(encoder.forward(x)).l2Normalize(1);
        return objective(f.narrow(0, 0, m), f.narrow(0, m, m), temperature);
    }

    /**
     * J / m for normalised original embeddings f [m, D] and augmented ones fHat [m, D] (the formula
     * in the class comment), from autograd ops only.
     */
    public static Variable objective(Variable f, Variable fHat, float temperature) {
        int m = f.size(0);
        if (m < 2) throw new IllegalArgumentException("InvaSpread: needs a batch of at least 2 images (the negatives are the other images), got " + m);
        Device device = f.data().device();
        // invariance: row i of f̂ fᵀ/τ is instance i's logits over the originals; cross-entropy with label i
        Variable invariance = fHat.matmul(f.t()).div(temperature).crossEntropy(Tensor.arange(m).to(device));
        // spreading: S[j, i] = P(i|x_j); the diagonal (j = i) is not a term of J, masked to 0 so log(1 − 0) = 0
        Variable s = f.matmul(f.t()).div(temperature).softmax(1);
        Tensor idx = Tensor.arange(m);
        Tensor offDiagonal = idx.reshape(m, 1).ne(idx.reshape(1, m)).to(device);
        Variable spread = s.mul(Variable.constant(offDiagonal)).neg().add(1f).log().sum().neg().div(m);
        return invariance.add(spread);
    }

    public float temperature() { return temperature; }
}
