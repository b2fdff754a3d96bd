package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/** MultiHeadAttention against plain double loops and finite differences; the ViT's shapes and frozen patch projection. */
class AttentionTest {
    /** Per batch and head: softmax(q kᵀ/√d_h) v with q, k, v = x W_qkvᵀ + b split by heads, then the output projection. */
    static double[] reference(float[] x, int b, int t, int d, int h, float[] wqkv, float[] bqkv, float[] wp, float[] bp) {
        int dh = d / h;
        double[][] qkv = new double[b * t][3 * d];
        for (int r = 0; r < b * t; r++) {
            for (int o = 0; o < 3 * d; o++) {
                double s = bqkv[o];
                for (int i = 0; i < d; i++) s += (double) x[r * d + i] * wqkv[o * d + i];
                qkv[r][o] = s;
            }
        }
        double[][] mixed = new double[b * t][d];
        for (int n = 0; n < b; n++) {
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < t; i++) {
                    double[] a = new double[t];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < t; j++) {
                        double s = 0;
                        for (int c = 0; c < dh; c++) s += qkv[n * t + i][hh * dh + c] * qkv[n * t + j][d + hh * dh + c];
                        max = Math.max(max, a[j] = s / Math.sqrt(dh));
                    }
                    for (int j = 0; j < t; j++) sum += a[j] = Math.exp(a[j] - max);
                    for (int c = 0; c < dh; c++) {
                        double s = 0;
                        for (int j = 0; j < t; j++) s += a[j] / sum * qkv[n * t + j][2 * d + hh * dh + c];
                        mixed[n * t + i][hh * dh + c] = s;
                    }
                }
            }
        }
        double[] y = new double[b * t * d];
        for (int r = 0; r < b * t; r++) {
            for (int o = 0; o < d; o++) {
                double s = bp[o];
                for (int i = 0; i < d; i++) s += mixed[r][i] * wp[o * d + i];
                y[r * d + o] = s;
            }
        }
        return y;
    }

    @Test void forwardMatchesDoubleReference() {
        Generator gen = new Generator(21);
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, gen);
        Tensor x = Tensor.randn(gen, 2, 5, 8);
        var p = mha.namedParameters();
        double[] want = reference(x.toFloatArray(), 2, 5, 8, 2, p.get("qkv.weight").data().toFloatArray(), p.get("qkv.bias").data().toFloatArray(),
                p.get("proj.weight").data().toFloatArray(), p.get("proj.bias").data().toFloatArray());
        Close.assertClose("attention", new int[] {2, 5, 8}, want, mha.forward(Variable.constant(x)).data(), 1e-5, 1e-4);
    }

    @Test void gradcheckOnTinySizes() {
        Generator gen = new Generator(22);
        MultiHeadAttention mha = new MultiHeadAttention(4, 2, gen);
        ModuleGradCheck.check(mha, Tensor.randn(gen, 2, 3, 4));
    }

    @Test void rejectsBadShapes() {
        Generator gen = new Generator(1);
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(6, 4, gen));
        MultiHeadAttention mha = new MultiHeadAttention(4, 2, gen);
        assertThrows(IllegalArgumentException.class, () -> mha.forward(Variable.constant(Tensor.zeros(2, 3, 5))));
    }

    @Test void vitShapesAndFrozenPatchProjection() {
        Generator gen = new Generator(23);
        VisionTransformer vit = VisionTransformer.small(1, 28, gen);
        assertEquals(7, vit.patch());
        assertEquals(16, vit.tokens());
        Variable x = Variable.constant(Tensor.randn(gen, 3, 1, 28, 28));
        Variable y = vit.forward(x);
        assertArrayEquals(new int[] {3, 64}, y.shape());
        y.square().sum().backward();
        vit.namedParameters().forEach((n, p) -> {
            if (n.startsWith("patch_embed.")) {
                assertFalse(p.requiresGrad(), n);
                assertNull(p.grad(), n);
            } else {
                assertNotNull(p.grad(), n + " has no gradient");
                assertArrayEquals(p.shape(), p.grad().shape(), n);
            }
        });
        assertEquals(4, VisionTransformer.small(3, 32, gen).patch());
        assertThrows(IllegalArgumentException.class, () -> vit.forward(Variable.constant(Tensor.zeros(1, 1, 32, 32))));
    }

    /** The whole ViT (tiny: 4×4 image, patch 2, dim 4, one block) through finite differences on its input. */
    @Test void vitInputGradcheck() {
        Generator gen = new Generator(24);
        VisionTransformer vit = new VisionTransformer(1, 4, 2, 4, 1, 2, 2, gen);
        GradCheck.check(xs -> vit.forward(xs[0]), Tensor.randn(gen, 2, 1, 4, 4));
    }
}
