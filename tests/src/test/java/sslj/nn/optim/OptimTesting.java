package sslj.nn.optim;

import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.tensor.Tensor;

/** Helpers for the optimiser tests: parameters from doubles, gradients set to chosen values. */
final class OptimTesting {
    private OptimTesting() { }

    static Variable param(double... values) {
        return Variable.param(Tensor.of(toFloat(values)));
    }

    /** Sets p's gradient to exactly {@code g}: backward of sum(p · g). */
    static void setGrad(Variable p, double... g) {
        p.zeroGrad();
        p.mul(Variable.constant(Tensor.of(toFloat(g)))).sum().backward();
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** Doubles of the float32 values, so references start from exactly what the optimiser sees. */
    static double[] exact(double[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = (float) v[i];
        return d;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** A module shaped like a layer with a normalisation child: weight [2,3], bias [2], norm.weight [3], norm.bias [3]. */
    static final class TinyNet extends Module {
        final Variable weight, bias;

        TinyNet() {
            weight = registerParameter("weight", Tensor.of(new float[] {0.5f, -0.25f, 1f, 0.75f, -1f, 0.125f}, 2, 3));
            bias = registerParameter("bias", Tensor.of(0.1f, -0.2f));
            registerModule("norm", new Norm());
        }

        @Override
        public Variable forward(Variable x) { return x.matmul(weight.t()).add(bias); }
    }

    static final class Norm extends Module {
        Norm() {
            registerParameter("weight", Tensor.ones(3));
            registerParameter("bias", Tensor.zeros(3));
        }

        @Override
        public Variable forward(Variable x) { return x; }
    }
}
