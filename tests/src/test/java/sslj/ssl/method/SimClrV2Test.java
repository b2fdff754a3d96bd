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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.MLP;
import sslj.nn.optim.Optimizer;
import sslj.ssl.SimClrV2Main;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.data.LabelledSubset;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class SimClrV2Test {

    @Test
    void threeLayerHeadAndFineTuneFromItsFirstLayer() {
        Generator gen = new Generator(1);
        SimClrV2 v2 = new SimClrV2(TinyMainRuns.encoder(gen), TinyMainRuns.FEATURES, 0.5f, Device.CPU, gen);
        MLP head = v2.head();
        assertEquals(3, head.depth());
        Variable z = v2.trainable().forward(Variable.constant(Tensor.rand(new Generator(2), 4, 1, 8, 8)));
        assertArrayEquals(new int[] {4, SimClrV2.PROJECTION_DIM}, z.shape());

        EncoderHead pretrained = (EncoderHead) v2.trainable();
        SimClrV2FineTune ft = new SimClrV2FineTune(pretrained, 3, Device.CPU, gen);
        Set<String> names = ft.trainable().namedParameters().keySet();
        // encoder, the head's first Linear (no bias: BN follows) and BN, the classifier — and nothing of the deeper layers
        assertEquals(Set.of("encoder.1.weight", "encoder.1.bias", "head.0.weight", "head.1.weight", "head.1.bias", "fc.weight", "fc.bias"), names);
        assertEquals(TinyMainRuns.FEATURES, ((Linear) ft.trainable().children().get("fc")).inFeatures(), "the classifier reads the hidden layer");
        assertArrayEquals(new int[] {4, 3}, ft.trainable().forward(Variable.constant(Tensor.rand(new Generator(3), 4, 1, 8, 8))).shape());
        // shared, not copied: the kept layers are the pretrained ones
        assertTrue(pretrained.namedParameters().get("head.0.weight") == ft.trainable().namedParameters().get("head.0.weight"));

        // a fine-tuning step trains encoder, first layer and classifier; the dropped layers stay as they were
        Map<String, Variable> all = pretrained.namedParameters();
        float[] deep = all.get("head.3.weight").data().toFloatArray(), first = all.get("head.0.weight").data().toFloatArray(),
                enc = all.get("encoder.1.weight").data().toFloatArray();
        Optimizer opt = ft.optimizer(SimClrV2Main.parse("--stage", "finetune"));
        Variable loss = ft.loss(TinyMainRuns.batch(4, 0, 1, 2, 3, 4, 5), Device.CPU, 0);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        assertArrayEquals(deep, all.get("head.3.weight").data().toFloatArray());
        assertFalse(Arrays.equals(first, all.get("head.0.weight").data().toFloatArray()), "first head layer trained");
        assertFalse(Arrays.equals(enc, all.get("encoder.1.weight").data().toFloatArray()), "encoder trained");
    }

    @Test
    void pretrainStepIsNtXentOfTheProjections() {
        Generator gen = new Generator(5);
        SimClrV2 v2 = new SimClrV2(TinyMainRuns.encoder(gen), TinyMainRuns.FEATURES, 0.5f, Device.CPU, gen);
        float l = v2.loss(TinyMainRuns.views(6, 2, 0, 1, 2, 3), Device.CPU, 0).item();
        assertTrue(Float.isFinite(l) && l > 0);
    }

    /** Eq. 3 in doubles: mean over rows of −Σ_y softmax(t/τ)_y log softmax(s/τ)_y. */
    static double distillReference(float[] t, float[] s, int n, int c, double tau) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double mt = Double.NEGATIVE_INFINITY, ms = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                mt = Math.max(mt, t[i * c + j] / tau);
                ms = Math.max(ms, s[i * c + j] / tau);
            }
            double zt = 0, zs = 0;
            for (int j = 0; j < c; j++) {
                zt += Math.exp(t[i * c + j] / tau - mt);
                zs += Math.exp(s[i * c + j] / tau - ms);
            }
            for (int j = 0; j < c; j++) {
                double p = Math.exp(t[i * c + j] / tau - mt) / zt, logq = s[i * c + j] / tau - ms - Math.log(zs);
                total -= p * logq;
            }
        }
        return total / n;
    }

    @Test
    void distillationLossMatchesReferenceAndGradcheck() {
        Tensor t = Tensor.randn(new Generator(7), 5, 4).mul(3f), s = Tensor.randn(new Generator(8), 5, 4).mul(3f);
        for (float tau : new float[] {1f, 0.5f, 2f}) {
            double ref = distillReference(t.toFloatArray(), s.toFloatArray(), 5, 4, tau);
            assertEquals(ref, SimClrV2Distill.distillationLoss(Variable.constant(t), Variable.constant(s), tau).item(), 1e-5 * Math.max(1, ref));
        }
        GradCheck.check(x -> SimClrV2Distill.distillationLoss(x[0], x[1], 0.7f), Tensor.randn(new Generator(9), 3, 4), Tensor.randn(new Generator(10), 3, 4));
        // the student's gradient is (softmax(s/τ) − softmax(t/τ)) / (τ·N)
        Variable sv = Variable.param(s);
        SimClrV2Distill.distillationLoss(Variable.constant(t), sv, 2f).backward();
        float[] p = t.div(2f).softmax(1).toFloatArray(), q = s.div(2f).softmax(1).toFloatArray(), g = sv.grad().toFloatArray();
        for (int i = 0; i < g.length; i++) assertEquals((q[i] - p[i]) / (2f * 5), g[i], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> SimClrV2Distill.distillationLoss(Variable.constant(t), Variable.constant(Tensor.zeros(5, 3)), 1f));
    }

    @Test
    void theThreeStagesChain(@TempDir Path dir) throws Exception {
        ArrayDataset train = TinyMainRuns.dataset(40, 1), test = TinyMainRuns.dataset(20, 2);
        Path pre = dir.resolve("pre"), ft = dir.resolve("ft"), ds = dir.resolve("ds");
        Options o1 = SimClrV2Main.parse(TinyMainRuns.fast(pre, "--stage", "pretrain"));
        assertTrue(Double.isFinite(SimClrV2Main.run(o1, train, test, 1).get(0).loss()));

        Options o2 = SimClrV2Main.parse(TinyMainRuns.fast(ft, "--stage", "finetune", "--labels-percent", "10", "--pretrained", pre.toString()));
        List<SslTrainer.EpochResult> r2 = SimClrV2Main.run(o2, train, test, 1);
        assertTrue(r2.get(0).metrics().containsKey("test_acc"));
        int[] subset = LabelledSubset.read(ft.resolve("labelled-subset.txt"), train.size());
        assertEquals(10, subset.length);                                   // 10% of 40 over 10 classes: at least one each
        assertArrayEquals(LabelledSubset.select(train, 0.1, 42), subset);

        Options o3 = SimClrV2Main.parse(TinyMainRuns.fast(ds, "--stage", "distill", "--teacher", ft.toString(), "--temperature", "2"));
        List<SslTrainer.EpochResult> r3 = SimClrV2Main.run(o3, train, test, 1);
        assertTrue(Double.isFinite(r3.get(0).loss()) && r3.get(0).metrics().containsKey("test_acc"));
    }

    @Test
    void badStagesAndMissingInputsAreClearErrors(@TempDir Path dir) {
        assertThrows(Options.OptionsException.class, () -> SimClrV2Main.parse("--stage", "train"));
        assertThrows(Options.OptionsException.class, () -> SimClrV2Main.parse("--stage", "finetune", "--labels-percent", "5"));
        assertEquals("unknown option --teacher", assertThrows(Options.OptionsException.class, () -> SimClrV2Main.parse("--teacher", "x")).getMessage());
        assertThrows(Options.OptionsException.class, () -> SimClrV2Main.parse("--stage", "finetune", "--temperature", "0.1"));
        Options o = SimClrV2Main.parse(TinyMainRuns.fast(dir.resolve("ft"), "--stage", "finetune", "--pretrained", dir.resolve("none").toString()));
        String msg = assertThrows(IllegalArgumentException.class, () -> SimClrV2Main.run(o, TinyMainRuns.dataset(20, 1), TinyMainRuns.dataset(10, 2), 1)).getMessage();
        assertTrue(msg.contains("run --stage pretrain first"), msg);
    }
}
