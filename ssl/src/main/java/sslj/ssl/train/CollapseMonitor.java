package sslj.ssl.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.MultiView;
import sslj.ssl.method.SslMethod;
import sslj.tensor.Device;
import sslj.tensor.TensorScope;

/**
 * Is the representation collapsing? Statistics of the encoder's L2-normalised features z on a fixed
 * sample of training images seen under two views (the same views every epoch):
 * <pre>
 *   std      = mean over dimensions d of std_i(z1_i[d])    1/√D for features spread over the sphere,
 *                                                          → 0 when every image maps to one point
 *                                                          (the SimSiam paper's collapse indicator)
 *   std_ref  = 1/√D
 *   align    = E_i ‖z1_i − z2_i‖²                           (Wang and Isola 2020, "Understanding Contrastive
 *   uniform  = log E_{i&lt;j} exp(−2‖z1_i − z1_j‖²)            Representation Learning through Alignment and
 *                                                          Uniformity on the Hypersphere", α = 2, t = 2)
 * </pre>
 * Low align is good (views agree) but 0 with uniform 0 is collapse; uniform goes down to about −4
 * (the limit for points spread evenly over a high-dimensional sphere). Computed in double precision
 * from the [n, D] features on the host (n is a few hundred). The std is the sample std (n − 1).
 */
public final class CollapseMonitor implements EpochMonitor {
    private final Dataset sample;
    private final MultiView views;
    private final Device device;
    private final long seed;
    private final int batchSize;

    /**
     * @param sample the fixed images (e.g. the first 512 training images)
     * @param views  at least two views per image: the method's augmentation
     */
    public CollapseMonitor(Dataset sample, MultiView views, Device device, long seed, int batchSize) {
        if (views.views() < 2) throw new IllegalArgumentException("CollapseMonitor: needs two views per image, got " + views.views());
        if (sample.size() < 2) throw new IllegalArgumentException("CollapseMonitor: needs at least 2 images, got " + sample.size());
        this.sample = sample;
        this.views = views;
        this.device = device;
        this.seed = seed;
        this.batchSize = batchSize;
    }

    @Override
    public Map<String, Double> evaluate(SslMethod method, int epoch) {
        float[][] z = features(method.encoder());
        int d = z[0].length / sample.size();
        return stats(z[0], z[1], sample.size(), d);
    }

    /** Features of view 0 and view 1 of the sample, row-major [n, D] each. */
    @SuppressWarnings("try")
    private float[][] features(Module encoder) {
        boolean wasTraining = encoder.isTraining();
        encoder.eval();
        List<float[]> v0 = new ArrayList<>(), v1 = new ArrayList<>();
        try (NoGrad g = NoGrad.enter();
             DataLoader loader = DataLoader.builder(sample).batchSize(batchSize).views(views).shuffle(false).dropLast(false).seed(seed).workers(0).build();
             DataLoader.Epoch it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                try (TensorScope scope = TensorScope.open()) {
                    v0.add(encoder.forward(Variable.constant(b.view(0).to(device))).data().toFloatArray());
                    v1.add(encoder.forward(Variable.constant(b.view(1).to(device))).data().toFloatArray());
                }
            }
        } finally {
            encoder.train(wasTraining);
        }
        return new float[][] {concat(v0), concat(v1)};
    }

    private static float[] concat(List<float[]> parts) {
        int total = 0;
        for (float[] p : parts) total += p.length;
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The statistics of two views' features [n, D] (row-major; normalised here): std, std_ref, align, uniform. */
    public static Map<String, Double> stats(float[] z1, float[] z2, int n, int d) {
        if (n < 2 || d < 1 || z1.length != n * d || z2.length != n * d) throw new IllegalArgumentException("CollapseMonitor.stats: need two [n >= 2, D] arrays of " + n + "×" + d);
        double[][] a = normalise(z1, n, d), b = normalise(z2, n, d);
        double stdSum = 0;
        for (int k = 0; k < d; k++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += a[i][k];
            mean /= n;
            for (int i = 0; i < n; i++) sq += (a[i][k] - mean) * (a[i][k] - mean);
            stdSum += Math.sqrt(sq / (n - 1));
        }
        double align = 0;
        for (int i = 0; i < n; i++) align += dist2(a[i], b[i]);
        // log-mean-exp over pairs i < j, with the largest exponent taken out
        double[] e = new double[n * (n - 1) / 2];
        int p = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                e[p] = -2 * dist2(a[i], a[j]);
                max = Math.max(max, e[p++]);
            }
        }
        double s = 0;
        for (double x : e) s += Math.exp(x - max);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("std", stdSum / d);
        out.put("std_ref", 1 / Math.sqrt(d));
        out.put("align", align / n);
        out.put("uniform", max + Math.log(s / e.length));
        return out;
    }

    private static double[][] normalise(float[] z, int n, int d) {
        double[][] r = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) norm += (double) z[i * d + k] * z[i * d + k];
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int k = 0; k < d; k++) r[i][k] = z[i * d + k] / norm;
        }
        return r;
    }

    private static double dist2(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) s += (x[k] - y[k]) * (x[k] - y[k]);
        return s;
    }
}
