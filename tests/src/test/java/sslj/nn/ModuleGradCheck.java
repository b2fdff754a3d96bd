package sslj.nn;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.GradCheck;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Finite differences for a whole module: the input through {@link GradCheck}, and every parameter by
 * perturbing its element in the module's {@link ParameterArena} (one flat tensor, so one loop covers
 * all parameters) and comparing with the arena's {@code flatGrad()}. Same eps and tolerances as GradCheck.
 */
final class ModuleGradCheck {
    private ModuleGradCheck() { }

    @SuppressWarnings("try")
    static void check(Module m, Tensor input) {
        GradCheck.check(xs -> m.forward(xs[0]), input);
        ParameterArena arena = ParameterArena.pack(m);
        m.zeroGrad();
        Variable out = m.forward(Variable.constant(input));
        Tensor w = Tensor.randn(new Generator(99), out.shape());
        out.backward(w);
        float[] analytic = arena.flatGrad().toFloatArray();
        float[] theta = arena.flat().toFloatArray();
        float[] wf = w.toFloatArray();
        List<String> bad = new ArrayList<>();
        try (NoGrad g = NoGrad.enter()) {
            for (int j = 0; j < theta.length; j++) {
                double h = GradCheck.EPS * Math.max(1, Math.abs(theta[j]));
                float hi = (float) (theta[j] + h), lo = (float) (theta[j] - h);
                double lHi = loss(m, arena, j, hi, input, wf), lLo = loss(m, arena, j, lo, input, wf);
                arena.flat().narrow(0, j, 1).fill_(theta[j]);
                double numeric = (lHi - lLo) / ((double) hi - lo);
                if (!(Math.abs(numeric - analytic[j]) <= GradCheck.ATOL + GradCheck.RTOL * Math.abs(numeric))) {
                    bad.add("element " + j + " (" + nameAt(arena, j) + "): numeric " + numeric + ", analytic " + analytic[j]);
                }
            }
        }
        if (!bad.isEmpty()) throw new AssertionError("parameter gradcheck failed for " + bad.size() + " elements:\n  " + String.join("\n  ", bad.subList(0, Math.min(5, bad.size()))));
    }

    private static double loss(Module m, ParameterArena arena, int j, float v, Tensor input, float[] w) {
        arena.flat().narrow(0, j, 1).fill_(v);
        float[] out = m.forward(Variable.constant(input)).data().toFloatArray();
        double s = 0;
        for (int k = 0; k < out.length; k++) s += (double) out[k] * w[k];
        return s;
    }

    private static String nameAt(ParameterArena arena, int j) {
        for (var e : arena.layout().entrySet()) if (j >= e.getValue()[0] && j < e.getValue()[1]) return e.getKey();
        return "?";
    }
}
