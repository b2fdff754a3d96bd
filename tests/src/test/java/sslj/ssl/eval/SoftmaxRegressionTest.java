package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/** The linear probe's classifier: loss and gradient against plain double loops; it fits separable data. */
class SoftmaxRegressionTest {

    @Test
    void lossAndGradientMatchADoubleReference() {
        int n = 7, d = 5, c = 4;
        double l2 = 0.03;
        Random r = new Random(3);
        float[] x = new float[n * d], w = new float[d * c], b = new float[c];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.5 * r.nextGaussian());
        for (int i = 0; i < b.length; i++) b[i] = (float) (0.5 * r.nextGaussian());
        int[] y = {0, 3, 1, 1, 2, 0, 3};

        SoftmaxRegression reg = new SoftmaxRegression(d, c, l2, Device.CPU);
        reg.set(Tensor.of(w, d, c), Tensor.of(b, c));
        SoftmaxRegression.LossAndGradient got = reg.lossAndGradient(Tensor.of(x, n, d), y);

        // reference: L = -(1/n) sum log softmax(xW + b)[y] + l2/2 |W|^2
        double loss = 0;
        double[] gw = new double[d * c], gb = new double[c];
        for (int i = 0; i < n; i++) {
            double[] z = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                z[k] = b[k];
                for (int j = 0; j < d; j++) z[k] += (double) x[i * d + j] * w[j * c + k];
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(z[k] - max);
            loss -= (z[y[i]] - max - Math.log(sum)) / n;
            for (int k = 0; k < c; k++) {
                double dz = (Math.exp(z[k] - max) / sum - (k == y[i] ? 1 : 0)) / n;
                gb[k] += dz;
                for (int j = 0; j < d; j++) gw[j * c + k] += x[i * d + j] * dz;
            }
        }
        for (int i = 0; i < w.length; i++) {
            loss += 0.5 * l2 * w[i] * w[i];
            gw[i] += l2 * w[i];
        }
        assertEquals(loss, got.loss(), 1e-5);
        float[] gotW = got.gradW().toFloatArray(), gotB = got.gradB().toFloatArray();
        for (int i = 0; i < gw.length; i++) assertEquals(gw[i], gotW[i], 1e-6 + 1e-4 * Math.abs(gw[i]), "dL/dW[" + i + "]");
        for (int i = 0; i < gb.length; i++) assertEquals(gb[i], gotB[i], 1e-6 + 1e-4 * Math.abs(gb[i]), "dL/db[" + i + "]");
    }

    /** Three Gaussian blobs far apart in 6-D: the fit drives the loss down and classifies every point. */
    @Test
    void fitsALinearlySeparableToySet() {
        int perClass = 60, d = 6, c = 3, n = perClass * c;
        Random r = new Random(11);
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % c;
            for (int j = 0; j < d; j++) x[i * d + j] = (float) (0.3 * r.nextGaussian() + (j == y[i] ? 2.0 : 0.0));
        }
        Features f = new Features(Tensor.of(x, n, d), y, c);
        SoftmaxRegression reg = new SoftmaxRegression(d, c, 1e-4, Device.CPU);
        List<Double> losses = reg.fit(f, new SoftmaxRegression.Fit(40, 16, 0.1, 0.9, 1));
        assertEquals(40, losses.size());
        assertTrue(losses.get(39) < 0.1 * losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(39));
        assertEquals(1.0, reg.accuracy(f), 0.0);
    }

    @Test
    void badInputIsRefused() {
        SoftmaxRegression reg = new SoftmaxRegression(2, 3, 0, Device.CPU);
        Features f = new Features(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), new int[] {0, 3}, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reg.fit(f, new SoftmaxRegression.Fit(1, 2, 0.1, 0.9, 0)));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxRegression.Fit(0, 2, 0.1, 0.9, 0));
    }
}
