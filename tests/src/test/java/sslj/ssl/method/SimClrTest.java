package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.nn.ResNet;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.ssl.SimClrMain;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** SimCLR: one training step on a tiny batch, and the loss against a plain double NT-Xent of the head outputs. */
class SimClrTest {

    static Batch batch(int n, int c, int side, long seed) {
        Tensor v1 = Tensor.randn(new Generator(seed), n, c, side, side), v2 = Tensor.randn(new Generator(seed + 1), n, c, side, side);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return new Batch(List.of(v1, v2), Tensor.zeros(n), idx, 0, 0);
    }

    @Test
    void stepIsFiniteAndMovesEveryParameter() {
        Options o = SimClrMain.defaults().parse("--width", "2", "--batch-size", "6");
        SimClr m = SimClrMain.build(o, SimClr.Optim.LARS);
        Optimizer opt = m.optimizer(o);
        assertTrue(opt instanceof LARS);
        Map<String, Variable> params = m.trainable().namedParameters();
        assertTrue(params.keySet().stream().anyMatch(k -> k.startsWith("encoder.")) && params.keySet().stream().anyMatch(k -> k.startsWith("head.")), params.keySet().toString());
        Map<String, float[]> before = new java.util.HashMap<>();
        params.forEach((k, v) -> before.put(k, v.data().toFloatArray()));

        Variable loss = m.loss(batch(6, 1, 8, 1), Device.CPU, 0);
        double l = loss.item();
        assertTrue(Double.isFinite(l) && l > 0, "loss " + l);
        // random projections of 12 views: the loss is near log(2N − 1) = log 11
        assertEquals(Math.log(11), l, 1.0);
        opt.zeroGrad();
        loss.backward();
        params.forEach((k, v) -> assertNotNull(v.grad(), "no gradient reached " + k));
        opt.step();
        int moved = 0;
        for (Map.Entry<String, Variable> e : params.entrySet()) {
            float[] a = before.get(e.getKey()), b = e.getValue().data().toFloatArray();
            boolean changed = false;
            for (int i = 0; i < a.length; i++) changed |= a[i] != b[i];
            if (changed) moved++;
        }
        // every parameter has a gradient, so every one moves (LARS: by lr·η·‖θ‖/‖∇θ‖ for weights, lr·∇θ for BN and biases)
        assertEquals(params.size(), moved, "parameters moved");
    }

    @Test
    void lossEqualsDoubleNtXentOfTheHeadOutputs() {
        ResNet enc = ResNet.resnet18(1, 2, true, new Generator(3));
        SimClr m = new SimClr(enc, 16, 0.5, SimClr.Optim.SGD, new Generator(4));
        Batch b = batch(5, 1, 8, 7);
        Variable x = Variable.constant(Tensor.cat(0, b.view(0), b.view(1)));
        float[] z = m.head().forward(enc.forward(x)).data().toFloatArray();   // train mode: batch statistics, same as in the loss
        double got = m.loss(b, Device.CPU, 0).item();
        double ref = ntXent(z, 10, 16, 0.5);
        assertEquals(ref, got, 1e-5 * Math.max(1, Math.abs(ref)), "NT-Xent of the head outputs");
    }

    /** NT-Xent in plain double loops: normalise rows, pos(i) = (i + N) mod 2N, mean over the 2N rows of LSE_{j≠i} − s_i,pos. */
    static double ntXent(float[] z, int rows, int d, double tau) {
        double[][] u = new double[rows][d];
        for (int i = 0; i < rows; i++) {
            double nrm = 0;
            for (int k = 0; k < d; k++) nrm += (double) z[i * d + k] * z[i * d + k];
            nrm = Math.sqrt(nrm);
            for (int k = 0; k < d; k++) u[i][k] = z[i * d + k] / nrm;
        }
        double total = 0;
        int n = rows / 2;
        for (int i = 0; i < rows; i++) {
            double sum = 0, pos = 0;
            for (int j = 0; j < rows; j++) {
                if (j == i) continue;
                double s = 0;
                for (int k = 0; k < d; k++) s += u[i][k] * u[j][k];
                sum += Math.exp(s / tau);
                if (j == (i + n) % rows) pos = s / tau;
            }
            total += Math.log(sum) - pos;
        }
        return total / rows;
    }
}
