package sslj.ssl.method;

import java.util.LinkedHashMap;
import java.util.Map;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.contrastive.MemoryBank;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.ssl.data.Batch;
import sslj.ssl.data.ColorJitter;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.Compose;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.RandomGrayscale;
import sslj.ssl.data.RandomResizedCrop;
import sslj.ssl.data.Transform;
import sslj.ssl.train.Features;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * InstDisc (Wu, Xiong, Yu and Lin 2018, "Unsupervised Feature Learning via Non-Parametric Instance
 * Discrimination"): every image is its own class. Features v = normalise(W·f(x)) of dimension 128 are
 * compared with a memory bank holding one feature per training image; the loss is NCE over K sampled
 * negatives (paper §3.2) plus the proximal regulariser (§3.4):
 * <pre>
 *   s_j = v·v_j / τ                        v_j the bank row of image j (from earlier steps)
 *   P(i|v) = exp(s_i) / Z                  eq. 2 with Z ≈ n · mean_j exp(s_j), estimated ONCE from the
 *                                          first batch by Monte Carlo and then kept fixed (eq. 6-7);
 *                                          with zMomentum m &lt; 1, Z ← m·Z + (1 − m)·Ẑ_batch every step
 *   h(i, v) = P(i|v) / (P(i|v) + K·P_n)    P_n = 1/n, the uniform noise distribution (eq. 5)
 *   J = −log h(i, v_i^(t−1)) − Σ_{k=1..K} log(1 − h(j_k, v))  +  λ‖v_i^(t) − v_i^(t−1)‖²   (eq. 8, 9)
 * </pre>
 * averaged over the batch. After the optimiser step the bank rows of the batch's images are refreshed,
 * v_i ← normalise(m·v_i + (1 − m)·v), m = 0.5 ({@link MemoryBank}).
 *
 * <p>Defaults (paper §4 and lemniscate.pytorch): 128-d features, K = 4096, τ = 0.07, bank momentum 0.5,
 * SGD lr 0.03 momentum 0.9 weight decay 1e-4, one augmented view per image (crop 0.2–1, colour jitter
 * 0.4, greyscale 0.2, flip). λ: the paper compares λ ∈ {0, 10, 30, 50}; we default to 50.
 *
 * <p>Simplification: the K negatives are drawn once per step and shared by the B images of the batch
 * (the reference code draws B × K). Each image still sees K independent uniform draws, so the expected
 * loss is unchanged; the scores become one [B, D]·[D, K] matrix product instead of a [B, K, D] gather
 * (512 MB at B = 256). The draws are a function of (seed, step), so a resumed run draws the same ones.
 */
public final class InstDisc implements SslMethod {
    /** The method's settings; {@link #defaults()} are the paper's. */
    public record Config(int dim, int negatives, float temperature, float bankMomentum, float lambda, long seed, float zMomentum) {
        /** The paper's settings, Z fixed after the first step (zMomentum 1). */
        public static Config defaults() { return new Config(128, 4096, 0.07f, 0.5f, 50f, 42, 1f); }
    }

    private final EncoderHead net;
    private final MemoryBank bank;
    private final Config cfg;
    private final Device device;
    private double logZ = Double.NaN;   // log of the NCE normalisation constant, set at the first step
    private Tensor lastIdx, lastFeatures;

    /**
     * @param encoder     backbone giving [N, featureDim] features
     * @param datasetSize n, the number of training images (the bank's rows)
     */
    public InstDisc(Module encoder, int featureDim, int datasetSize, Config cfg, Device device, Generator gen) {
        if (cfg.negatives() < 1) throw new IllegalArgumentException("InstDisc: need at least one negative, got " + cfg.negatives());
        if (!(cfg.temperature() > 0)) throw new IllegalArgumentException("InstDisc: temperature must be > 0, got " + cfg.temperature());
        if (!(cfg.lambda() >= 0)) throw new IllegalArgumentException("InstDisc: λ must be >= 0, got " + cfg.lambda());
        if (datasetSize < 2) throw new IllegalArgumentException("InstDisc: the memory bank needs at least 2 images, got " + datasetSize);
        this.cfg = cfg;
        this.device = device;
        this.net = new EncoderHead(encoder, new Linear(featureDim, cfg.dim(), gen));
        net.to(device);
        this.bank = new MemoryBank(datasetSize, cfg.dim(), cfg.bankMomentum(), device, gen);
    }

    @Override public String name() { return "InstDisc"; }

    @Override public Module trainable() { return net; }

    @Override public Module encoder() { return net.encoder(); }

    public MemoryBank bank() { return bank; }

    /**
     * Fills every bank row with the current network's feature of its image (un-augmented, eval mode,
     * L2-normalised): {@code --bank-init features}. With the paper's random rows, Z is estimated at step 1
     * against a well-spread random bank that the network's far more similar features then replace, and
     * with Z fixed the NCE terms of the negatives grow until training diverges (bench/RESULTS.md); started
     * from the network's own features, the first Z is estimated against what the bank will hold.
     */
    public void initBankFromFeatures(Dataset images, Transform transform, int workers) {
        if (images.size() != bank.size()) {
            throw new IllegalArgumentException("InstDisc.initBankFromFeatures: " + images.size() + " images for a bank of " + bank.size() + " rows");
        }
        boolean training = net.isTraining();
        net.eval();
        try {
            Tensor f = Features.extract(net, images, transform, device, 256, workers).features().to(device);
            bank.load(Map.of("bank", f.l2Normalize(1)));
        } finally {
            net.train(training);
        }
    }

    /** log Z, NaN before the first step. */
    public double logZ() { return logZ; }

    /** One view: lemniscate.pytorch's ImageNet pipeline, then standardisation. */
    @Override
    public MultiView augmentation(Options o, int side, int channels) {
        Transform t = channels == 3
                ? Compose.of(new RandomResizedCrop(side, o.cropMin(0.2), 1.0), new ColorJitter(0.4, 0.4, 0.4, 0.4, 1.0), new RandomGrayscale(0.2),
                        new HorizontalFlip(0.5), TrainData.normalize(o))
                : Compose.of(new RandomResizedCrop(side, o.cropMin(0.2), 1.0), new ColorJitter(0.4, 0.4, 0.4, 0.4, 1.0),
                        new HorizontalFlip(0.5), TrainData.normalize(o));
        return MultiView.of(t, 1);
    }

    /** SGD with momentum, no weight decay on biases and norm parameters. */
    @Override
    public Optimizer optimizer(Options o) { return new SGD(ParamGroup.decayAndNoDecay(net), o.lr, o.momentum, o.weightDecay); }

    @Override
    public Variable loss(Batch b, Device dev, long step) {
        Tensor idx = indexTensor(b.indices()).to(device);
        Variable v = net.forward(Variable.constant(b.images().to(device))).l2Normalize(1);          // [B, D]
        Tensor previous = bank.gather(idx);                                                        // v_i^(t−1)
        Tensor negIdx = bank.sampleNegatives(1, cfg.negatives(), new Generator(cfg.seed() * 0x9E3779B97F4A7C15L + step)).reshape(cfg.negatives());
        Tensor negatives = bank.gather(negIdx);                                                    // [K, D]
        float invTau = 1f / cfg.temperature();
        Variable sPos = v.mul(Variable.constant(previous)).sum(new int[] {1}, true).mul(invTau);   // [B, 1]
        Variable sNeg = v.matmul(Variable.constant(negatives.t())).mul(invTau);                    // [B, K]
        if (Double.isNaN(logZ) || cfg.zMomentum() < 1) {
            // eq. 7: Z ≈ n · E_j[exp(s_j)], the mean over this batch's positive and negative scores. The paper
            // keeps the first batch's estimate; with a fixed Z taken from the random initial bank, training on
            // 10k Fashion-MNIST images diverged (bench/RESULTS.md), hence the optional running average.
            double batchZ = bank.size() * Tensor.cat(1, sPos.data(), sNeg.data()).exp().mean().item();
            double z = Double.isNaN(logZ) ? batchZ : cfg.zMomentum() * Math.exp(logZ) + (1 - cfg.zMomentum()) * batchZ;
            logZ = (float) Math.log(z);   // float: what a checkpoint stores
        }
        Variable loss = nceLoss(sPos, sNeg, logZ, bank.size());
        if (cfg.lambda() > 0) {
            Variable moved = v.sub(Variable.constant(previous)).square().sum(new int[] {1}, false).mean();
            loss = loss.add(moved.mul(cfg.lambda()));
        }
        lastIdx = idx;
        lastFeatures = v.data();
        return loss;
    }

    /** The bank rows of this batch's images move towards their new features (paper §3.1, m = 0.5). */
    @Override
    public void afterStep(long step, long totalSteps) {
        if (lastIdx == null) return;
        bank.update(lastIdx, lastFeatures);
        lastIdx = null;
        lastFeatures = null;
    }

    /**
     * The NCE loss of eq. 8 from the scores: sPos [B, 1] = v·v_i/τ, sNeg [B, K] = v·v_j/τ, with P = exp(s)/Z
     * and K·P_n = K/n. With a = s − log Z − log(K/n) = log(P / (K·P_n)):
     * −log h = softplus(−a), −log(1 − h) = softplus(a), so no probability is ever formed (no overflow,
     * no log of 0). Returns the batch mean of softplus(−a_pos) + Σ_k softplus(a_neg,k).
     */
    public static Variable nceLoss(Variable sPos, Variable sNeg, double logZ, int n) {
        int k = sNeg.size(1);
        float shift = (float) (logZ + Math.log((double) k / n));
        Variable aPos = sPos.sub(shift), aNeg = sNeg.sub(shift);
        Variable perImage = softplus(aPos.neg()).sum(new int[] {1}, false).add(softplus(aNeg).sum(new int[] {1}, false));
        return perImage.mean();
    }

    /** softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|), stable for any x. */
    static Variable softplus(Variable x) { return x.relu().add(x.abs().neg().exp().add(1f).log()); }

    /** Dataset indices as the [B] float tensor the bank ops take (exact up to 2^24). */
    static Tensor indexTensor(int[] indices) {
        float[] f = new float[indices.length];
        for (int i = 0; i < f.length; i++) f[i] = indices[i];
        return Tensor.of(f, f.length);
    }

    /** The bank rows and log Z. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>(bank.state());
        s.put("log_z", Tensor.scalar((float) logZ));
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        bank.load(state);
        Tensor z = state.get("log_z");
        if (z == null) throw new IllegalArgumentException("InstDisc.loadState: state needs 'log_z', got " + state.keySet());
        logZ = z.item();
    }
}
