package sslj.ssl.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.BatchNorm2d;
import sslj.nn.Conv2d;
import sslj.nn.GlobalAvgPool;
import sslj.nn.Module;
import sslj.nn.ReLU;
import sslj.nn.Sequential;
import sslj.nn.optim.Optimizer;
import sslj.ssl.data.Batch;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Tiny encoders, batches and a training step as the trainer runs it, for the method tests. */
final class Tiny {
    private Tiny() { }

    static final int SIDE = 8, FEATURES = 6;

    /** Conv 3×3 (1 → 6) – BN – ReLU – global average pool: 6 features from 1×8×8 images, with BN (so shuffle-BN matters). */
    static final Function<Generator, Encoders.Backbone> ENCODER = gen -> new Encoders.Backbone(
            new Sequential(new Conv2d(1, FEATURES, 3, 1, 1, 1, false, gen), new BatchNorm2d(FEATURES), new ReLU(), new GlobalAvgPool()), FEATURES);

    static Options options() {
        Options o = new Options("test", "test", Options.METHOD_OPTIONS);
        o.seed = 7;
        o.lr = 0.1;
        o.weightDecay = 1e-4;
        o.momentum = 0.9;      // far from 1, so the EMA visibly moves the target
        o.temperature = 0.2;
        o.queueSize = 20;
        o.shuffleGroups = 2;
        return o;
    }

    /** Two random views of {@code n} 1×8×8 images. */
    static Batch batch(int n, long seed) {
        Generator g = new Generator(seed);
        Tensor v1 = Tensor.randn(g, n, 1, SIDE, SIDE), v2 = v1.add(Tensor.randn(g, n, 1, SIDE, SIDE).mul(0.3f));
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return new Batch(List.of(v1, v2), Tensor.zeros(n), idx, 0, 0);
    }

    /** One step as SslTrainer runs it: loss, backward, optimiser step, afterStep under NoGrad. Returns the loss. */
    @SuppressWarnings("try")
    static double step(SslMethod m, Optimizer opt, Batch b, long step, long total) {
        Variable loss = m.loss(b, Device.CPU, step);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        try (NoGrad g = NoGrad.enter()) {
            m.afterStep(step, total);
        }
        return loss.item();
    }

    /** Copies of every parameter's values, by name. */
    static Map<String, float[]> snapshot(Module m) {
        Map<String, float[]> s = new LinkedHashMap<>();
        m.namedParameters().forEach((n, p) -> s.put(n, p.data().toFloatArray()));
        return s;
    }

    /**
     * Asserts that every target parameter is now EXACTLY fma(m, t_before, (1 − m)·o_now), the CPU
     * kernel's float formula for m·t + (1 − m)·o (1 − m rounded to float once).
     */
    static void assertEma(Module target, Map<String, float[]> before, Module online, float m) {
        float omm = 1f - m;
        List<String> bad = new ArrayList<>();
        int moved = 0;
        for (Map.Entry<String, Variable> e : target.namedParameters().entrySet()) {
            float[] t0 = before.get(e.getKey()), o = online.namedParameters().get(e.getKey()).data().toFloatArray();
            float[] t1 = e.getValue().data().toFloatArray();
            for (int i = 0; i < t1.length; i++) {
                float want = Math.fma(m, t0[i], omm * o[i]);
                if (Float.floatToIntBits(want) != Float.floatToIntBits(t1[i])) bad.add(e.getKey() + "[" + i + "]: " + t1[i] + " != " + want);
                if (t1[i] != t0[i]) moved++;
            }
        }
        if (!bad.isEmpty()) throw new AssertionError("EMA not exact: " + bad.subList(0, Math.min(5, bad.size())));
        if (moved == 0) throw new AssertionError("the target did not move");
    }

    /** Asserts that at least one parameter of {@code m} changed, and each one that got a gradient changed. */
    static void assertMoved(Module m, Map<String, float[]> before) {
        int moved = 0;
        for (Map.Entry<String, Variable> e : m.namedParameters().entrySet()) {
            if (!java.util.Arrays.equals(before.get(e.getKey()), e.getValue().data().toFloatArray())) moved++;
        }
        if (moved == 0) throw new AssertionError("no parameter moved");
    }

    /** Asserts the module's parameters take no gradient and have none. */
    static void assertNoGrad(Module m) {
        m.namedParameters().forEach((n, p) -> {
            if (p.requiresGrad()) throw new AssertionError(n + " requires grad");
            if (p.grad() != null) throw new AssertionError(n + " has a gradient");
        });
    }

    static double[] d(float[] x) { double[] y = new double[x.length]; for (int i = 0; i < x.length; i++) y[i] = x[i]; return y; }

    /** Rows of a [N, D] array, L2-normalised in double. */
    static double[][] rows(float[] x, int n) {
        int dd = x.length / n;
        double[][] r = new double[n][dd];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dd; j++) s += (double) x[i * dd + j] * x[i * dd + j];
            s = Math.sqrt(s);
            for (int j = 0; j < dd; j++) r[i][j] = x[i * dd + j] / s;
        }
        return r;
    }

    static double dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
}
