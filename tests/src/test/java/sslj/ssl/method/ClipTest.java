package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.Variable;
import sslj.nn.contrastive.InfoNceLoss;
import sslj.nn.optim.Optimizer;
import sslj.ssl.ClipMain;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Image;
import sslj.ssl.data.SobelEdges;
import sslj.ssl.train.Options;
import sslj.ssl.train.SslTrainer;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class ClipTest {

    @Test
    void edgeMapOfAStepImage() {
        // 5×5, left two columns 0, right three 1: a vertical edge between columns 1 and 2
        float[] px = new float[25];
        for (int y = 0; y < 5; y++) for (int x = 2; x < 5; x++) px[y * 5 + x] = 1f;
        Image e = new SobelEdges().apply(new Image(px, 1, 5, 5), null);
        assertArrayEquals(new int[] {1, 5, 5}, e.shape());
        // gx = (1 + 2 + 1)·(I(x+1) − I(x−1)) = 4 at x = 1, 2 and 0 elsewhere; gy = 0 (rows equal, borders replicated)
        float edge = (float) (4 / (4 * Math.sqrt(2)));
        for (int y = 0; y < 5; y++) {
            assertArrayEquals(new float[] {0, edge, edge, 0, 0}, Arrays.copyOfRange(e.data(), y * 5, y * 5 + 5), 1e-6f, "row " + y);
        }
        // a constant image has no edges; an RGB image is averaged to grey first
        Image flat = new SobelEdges().apply(new Image(filled(3 * 16, 0.7f), 3, 4, 4), null);
        assertArrayEquals(new float[16], flat.data(), 1e-6f);
        float[] rgb = new float[75];
        System.arraycopy(px, 0, rgb, 0, 25);      // only the red channel has the step: a third of the contrast
        Image third = new SobelEdges().apply(new Image(rgb, 3, 5, 5), null);
        assertEquals(edge / 3, third.get(0, 2, 1), 1e-6f);
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    /** Symmetric CLIP loss in doubles: rows normalised, logits = s·I·Eᵀ, ½(CE rows + CE columns). */
    static double clipReference(float[] a, float[] b, int n, int d, double s) {
        double[][] x = unit(a, n, d), y = unit(b, n, d);
        double rows = 0, cols = 0;
        for (int i = 0; i < n; i++) {
            double[] li = new double[n], lc = new double[n];
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) {
                    li[j] += s * x[i][k] * y[j][k];
                    lc[j] += s * x[j][k] * y[i][k];
                }
            }
            rows += lse(li) - li[i];
            cols += lse(lc) - lc[i];
        }
        return (rows + cols) / (2 * n);
    }

    private static double[][] unit(float[] a, int n, int d) {
        double[][] u = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) norm += a[i * d + k] * (double) a[i * d + k];
            for (int k = 0; k < d; k++) u[i][k] = a[i * d + k] / Math.sqrt(norm);
        }
        return u;
    }

    private static double lse(double[] v) {
        double m = Arrays.stream(v).max().orElseThrow(), s = 0;
        for (double x : v) s += Math.exp(x - m);
        return m + Math.log(s);
    }

    @Test
    void lossMatchesDoubleReferenceAndTheScaleIsLearnedAndClamped() {
        int n = 6, d = 5;
        Tensor a = Tensor.randn(new Generator(1), n, d), b = Tensor.randn(new Generator(2), n, d);
        InfoNceLoss loss = InfoNceLoss.clip(Clip.INITIAL_TAU);
        assertEquals(1 / 0.07, loss.currentScale(), 1e-4);
        Variable l = loss.forward(Variable.param(a), Variable.param(b));
        assertEquals(clipReference(a.toFloatArray(), b.toFloatArray(), n, d, 1 / 0.07), l.item(), 1e-4);
        l.backward();
        Tensor g = loss.logitScale().grad();
        assertNotNull(g, "the logit scale receives a gradient");
        // d loss / d log s = s · d loss / d s, by a central difference of the reference in s
        double s = 1 / 0.07, h = 1e-4;
        double numeric = s * (clipReference(a.toFloatArray(), b.toFloatArray(), n, d, s + h) - clipReference(a.toFloatArray(), b.toFloatArray(), n, d, s - h)) / (2 * h);
        assertEquals(numeric, g.item(), 1e-3 * Math.max(1, Math.abs(numeric)));

        // above log 100 the scale is clamped: s = 100 and no gradient flows into the parameter
        loss.logitScale().setData(Tensor.scalar((float) Math.log(500)));
        assertEquals(100f, loss.currentScale(), 1e-3);
        Variable clamped = loss.forward(Variable.param(a), Variable.param(b));
        assertEquals(clipReference(a.toFloatArray(), b.toFloatArray(), n, d, 100), clamped.item(), 1e-3);
        clamped.backward();
        Tensor g2 = loss.logitScale().grad();
        assertTrue(g2 == null || g2.item() == 0f, "clamped: no gradient, got " + (g2 == null ? null : g2.item()));
    }

    @Test
    void aStepMovesBothTowersAndTheLogitScale() {
        Generator gen = new Generator(3);
        Clip clip = new Clip(TinyMainRuns.encoder(gen), TinyMainRuns.FEATURES, 4, 2, Device.CPU, gen);
        Options o = ClipMain.defaults().parse();
        Optimizer opt = clip.optimizer(o);
        Batch b = TinyMainRuns.views(4, 2, 0, 1, 2, 3);
        // view 1 must be the one-channel edge map: it is here (1×8×8 random)
        float[] img0 = clip.imageTower().parameters().get(0).data().toFloatArray();
        float[] edge0 = clip.edgeTower().parameters().get(0).data().toFloatArray();
        float scale0 = clip.contrastiveLoss().logitScale().item();
        Variable loss = clip.loss(b, Device.CPU, 0);
        assertTrue(Double.isFinite(loss.item()));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        assertFalse(Arrays.equals(img0, clip.imageTower().parameters().get(0).data().toFloatArray()), "image tower moves");
        assertFalse(Arrays.equals(edge0, clip.edgeTower().parameters().get(0).data().toFloatArray()), "edge tower moves");
        assertTrue(clip.contrastiveLoss().logitScale().item() != scale0, "logit scale moves");
        // the scale is a trained parameter without weight decay
        assertTrue(clip.trainable().namedParameters().containsKey("loss.logit_scale"));
        double r = clip.retrievalTop1(b.view(0), b.view(1));
        assertTrue(r >= 0 && r <= 1);
    }

    @Test
    void mainTrainsAndReportsRetrieval(@TempDir Path out) throws Exception {
        Options o = ClipMain.defaults().parse(TinyMainRuns.fast(out, "--embed-dim", "8", "--edge-width", "2", "--eval-batch", "16"));
        List<SslTrainer.EpochResult> r = ClipMain.run(o, TinyMainRuns.dataset(24, 5), TinyMainRuns.dataset(20, 6), 1);
        double top1 = r.get(0).metrics().get("retrieval_top1");
        assertTrue(top1 >= 0 && top1 <= 1, "top-1 " + top1);
        assertTrue(r.get(0).metrics().get("logit_scale") > 0);
        assertThrows(Options.OptionsException.class, () -> ClipMain.defaults().parse("--temperature", "0.1"));
        assertThrows(Options.OptionsException.class, () -> ClipMain.defaults().parse("--eval-batch", "1"));
    }
}
