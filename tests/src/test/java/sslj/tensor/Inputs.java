package sslj.tensor;

import java.util.ArrayList;
import java.util.List;
import sslj.tensor.Reference.Nd;

/**
 * Random test inputs of one logical shape in several memory layouts: contiguous, and the views that
 * break the "flat loop" fast paths (a transpose, a narrow with an offset, a slice with a step, a
 * stride-0 broadcast, a reversed permutation). Each comes with its values as a reference array, built
 * from the base tensor's values by {@link Reference}'s own view functions.
 */
final class Inputs {
    private Inputs() { }

    /** The tensor under test, its layout's name (for failure messages) and its values. */
    record Input(String layout, Tensor tensor, Nd ref) {
        @Override public String toString() { return layout; }
    }

    /** Standard normal inputs of {@code shape} in every layout. */
    static List<Input> layouts(long seed, int... shape) {
        return uniformLayouts(seed, Float.NaN, Float.NaN, shape);
    }

    /** Uniform [lo, hi) inputs (for ops with a restricted domain such as log), or normal when lo is NaN. */
    static List<Input> uniformLayouts(long seed, float lo, float hi, int... shape) {
        return layouts(seed, (gen, s) -> Float.isNaN(lo) ? Tensor.randn(gen, s) : Tensor.uniform(gen, lo, hi, s), shape);
    }

    /** Whole numbers 0 .. levels-1: many ties, for sorting and comparisons. */
    static List<Input> wholeNumbers(long seed, int levels, int... shape) {
        return layouts(seed, (gen, s) -> {
            float[] v = new float[Reference.numel(s)];
            for (int i = 0; i < v.length; i++) v[i] = gen.nextInt(levels);
            return Tensor.of(v, s);
        }, shape);
    }

    /** Makes a contiguous tensor of a shape from a generator. */
    interface Source { Tensor make(Generator gen, int[] shape); }

    static List<Input> layouts(long seed, Source source, int... shape) {
        Generator gen = new Generator(seed);
        int rank = shape.length, last = rank - 1;
        List<Input> out = new ArrayList<>();
        out.add(base(gen, source, shape));
        if (rank == 0) return out;

        if (rank >= 2) { // base has the last two dims swapped; transposing back gives column-major memory
            int[] b = shape.clone();
            b[last] = shape[last - 1];
            b[last - 1] = shape[last];
            Input base = base(gen, source, b);
            out.add(new Input("transposed", base.tensor.transpose(-1, -2), Reference.transpose(base.ref, last, last - 1)));
        }
        { // an offset window of a wider tensor: rows are not adjacent
            int[] b = shape.clone();
            b[last] += 3;
            Input base = base(gen, source, b);
            out.add(new Input("narrowed", base.tensor.narrow(-1, 2, shape[last]), Reference.slice(base.ref, last, 2, 2 + shape[last], 1)));
        }
        { // every third element of dim 0, from 1
            int[] b = shape.clone();
            b[0] = 3 * shape[0];
            Input base = base(gen, source, b);
            out.add(new Input("stepped", base.tensor.slice(0, 1, b[0], 3), Reference.slice(base.ref, 0, 1, b[0], 3)));
        }
        { // dim 0 broadcast from size 1: stride 0
            int[] b = shape.clone();
            b[0] = 1;
            Input base = base(gen, source, b);
            out.add(new Input("expanded", base.tensor.expand(shape), Reference.expand(base.ref, shape)));
        }
        if (rank >= 3) { // all dims reversed
            int[] b = new int[rank], order = new int[rank];
            for (int d = 0; d < rank; d++) {
                b[d] = shape[last - d];
                order[d] = last - d;
            }
            Input base = base(gen, source, b);
            out.add(new Input("permuted", base.tensor.permute(order), Reference.permute(base.ref, order)));
        }
        return out;
    }

    /** A contiguous random tensor and its values. */
    private static Input base(Generator gen, Source source, int[] shape) {
        Tensor t = source.make(gen, shape);
        return new Input("contiguous", t, Reference.of(t.toFloatArray(), shape));
    }
}
