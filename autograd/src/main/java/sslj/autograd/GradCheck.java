package sslj.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sslj.tensor.Generator;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * Checks a backward pass against central finite differences (minitorch's grad_check, STYLE.md 5).
 *
 * <p>The function may return any shape. It is turned into a scalar L = Σ out ⊙ W with a fixed random
 * weight W, so every output element matters and a gradient that is wrong for one element (or swaps two)
 * is caught; the analytic gradient of L is backward(W). For every element x_j of every input,
 * numeric = (L(x_j + h) − L(x_j − h)) / (2h), with L summed in double.
 *
 * <p>Why eps = 1e-2 and atol = rtol = 1e-2. The function itself runs in float32, so each evaluation of
 * L carries a rounding error of about 1e-7 · Σ|out ⊙ W| (a few 1e-6 for the small tensors of a test).
 * The central difference divides that error by 2h: with h = 1e-2 it becomes ~1e-4, with h = 1e-4 it
 * would be ~1e-2, as large as the tolerance. The truncation error of the central difference is
 * h²/6 · L''' ≈ 2e-5 for smooth functions of O(1) inputs, also far below 1e-2. So h = 1e-2 (scaled by
 * max(1, |x_j|), since float32 spacing grows with |x|) balances the two, and a real bug, which is off by
 * O(1) · gradient, stands out against atol + rtol·|numeric| = 1e-2 + 1e-2·|numeric|. The perturbed
 * inputs are rounded to float32 too, so the step used is the exact difference of the two float32 values.
 *
 * <p>Non-smooth ops (relu, abs, max, clamp) must be tested on inputs at least h away from their kinks.
 */
public final class GradCheck {
    /** A function of the inputs, built from Variable ops. */
    @FunctionalInterface
    public interface Fn {
        Variable apply(Variable... xs);
    }

    public static final double EPS = 1e-2, ATOL = 1e-2, RTOL = 1e-2;
    private static final int REPORTED = 5;

    private GradCheck() { }

    /** Checks with the default eps and tolerances; throws AssertionError describing any mismatch. */
    public static void check(Fn f, Tensor... inputs) { check(f, EPS, ATOL, RTOL, inputs); }

    public static void check(Fn f, double eps, double atol, double rtol, Tensor... inputs) {
        // Analytic: run once with every input a parameter. Inputs are used as given, so a
        // non-contiguous input (a transposed or expanded view) is exercised as such.
        Variable[] params = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) params[i] = Variable.param(inputs[i]);
        Variable out = f.apply(params);
        if (!out.requiresGrad()) throw new AssertionError("gradcheck: the output does not depend on any input (no graph was recorded)");
        Tensor weight = Tensor.randn(new Generator(20240611L), out.shape());
        float[] w = weight.toFloatArray();
        out.backward(weight);

        List<String> failures = new ArrayList<>();
        int failed = 0, total = 0;
        for (int i = 0; i < inputs.length; i++) {
            int[] shape = inputs[i].shape();
            float[] analytic = params[i].grad() == null ? new float[inputs[i].numel()] : params[i].grad().toFloatArray();
            float[] x = inputs[i].toFloatArray();   // a private row-major copy, perturbed one element at a time
            Tensor[] probe = inputs.clone();
            for (int j = 0; j < x.length; j++) {
                float orig = x[j];
                double h = eps * Math.max(1.0, Math.abs(orig));
                float hi = (float) (orig + h), lo = (float) (orig - h);
                x[j] = hi;
                probe[i] = Tensor.of(x, shape);
                double lHi = weightedSum(f, probe, w);
                x[j] = lo;
                probe[i] = Tensor.of(x, shape);
                double lLo = weightedSum(f, probe, w);
                x[j] = orig;
                double numeric = (lHi - lLo) / ((double) hi - lo);
                double diff = Math.abs(numeric - analytic[j]), tol = atol + rtol * Math.abs(numeric);
                total++;
                if (!(diff <= tol)) {   // also catches NaN
                    failed++;
                    if (failures.size() < REPORTED) {
                        failures.add(String.format("input %d %s, element %d %s: numeric %.6g, analytic %.6g, |diff| %.3g > tol %.3g",
                                i, Shape.str(shape), j, Arrays.toString(unravel(j, shape)), numeric, analytic[j], diff, tol));
                    }
                }
            }
        }
        if (failed > 0) {
            throw new AssertionError("gradcheck failed for " + failed + " of " + total + " elements (eps " + eps + ", atol " + atol
                    + ", rtol " + rtol + "):\n  " + String.join("\n  ", failures));
        }
    }

    /** Σ f(inputs) ⊙ w, accumulated in double; no graph is recorded. */
    @SuppressWarnings("try")   // the scope is used for its effect, not referenced in the body
    private static double weightedSum(Fn f, Tensor[] inputs, float[] w) {
        try (NoGrad g = NoGrad.enter()) {
            Variable[] xs = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) xs[i] = Variable.constant(inputs[i]);
            float[] out = f.apply(xs).data().toFloatArray();
            double s = 0;
            for (int k = 0; k < out.length; k++) s += (double) out[k] * w[k];
            return s;
        }
    }

    /** The multi-dimensional index of flat row-major position j. */
    private static int[] unravel(int j, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : j % shape[d];
            j = shape[d] == 0 ? 0 : j / shape[d];
        }
        return idx;
    }
}
