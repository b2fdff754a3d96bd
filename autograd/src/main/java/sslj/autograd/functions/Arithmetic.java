package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Tensor;

/**
 * Broadcasting arithmetic. Forward broadcasts the operands (Tensor does it); backward computes the
 * gradient at the broadcast shape and {@link Function#unbroadcast}s it back to each operand's shape.
 */
public final class Arithmetic {
    private Arithmetic() { }

    /** a + b: the gradient passes unchanged to both. */
    public static final class Add extends Function {
        private int[] aShape, bShape;

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            bShape = x[1].shape();
            return x[0].add(x[1]);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {unbroadcast(g, aShape), unbroadcast(g, bShape)};
        }
    }

    /** a − b: d/da = 1, d/db = −1. */
    public static final class Sub extends Function {
        private int[] aShape, bShape;

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            bShape = x[1].shape();
            return x[0].sub(x[1]);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {unbroadcast(g, aShape), needsGrad(1) ? unbroadcast(g.neg(), bShape) : null};
        }
    }

    /** a · b: d/da = b, d/db = a. */
    public static final class Mul extends Function {
        private Tensor a, b;

        @Override protected Tensor forward(Tensor... x) {
            a = x[0];
            b = x[1];
            return a.mul(b);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsGrad(0) ? unbroadcast(g.mul(b), a.shape()) : null,
                needsGrad(1) ? unbroadcast(g.mul(a), b.shape()) : null};
        }
    }

    /** a / b: d/da = 1/b, d/db = −a/b² = −out/b. */
    public static final class Div extends Function {
        private Tensor b, out;
        private int[] aShape;

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            b = x[1];
            out = x[0].div(b);
            return out;
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor gb = g.div(b);
            return new Tensor[] {
                needsGrad(0) ? unbroadcast(gb, aShape) : null,
                needsGrad(1) ? unbroadcast(gb.mul(out).neg(), b.shape()) : null};
        }
    }

    /** x + c (c a constant; sub(c) is add(−c)). */
    public static final class AddScalar extends Function {
        private final float c;

        public AddScalar(float c) { this.c = c; }

        @Override protected Tensor forward(Tensor... x) { return x[0].add(c); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g}; }
    }

    /** x · c (div(c) is mul(1/c), neg is mul(−1)). */
    public static final class MulScalar extends Function {
        private final float c;

        public MulScalar(float c) { this.c = c; }

        @Override protected Tensor forward(Tensor... x) { return x[0].mul(c); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(c)}; }
    }

    /**
     * max(a, b) elementwise: the gradient goes to the larger operand; on a tie each gets half
     * (PyTorch's choice: the average of the two one-sided derivatives).
     */
    public static final class Maximum extends Function {
        private Tensor aWins, tie;
        private int[] aShape, bShape;

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            bShape = x[1].shape();
            aWins = x[0].gt(x[1]);
            tie = x[0].eq(x[1]);
            return x[0].maximum(x[1]);
        }

        @Override protected Tensor[] backward(Tensor g) { return splitByMask(g, aWins, tie, aShape, bShape); }
    }

    /** min(a, b) elementwise; ties split evenly. */
    public static final class Minimum extends Function {
        private Tensor aWins, tie;
        private int[] aShape, bShape;

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            bShape = x[1].shape();
            aWins = x[0].lt(x[1]);
            tie = x[0].eq(x[1]);
            return x[0].minimum(x[1]);
        }

        @Override protected Tensor[] backward(Tensor g) { return splitByMask(g, aWins, tie, aShape, bShape); }
    }

    /** Gradient to a where aWins, to b elsewhere, half each on ties. */
    private static Tensor[] splitByMask(Tensor g, Tensor aWins, Tensor tie, int[] aShape, int[] bShape) {
        Tensor halfTie = tie.mul(0.5f);
        Tensor toA = aWins.add(halfTie);                       // 1, ½ or 0
        Tensor toB = toA.neg().add(1f);                        // 0, ½ or 1
        return new Tensor[] {Function.unbroadcast(g.mul(toA), aShape), Function.unbroadcast(g.mul(toB), bShape)};
    }

    /** cond ≠ 0 ? a : b. The gradient goes to a where cond holds and to b elsewhere. */
    public static final class Where extends Function {
        private final Tensor cond;
        private int[] aShape, bShape;

        public Where(Tensor cond) { this.cond = cond; }

        @Override protected Tensor forward(Tensor... x) {
            aShape = x[0].shape();
            bShape = x[1].shape();
            return Tensor.where(cond, x[0], x[1]);
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor zero = Tensor.zeros(g.device());
            return new Tensor[] {
                needsGrad(0) ? unbroadcast(Tensor.where(cond, g, zero), aShape) : null,
                needsGrad(1) ? unbroadcast(Tensor.where(cond, zero, g), bShape) : null};
        }
    }
}
