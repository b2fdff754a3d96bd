package sslj.ssl.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import sslj.nn.optim.WarmupCosine;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * Multinomial logistic regression (softmax regression) with an L2 penalty: the linear classifier of
 * the linear-evaluation protocol (Zhang et al. 2016; MoCo, SimCLR section B.6: a linear layer on the
 * frozen encoder's features, trained with SGD + momentum and a cosine schedule).
 * <pre>
 *   z = x·W + b                               x [B, D], W [D, C], b [C]
 *   L = −(1/B) Σ_i log softmax(z_i)[y_i] + (λ/2)·‖W‖²         (no penalty on b)
 *   ∂L/∂z = (softmax(z) − onehot(y)) / B,   ∂L/∂W = xᵀ·∂L/∂z + λ·W,   ∂L/∂b = Σ_i ∂L/∂z_i
 * </pre>
 * The problem is convex, so W and b start at zero and the gradient is written out by hand (no graph):
 * the whole fit is a few matmuls per step, on any device.
 */
public final class SoftmaxRegression {
    private final int dim, classes;
    private final double l2;
    private final Device device;
    private final Tensor w, b;

    /** How to fit: epochs over the data, batch size, base lr (cosine-decayed per step to 0), momentum, shuffling seed. */
    public record Fit(int epochs, int batchSize, double lr, double momentum, long seed) {
        public Fit {
            if (epochs < 1 || batchSize < 1) throw new IllegalArgumentException("softmax regression: epochs and batch size must be >= 1, got " + epochs + ", " + batchSize);
            if (!(lr > 0) || momentum < 0 || momentum >= 1) throw new IllegalArgumentException("softmax regression: lr must be > 0 and momentum in [0, 1), got " + lr + ", " + momentum);
        }
    }

    /** The loss of one batch and its gradients (with the L2 term). */
    public record LossAndGradient(double loss, Tensor gradW, Tensor gradB) { }

    public SoftmaxRegression(int dim, int classes, double l2, Device device) {
        if (dim < 1 || classes < 2) throw new IllegalArgumentException("softmax regression: needs dim >= 1 and >= 2 classes, got " + dim + ", " + classes);
        if (!(l2 >= 0)) throw new IllegalArgumentException("softmax regression: L2 weight must be >= 0, got " + l2);
        this.dim = dim;
        this.classes = classes;
        this.l2 = l2;
        this.device = device;
        this.w = Tensor.zeros(device, dim, classes);
        this.b = Tensor.zeros(device, classes);
    }

    public Tensor weight() { return w; }

    public Tensor bias() { return b; }

    /** Sets W [D, C] and b [C] (tests start from non-zero values). */
    public void set(Tensor weight, Tensor bias) {
        w.copy_(weight.to(device));
        b.copy_(bias.to(device));
    }

    /** Class scores z = x·W + b, [B, C]. */
    public Tensor logits(Tensor x) { return x.to(device).matmul(w).add(b); }

    /** The loss on ({@code x}, {@code labels}) and its gradient, as in the class comment. */
    public LossAndGradient lossAndGradient(Tensor x, int[] labels) {
        int n = x.size(0);
        if (labels.length != n) throw new IllegalArgumentException("softmax regression: " + labels.length + " labels for " + n + " rows");
        Tensor xd = x.to(device);
        Tensor logp = xd.matmul(w).add(b).logSoftmax(1);
        Tensor onehot = oneHot(labels, classes).to(device);
        double nll = -onehot.mul(logp).sum().item() / n;
        double penalty = l2 == 0 ? 0 : 0.5 * l2 * w.square().sum().item();
        Tensor dz = logp.exp().sub(onehot).div(n);
        Tensor gw = xd.t().matmul(dz);
        if (l2 != 0) gw = gw.add(w.mul((float) l2));
        return new LossAndGradient(nll + penalty, gw, dz.sum(0));
    }

    /**
     * Mini-batch SGD with momentum (PyTorch's rule: v ← μ·v + g, θ ← θ − η·v) over shuffled rows,
     * learning rate cosine-decayed per step from {@code fit.lr()} to 0. Returns each epoch's mean loss.
     */
    @SuppressWarnings("try")
    public List<Double> fit(Features train, Fit fit) {
        if (train.dim() != dim) throw new IllegalArgumentException("softmax regression: built for " + dim + " features, data has " + train.dim());
        for (int y : train.labels()) {
            if (y < 0 || y >= classes) throw new IllegalArgumentException("softmax regression: label " + y + " outside [0, " + classes + ")");
        }
        int n = train.size(), bs = Math.min(fit.batchSize(), n), perEpoch = (n + bs - 1) / bs;
        WarmupCosine schedule = new WarmupCosine(fit.lr(), 0, (long) fit.epochs() * perEpoch);
        Tensor vw = Tensor.zeros(device, dim, classes), vb = Tensor.zeros(device, classes);
        Tensor x = train.x().to(device);
        Random rng = new Random(fit.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        List<Double> losses = new ArrayList<>();
        long step = 0;
        for (int epoch = 0; epoch < fit.epochs(); epoch++) {
            for (int i = n - 1; i > 0; i--) {                 // Fisher–Yates
                int j = rng.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double sum = 0;
            for (int start = 0; start < n; start += bs) {
                int rows = Math.min(bs, n - start);
                float[] idx = new float[rows];
                int[] y = new int[rows];
                for (int r = 0; r < rows; r++) {
                    idx[r] = order[start + r];
                    y[r] = train.labels()[order[start + r]];
                }
                float lr = (float) schedule.at(step++);
                try (TensorScope scope = TensorScope.open()) {
                    LossAndGradient g = lossAndGradient(x.indexSelect(0, Tensor.of(idx).to(device)), y);
                    vw.copy_(vw.mul((float) fit.momentum()).add(g.gradW()));
                    vb.copy_(vb.mul((float) fit.momentum()).add(g.gradB()));
                    w.copy_(w.sub(vw.mul(lr)));
                    b.copy_(b.sub(vb.mul(lr)));
                    sum += g.loss() * rows;
                }
            }
            losses.add(sum / n);
        }
        return losses;
    }

    /** The predicted class of each row. */
    @SuppressWarnings("try")
    public int[] predict(Tensor x) {
        int n = x.size(0);
        int[] out = new int[n];
        for (int start = 0; start < n; start += 4096) {
            int rows = Math.min(4096, n - start);
            try (TensorScope scope = TensorScope.open()) {
                float[] p = logits(x.narrow(0, start, rows)).argmax(1, false).toFloatArray();
                for (int r = 0; r < rows; r++) out[start + r] = (int) p[r];
            }
        }
        return out;
    }

    /** Top-1 accuracy on {@code data}. */
    public double accuracy(Features data) {
        int[] p = predict(data.x());
        long correct = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == data.labels()[i]) correct++;
        return (double) correct / p.length;
    }

    /** [N, C] rows with a 1 at each label. */
    static Tensor oneHot(int[] labels, int classes) {
        float[] h = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + classes + ")");
            h[i * classes + labels[i]] = 1f;
        }
        return Tensor.of(h, labels.length, classes);
    }
}
