package sslj.autograd.functions;

import sslj.autograd.Function;
import sslj.tensor.Tensor;

/** Elementwise functions y = f(x): backward is g · f'(x), written with whatever of x or y is cheaper. */
public final class Unary {
    private Unary() { }

    /** y = eˣ, y' = y. */
    public static final class Exp extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { return y = x[0].exp(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(y)}; }
    }

    /** y = ln x, y' = 1/x. */
    public static final class Log extends Function {
        private Tensor x;

        @Override protected Tensor forward(Tensor... in) { x = in[0]; return x.log(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.div(x)}; }
    }

    /** y = √x, y' = 1/(2y). */
    public static final class Sqrt extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { return y = x[0].sqrt(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.div(y).mul(0.5f)}; }
    }

    /** y = 1/√x, y' = −½ x^(−3/2) = −½ y³. */
    public static final class Rsqrt extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { return y = x[0].rsqrt(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(y.pow(3f)).mul(-0.5f)}; }
    }

    /** y = |x|, y' = sign(x) (0 at x = 0, as PyTorch). */
    public static final class Abs extends Function {
        private Tensor sign;

        @Override protected Tensor forward(Tensor... x) { sign = x[0].sign(); return x[0].abs(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(sign)}; }
    }

    /** y = max(x, 0), y' = [x > 0] (0 at x = 0) = [y > 0]: the mask is read from y, which the next op keeps anyway, not stored. */
    public static final class Relu extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { y = x[0].relu(); return y; }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(y.gt(0f))}; }
    }

    /** GELU (tanh approximation); its derivative is the backend's GELU_GRAD, one kernel. */
    public static final class Gelu extends Function {
        private Tensor x;

        @Override protected Tensor forward(Tensor... in) { x = in[0]; return x.gelu(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(x.geluGrad())}; }
    }

    /** y = 1/(1 + e⁻ˣ), y' = y(1 − y). */
    public static final class Sigmoid extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { return y = x[0].sigmoid(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(y.mul(y.neg().add(1f)))}; }
    }

    /** y = tanh x, y' = 1 − y². */
    public static final class Tanh extends Function {
        private Tensor y;

        @Override protected Tensor forward(Tensor... x) { return y = x[0].tanh(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(y.square().neg().add(1f))}; }
    }

    /** y = xᶜ for a constant c, y' = c·x^(c−1). */
    public static final class Pow extends Function {
        private final float c;
        private Tensor x;

        public Pow(float c) { this.c = c; }

        @Override protected Tensor forward(Tensor... in) { x = in[0]; return x.pow(c); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(x.pow(c - 1f)).mul(c)}; }
    }

    /** y = x², y' = 2x. */
    public static final class Square extends Function {
        private Tensor x;

        @Override protected Tensor forward(Tensor... in) { x = in[0]; return x.square(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(x).mul(2f)}; }
    }

    /** y = min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi (bounds included, as PyTorch). */
    public static final class Clamp extends Function {
        private final float lo, hi;
        private Tensor inside;

        public Clamp(float lo, float hi) { this.lo = lo; this.hi = hi; }

        @Override protected Tensor forward(Tensor... x) {
            Tensor v = x[0];
            inside = v.ge(Tensor.full(v.device(), lo)).mul(v.le(Tensor.full(v.device(), hi)));
            return v.clamp(lo, hi);
        }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(inside)}; }
    }
}
