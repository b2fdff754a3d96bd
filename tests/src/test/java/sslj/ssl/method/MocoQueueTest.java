package sslj.ssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.optim.Optimizer;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** MoCo v1 and v2: the training step (EMA, queue), the loss against a double reference, shuffle-BN. */
class MocoQueueTest {
    static MocoV1 moco(int version, Options o) {
        return version == 1 ? new MocoV1(o, Tiny.ENCODER) : new MocoV2(o, Tiny.ENCODER);
    }

    @ParameterizedTest @ValueSource(ints = {1, 2})
    void stepsMoveQueryEmaKeyAndQueue(int version) {
        Options o = Tiny.options();       // K = 20, batch 8: the pointer goes 8, 16, 4 (wraps)
        MocoV1 m = moco(version, o);
        Optimizer opt = m.optimizer(o);
        int[] ptrs = {8, 16, 4};
        for (int s = 0; s < 3; s++) {
            Batch b = Tiny.batch(8, 100 + s);
            Map<String, float[]> q0 = Tiny.snapshot(m.queryEncoder()), k0 = Tiny.snapshot(m.keyEncoder());
            float[] expectedKeys = m.keys(Variable.constant(b.view(1)), s).toFloatArray();   // same step → same shuffle
            int ptr0 = m.queue().ptr();
            double loss = Tiny.step(m, opt, b, s, 3);
            assertTrue(Double.isFinite(loss), "loss " + loss);
            Tiny.assertMoved(m.queryEncoder(), q0);
            Tiny.assertEma(m.keyEncoder(), k0, m.queryEncoder(), (float) o.momentum);
            Tiny.assertNoGrad(m.keyEncoder());
            assertEquals(ptrs[s], m.queue().ptr());
            assertEquals((ptr0 + 8) % 20, m.queue().ptr());
            // the 8 keys of this step sit at rows ptr0 .. ptr0 + 7 (mod 20)
            float[] queue = m.queue().queue().toFloatArray();
            for (int i = 0; i < 8; i++) {
                int row = (ptr0 + i) % 20;
                for (int j = 0; j < MocoV1.DIM; j++) assertEquals(expectedKeys[i * MocoV1.DIM + j], queue[row * MocoV1.DIM + j], 0f);
            }
        }
    }

    /** InfoNCE over [positive, queue] computed in double from the method's own q, k and queue. */
    @ParameterizedTest @ValueSource(ints = {1, 2})
    void lossMatchesDoubleReference(int version) {
        Options o = Tiny.options();
        o.temperature = version == 1 ? 0.07 : 0.2;
        MocoV1 m = moco(version, o);
        Batch b = Tiny.batch(8, 5);
        float[] q = ShuffleBn.grouped(m.queryEncoder(), Variable.constant(b.view(0)), 2).data().toFloatArray();
        float[] k = m.keys(Variable.constant(b.view(1)), 0).toFloatArray();
        float[] queue = m.queue().queue().toFloatArray();
        double[][] qn = Tiny.rows(q, 8), kn = Tiny.rows(k, 8), qu = Tiny.rows(queue, 20);
        double ref = 0;
        for (int i = 0; i < 8; i++) {
            double[] logits = new double[21];
            logits[0] = Tiny.dot(qn[i], kn[i]) / o.temperature;
            for (int j = 0; j < 20; j++) logits[j + 1] = Tiny.dot(qn[i], qu[j]) / o.temperature;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double l : logits) max = Math.max(max, l);
            for (double l : logits) sum += Math.exp(l - max);
            ref += max + Math.log(sum) - logits[0];
        }
        ref /= 8;
        double got = m.loss(b, Device.CPU, 0).item();
        assertEquals(ref, got, 1e-4 * Math.max(1, Math.abs(ref)));
    }

    @Test void shuffleBnChangesKeysAndIsThePlainForwardWithOneGroup() {
        Options o1 = Tiny.options(), o2 = Tiny.options(), o4 = Tiny.options();
        o1.shuffleGroups = 1;
        o4.shuffleGroups = 4;
        MocoV1 plain = new MocoV1(o1, Tiny.ENCODER), shuffled = new MocoV1(o2, Tiny.ENCODER), four = new MocoV1(o4, Tiny.ENCODER);
        Variable xk = Variable.constant(Tiny.batch(8, 9).view(1));
        float[] k1 = plain.keys(xk, 0).toFloatArray(), k2 = shuffled.keys(xk, 0).toFloatArray(), k4 = four.keys(xk, 0).toFloatArray();
        float[] direct = plain.keyEncoder().forward(xk).data().l2Normalize(1).toFloatArray();   // same weights (same seed)
        assertArrayEquals(direct, k1, 0f, "G = 1 is exactly the plain forward");
        assertFalse(java.util.Arrays.equals(k1, k2), "G = 2 uses other BN statistics");
        double diff = 0;
        for (int i = 0; i < k1.length; i++) diff = Math.max(diff, Math.abs(k1[i] - k2[i]));
        assertTrue(diff > 1e-3, "keys changed by only " + diff);
        assertFalse(java.util.Arrays.equals(k2, k4));
    }

    /** Without BN the permutation and its inverse cancel: row i of the output is the network's output for row i. */
    @Test void shuffledForwardPutsRowsBack() {
        Generator gen = new Generator(3);
        Linear lin = new Linear(5, 3, gen);
        Variable x = Variable.constant(Tensor.randn(gen, 9, 5));
        float[] want = lin.forward(x).data().toFloatArray();
        float[] got = ShuffleBn.shuffled(lin, x, 3, new Generator(11)).data().toFloatArray();
        assertArrayEquals(want, got, 1e-6f);
        int[] p = ShuffleBn.permutation(9, new Generator(11));
        assertFalse(java.util.Arrays.equals(p, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}));
    }

    @Test void stateRoundTrips() {
        Options o = Tiny.options();
        MocoV1 a = new MocoV1(o, Tiny.ENCODER);
        Tiny.step(a, a.optimizer(o), Tiny.batch(8, 1), 0, 2);
        Map<String, Tensor> s = a.state();
        Options o2 = Tiny.options();
        o2.seed = 99;
        MocoV1 b = new MocoV1(o2, Tiny.ENCODER);
        b.loadState(s);
        assertEquals(8, b.queue().ptr());
        assertArrayEquals(a.queue().queue().toFloatArray(), b.queue().queue().toFloatArray(), 0f);
        assertArrayEquals(a.keyEncoder().stateDict().get("head.weight").toFloatArray(), b.keyEncoder().stateDict().get(
                a instanceof MocoV2 ? "head.0.weight" : "head.weight").toFloatArray(), 0f);
    }
}
