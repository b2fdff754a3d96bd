package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.GradCheck;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.optim.Optimizer;
import sslj.nn.ResNet;
import sslj.ssl.InstDiscMain;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class InstDiscTest {

    /** Paper eq. 8 in plain doubles: P = exp(s)/Z, h = P/(P + K/n), J = −mean[log h_pos + Σ log(1 − h_neg)]. */
    static double nceReference(float[] sPos, float[] sNeg, int b, int k, double logZ, int n) {
        double z = Math.exp(logZ), noise = (double) k / n, total = 0;
        for (int i = 0; i < b; i++) {
            double p = Math.exp(sPos[i]) / z;
            total += Math.log(p / (p + noise));
            for (int j = 0; j < k; j++) {
                double q = Math.exp(sNeg[i * k + j]) / z;
                total += Math.log(1 - q / (q + noise));
            }
        }
        return -total / b;
    }

    @Test
    void nceLossMatchesDoubleReference() {
        int b = 5, k = 7, n = 1000;
        Tensor sPos = Tensor.uniform(new Generator(1), -14f, 14f, b, 1), sNeg = Tensor.uniform(new Generator(2), -14f, 14f, b, k);
        for (double logZ : new double[] {Math.log(n) + 3.0, 2.5, 15.0}) {
            double ref = nceReference(sPos.toFloatArray(), sNeg.toFloatArray(), b, k, logZ, n);
            float got = InstDisc.nceLoss(Variable.constant(sPos), Variable.constant(sNeg), logZ, n).item();
            assertEquals(ref, got, 1e-5 * Math.max(1, Math.abs(ref)), "logZ " + logZ);
        }
    }

    @Test
    void nceLossGradcheck() {
        GradCheck.check(x -> InstDisc.nceLoss(x[0], x[1], 4.0, 50),
                Tensor.uniform(new Generator(3), -3f, 3f, 3, 1), Tensor.uniform(new Generator(4), -3f, 3f, 3, 4));
    }

    private static InstDisc tiny(int n, float lambda) {
        Generator gen = new Generator(7);
        return new InstDisc(TinyMainRuns.encoder(gen), TinyMainRuns.FEATURES, n, new InstDisc.Config(6, 10, 0.07f, 0.5f, lambda, 11, 1f), Device.CPU, gen);
    }

    /** What the trainer does per step, without the loader. */
    @SuppressWarnings("try")
    private static double step(InstDisc m, Optimizer opt, Batch b, long step) {
        Variable loss = m.loss(b, Device.CPU, step);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        try (NoGrad g = NoGrad.enter()) {
            m.afterStep(step, 10);
        }
        return loss.item();
    }

    @Test
    void aStepUpdatesOnlyTheBatchRowsOfTheBankAndKeepsThemUnitNorm() {
        int n = 16;
        InstDisc m = tiny(n, 2f);
        Optimizer opt = m.optimizer(InstDiscMain.defaults().parse());
        float[] before = m.bank().bank().toFloatArray();
        float[] w0 = m.trainable().parameters().get(0).data().toFloatArray();
        int[] idx = {1, 5, 7, 9};
        double l = step(m, opt, TinyMainRuns.batch(1, idx), 0);
        assertTrue(Double.isFinite(l) && l > 0, "loss " + l);
        assertTrue(Double.isFinite(m.logZ()), "log Z estimated at the first step");
        assertFalse(Arrays.equals(w0, m.trainable().parameters().get(0).data().toFloatArray()), "parameters move");
        float[] after = m.bank().bank().toFloatArray();
        int d = m.bank().dim();
        for (int r = 0; r < n; r++) {
            float[] a = Arrays.copyOfRange(before, r * d, (r + 1) * d), c = Arrays.copyOfRange(after, r * d, (r + 1) * d);
            final int row = r;
            boolean inBatch = Arrays.stream(idx).anyMatch(i -> i == row);
            if (inBatch) {
                assertFalse(Arrays.equals(a, c), "row " + r + " of the batch changes");
                double norm = 0;
                for (float x : c) norm += x * x;
                assertEquals(1.0, Math.sqrt(norm), 1e-5, "row " + r + " is unit-norm");
            } else {
                assertArrayEquals(a, c, "row " + r + " outside the batch is untouched");
            }
        }
        // more steps: every written row stays on the unit sphere, log Z stays fixed
        double logZ = m.logZ();
        step(m, opt, TinyMainRuns.batch(2, 0, 5, 15, 3), 1);
        step(m, opt, TinyMainRuns.batch(3, 2, 4, 6, 8), 2);
        assertEquals(logZ, m.logZ());
        float[] bank = m.bank().bank().toFloatArray();
        for (int r : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15}) {
            double norm = 0;
            for (int j = 0; j < d; j++) norm += bank[r * d + j] * bank[r * d + j];
            assertEquals(1.0, Math.sqrt(norm), 1e-5, "row " + r);
        }
    }

    /** zMomentum m &lt; 1: Z ← m·Z + (1 − m)·Ẑ_batch each step; m = 0 is the latest batch's estimate alone. */
    @Test
    void aRunningAverageZFollowsTheBatchEstimate() {
        for (float zm : new float[] {0f, 0.9f}) {
            Generator gen = new Generator(7);
            InstDisc m = new InstDisc(TinyMainRuns.encoder(gen), TinyMainRuns.FEATURES, 16, new InstDisc.Config(6, 10, 0.07f, 0.5f, 0f, 11, zm), Device.CPU, gen);
            Optimizer opt = m.optimizer(InstDiscMain.defaults().parse("--lr", "0.05"));
            step(m, opt, TinyMainRuns.batch(1, 1, 4, 6, 10), 0);
            double z0 = Math.exp(m.logZ());
            // the next batch's estimate, from the same scores the loss sees: n · mean exp(s) over positives and negatives
            Batch b = TinyMainRuns.batch(2, 0, 5, 15, 3);
            double batchZ;
            try (NoGrad g = NoGrad.enter()) {
                Variable v = m.trainable().forward(Variable.constant(b.images())).l2Normalize(1);   // no BN in the tiny encoder: no side effect
                Tensor idx = InstDisc.indexTensor(b.indices());
                Tensor pos = v.data().mul(m.bank().gather(idx)).sum(new int[] {1}, true).mul(1f / 0.07f);
                Tensor negIdx = m.bank().sampleNegatives(1, 10, new Generator(11 * 0x9E3779B97F4A7C15L + 1)).reshape(10);
                Tensor neg = v.data().matmul(m.bank().gather(negIdx).t()).mul(1f / 0.07f);
                batchZ = 16 * Tensor.cat(1, pos, neg).exp().mean().item();
            }
            step(m, opt, b, 1);
            assertEquals(Math.log(zm * z0 + (1 - zm) * batchZ), m.logZ(), 1e-4, "zMomentum " + zm);
        }
        assertEquals("1.0", InstDiscMain.defaults().parse().option("z-momentum"), "the paper's fixed Z by default");
        assertThrows(Options.OptionsException.class, () -> InstDiscMain.defaults().parse("--z-momentum", "1.5"));
    }

    @Test
    void anSgdStepLowersTheLossOnTheSameBatchAndNegatives() {
        for (float lambda : new float[] {0f, 50f}) {
            InstDisc m = tiny(16, lambda);
            Optimizer opt = m.optimizer(InstDiscMain.defaults().parse("--lr", "0.01"));
            Batch b = TinyMainRuns.batch(9, 1, 4, 6, 10);
            Variable before = m.loss(b, Device.CPU, 3);
            opt.zeroGrad();
            before.backward();
            opt.step();
            float after = m.loss(b, Device.CPU, 3).item();    // same step: same negatives; bank not updated
            assertTrue(after < before.item(), "λ " + lambda + ": " + before.item() + " -> " + after);
        }
    }

    @Test
    void lossIsNcePlusProximalTerm() {
        // the same batch through two methods that differ only in λ: the difference is λ·mean‖v − v_prev‖²
        InstDisc a = tiny(16, 0f), b = tiny(16, 3f);
        Batch batch = TinyMainRuns.batch(5, 2, 3, 4);
        float la = a.loss(batch, Device.CPU, 0).item(), lb = b.loss(batch, Device.CPU, 0).item();
        Tensor prev = b.bank().gather(Tensor.of(2f, 3f, 4f));
        Tensor v = b.trainable().forward(Variable.constant(batch.images())).data().l2Normalize(1);
        float[] pv = prev.toFloatArray(), vv = v.toFloatArray();
        double moved = 0;
        for (int i = 0; i < pv.length; i++) moved += (vv[i] - pv[i]) * (double) (vv[i] - pv[i]);
        assertEquals(3.0 * moved / 3, lb - la, 1e-4);
    }

    @Test
    void stateRoundTripsBankAndLogZ() {
        InstDisc a = tiny(16, 1f), b = tiny(16, 1f);
        step(a, a.optimizer(InstDiscMain.defaults().parse()), TinyMainRuns.batch(1, 1, 2), 0);
        b.loadState(a.state());
        assertEquals(a.logZ(), b.logZ());
        assertArrayEquals(a.bank().bank().toFloatArray(), b.bank().bank().toFloatArray());
    }

    @Test
    void badOptionsAreRefused(@TempDir Path out) {
        assertThrows(Options.OptionsException.class, () -> InstDiscMain.defaults().parse("--proximal", "-1"));
        assertThrows(Options.OptionsException.class, () -> InstDiscMain.defaults().parse("--bank-momentum", "1"));
        Options o = InstDiscMain.defaults().parse("--batch-size", "1", "--out", out.toString());
        assertThrows(IllegalArgumentException.class, () -> InstDiscMain.run(o, TinyMainRuns.dataset(8, 1), List.of(), 1));
        assertTrue(InstDiscMain.defaults().usage().contains("--proximal X"));
    }

    /** The standard epoch monitors (kNN, collapse) on a one-view method: the collapse monitor draws the one pipeline twice. */
    @Test
    void mainRunsWithTheStandardMonitors(@TempDir Path out) throws Exception {
        Options o = InstDiscMain.defaults().parse(TinyMainRuns.fast(out, "--queue-size", "16"));
        ArrayDataset train = TinyMainRuns.dataset(24, 3), test = TinyMainRuns.dataset(12, 4);
        Generator gen = new Generator(1);
        ResNet encoder = sslj.ssl.train.Encoders.build(o, 1, gen);
        InstDisc method = new InstDisc(encoder, encoder.featureDim(), train.size(), InstDisc.Config.defaults(), sslj.tensor.Device.CPU, gen);
        List<sslj.ssl.train.EpochMonitor> monitors = sslj.ssl.train.Monitors.standard(o, method, train, test);
        List<SslTrainer.EpochResult> r = SslTrainer.run(o, method, train, monitors, 1);
        Map<String, Double> m = r.get(0).metrics();
        assertTrue(m.containsKey("knn_acc") && m.containsKey("align") && Double.isFinite(m.get("align")), m.toString());
    }

    /** --bank-init features: every row becomes the normalised eval-mode feature of its own image. */
    @Test
    void theBankCanStartFromTheNetworksFeatures() {
        ArrayDataset images = eightByEight(12, 5);
        InstDisc m = tiny(12, 0f);
        sslj.ssl.data.Transform t = sslj.ssl.train.TrainData.normalize(InstDiscMain.defaults().parse());
        m.initBankFromFeatures(images, t, 0);
        Tensor want = sslj.ssl.train.Features.extract(m.trainable(), images, t, Device.CPU, 5, 0).features().l2Normalize(1);
        sslj.testing.Close.assertClose("bank rows = the images' normalised features", sslj.testing.Close.toDouble(want.toFloatArray()),
                m.bank().bank().toFloatArray(), 1e-6, 1e-5);
        assertTrue(m.trainable().isTraining(), "the network is back in training mode");
        assertThrows(IllegalArgumentException.class, () -> m.initBankFromFeatures(eightByEight(11, 5), t, 0));
    }

    /** n random 8×8 images, what the tiny encoder takes. */
    private static ArrayDataset eightByEight(int n, long seed) {
        byte[] px = new byte[n * 64];
        new java.util.Random(seed).nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return new ArrayDataset(px, labels, 1, 8, 8, 10, "tiny 8x8 " + n);
    }

    @Test
    void mainWithBankInitFeaturesTrains(@TempDir Path out) throws Exception {
        Options o = InstDiscMain.defaults().parse(TinyMainRuns.fast(out, "--queue-size", "16", "--bank-init", "features"));
        List<SslTrainer.EpochResult> r = InstDiscMain.run(o, TinyMainRuns.dataset(24, 2), List.of(), 1);
        assertTrue(Double.isFinite(r.get(0).loss()));
        assertTrue(java.nio.file.Files.readString(out.resolve("options.txt")).contains("--bank-init features"));
        assertThrows(Options.OptionsException.class, () -> InstDiscMain.defaults().parse("--bank-init", "zeros"));
    }

    @Test
    void mainTrainsAnEpochAndSavesTheBank(@TempDir Path out) throws Exception {
        Options o = InstDiscMain.defaults().parse(TinyMainRuns.fast(out, "--queue-size", "16"));
        List<SslTrainer.EpochResult> r = InstDiscMain.run(o, TinyMainRuns.dataset(24, 2), List.of(), 1);
        assertEquals(1, r.size());
        assertTrue(Double.isFinite(r.get(0).loss()));
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("checkpoint").resolve("method.safetensors")));
        assertTrue(java.nio.file.Files.readString(out.resolve("options.txt")).contains("--proximal 50.0"));
    }
}
