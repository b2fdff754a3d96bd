package sslj.ssl.method;

import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm2d;
import sslj.nn.Conv2d;
import sslj.nn.GlobalAvgPool;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ReLU;
import sslj.nn.Sequential;
import sslj.nn.contrastive.InfoNceLoss;
import sslj.nn.optim.AdamW;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Compose;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.RandomCrop;
import sslj.ssl.data.SobelEdges;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * A CLIP-style two-tower model (Radford et al. 2021, "Learning Transferable Visual Models From Natural
 * Language Supervision", Fig. 3): two encoders map the two modalities of the same sample into one
 * embedding space, and the symmetric InfoNCE loss over the batch's N×N similarity matrix pulls each pair
 * together and pushes the N − 1 mismatched ones apart:
 * <pre>
 *   I = normalise(W_i·f_image(image)),  E = normalise(W_e·f_edge(edge map))        [N, D]
 *   logits = s · I Eᵀ,  s = exp(min(t, log 100)), t learnable, t₀ = log(1/0.07)
 *   loss = ½ (CE(logits, diag) + CE(logitsᵀ, diag))                                  ({@link InfoNceLoss#clip})
 * </pre>
 * The second modality. There is no text here, so the paired example uses the image's EDGE MAP (Sobel
 * magnitude, {@link SobelEdges}) as the other view of the same sample: it is computed from the image,
 * differs from it in kind (a one-channel contour drawing), and gives a real retrieval task — find, among
 * a batch of edge maps, the one drawn from this image. A class-description text embedding would pair
 * all images of a class with one "caption", which makes in-batch negatives of the same class false
 * negatives; the edge map is per-sample, as CLIP's captions are. The image tower is the ResNet from the
 * options with a linear projection; the edge tower a small CNN (three 3×3 conv-BN-ReLU stages, the last
 * two with stride 2, global average pooling, linear projection).
 *
 * <p>Views: the image with a light random crop (padding 2, CLIP uses random square crops only) and the
 * edge map of the un-augmented image. Optimiser (CLIP §2.5 and Table 20): AdamW, β = (0.9, 0.98),
 * ε = 1e-6, decoupled weight decay 0.2 on weights but not on gains, biases or the logit scale; the
 * main's lr default is 5e-4 (CLIP's ResNet value) with warmup + cosine.
 */
public final class Clip implements SslMethod {
    /** CLIP's initial temperature: the logit scale starts at 1/0.07. */
    public static final float INITIAL_TAU = 0.07f;

    /** Both towers and the logit scale: the module the optimiser trains. */
    public static final class Towers extends Module {
        final EncoderHead image;
        final Module edge;
        final InfoNceLoss loss;

        Towers(EncoderHead image, Module edge, InfoNceLoss loss) {
            this.image = registerModule("image", image);
            this.edge = registerModule("edge", edge);
            this.loss = registerModule("loss", loss);
        }

        @Override public Variable forward(Variable x) { return image.forward(x); }
    }

    private final Towers towers;
    private final Device device;

    /**
     * @param imageEncoder backbone of the image tower, [N, C, H, W] → [N, featureDim]
     * @param embedDim     D, the shared embedding size
     * @param edgeWidth    channels of the edge tower's first conv stage
     */
    public Clip(Module imageEncoder, int featureDim, int embedDim, int edgeWidth, Device device, Generator gen) {
        if (embedDim < 1 || edgeWidth < 1) throw new IllegalArgumentException("Clip: embedDim and edgeWidth must be >= 1, got " + embedDim + ", " + edgeWidth);
        this.device = device;
        EncoderHead image = new EncoderHead(imageEncoder, new Linear(featureDim, embedDim, gen));
        this.towers = new Towers(image, edgeTower(edgeWidth, embedDim, gen), InfoNceLoss.clip(INITIAL_TAU));
        towers.to(device);
    }

    /** The edge tower: 1-channel edge map [N, 1, H, W] → [N, embedDim]. */
    static Module edgeTower(int w, int embedDim, Generator gen) {
        return new Sequential(
                new Conv2d(1, w, 3, 1, 1, 1, false, gen), new BatchNorm2d(w), new ReLU(),
                new Conv2d(w, 2 * w, 3, 2, 1, 1, false, gen), new BatchNorm2d(2 * w), new ReLU(),
                new Conv2d(2 * w, 4 * w, 3, 2, 1, 1, false, gen), new BatchNorm2d(4 * w), new ReLU(),
                new GlobalAvgPool(), new Linear(4 * w, embedDim, gen));
    }

    @Override public String name() { return "CLIP"; }

    @Override public Module trainable() { return towers; }

    /** The image tower's backbone (what the kNN monitor and linear probe evaluate). */
    @Override public Module encoder() { return towers.image.encoder(); }

    public Module imageTower() { return towers.image; }

    public Module edgeTower() { return towers.edge; }

    public InfoNceLoss contrastiveLoss() { return towers.loss; }

    /** View 0: the image (random crop, padding 2, standardised); view 1: its edge map. */
    @Override
    public MultiView augmentation(Options o, int side, int channels) { return views(o, side, true); }

    /** The two views; {@code augment} false gives the held-out pairs (no crop). */
    public static MultiView views(Options o, int side, boolean augment) {
        return MultiView.of(augment ? Compose.of(new RandomCrop(side, 2), TrainData.normalize(o)) : TrainData.normalize(o), new SobelEdges());
    }

    @Override
    public Optimizer optimizer(Options o) {
        return new AdamW(ParamGroup.decayAndNoDecay(towers), o.lr, 0.9, 0.98, 1e-6, o.weightDecay);
    }

    @Override
    public Variable loss(Batch b, Device dev, long step) {
        Variable zi = towers.image.forward(Variable.constant(b.view(0).to(device)));
        Variable ze = towers.edge.forward(Variable.constant(b.view(1).to(device)));
        return towers.loss.forward(zi, ze);
    }

    /**
     * Image → edge-map retrieval: for each image of a held-out batch, is its own edge map the most
     * similar (cosine) among the batch's edge maps? Top-1 accuracy, in eval mode, without a graph.
     * Chance is 1/N.
     */
    @SuppressWarnings("try")
    public double retrievalTop1(Tensor images, Tensor edges) {
        boolean wasTraining = towers.isTraining();
        towers.eval();
        try (NoGrad g = NoGrad.enter()) {
            Tensor zi = towers.image.forward(Variable.constant(images.to(device))).data().l2Normalize(1);
            Tensor ze = towers.edge.forward(Variable.constant(edges.to(device))).data().l2Normalize(1);
            float[] best = zi.matmul(ze.t()).argmax(1, false).toFloatArray();
            int hits = 0;
            for (int i = 0; i < best.length; i++) if ((int) best[i] == i) hits++;
            return (double) hits / best.length;
        } finally {
            towers.train(wasTraining);
        }
    }
}
