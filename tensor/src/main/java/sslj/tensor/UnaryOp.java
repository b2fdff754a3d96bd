package sslj.tensor;

/**
 * Elementwise functions of one tensor. Some take a scalar argument {@code c} (ignored by the others).
 * The *_GRAD members are the derivatives that autograd's backward needs, kept here so that a GPU
 * backend computes them in one kernel instead of a chain of ops.
 */
public enum UnaryOp {
    IDENTITY, NEG, EXP, LOG, SQRT, RSQRT, ABS, SIGN, RECIPROCAL, SQUARE,
    RELU, SIGMOID, TANH,
    /** GELU, tanh approximation: x/2 (1 + tanh(√(2/π)(x + 0.044715 x³))) (Hendrycks and Gimpel 2016, eq. 3). */
    GELU,
    /** d GELU / dx for the tanh approximation. */
    GELU_GRAD,
    /** x^c */
    POW,
    /** x + c */
    ADD_SCALAR,
    /** x · c */
    MUL_SCALAR,
    /** max(x, c) */
    MAX_SCALAR,
    /** min(x, c) */
    MIN_SCALAR,
    /** c (every element), for fill */
    FILL;

    /** The value of the function at x; the reference every backend's kernel is checked against. */
    public float apply(float x, float c) {
        switch (this) {
            case IDENTITY: return x;
            case NEG: return -x;
            case EXP: return (float) Math.exp(x);
            case LOG: return (float) Math.log(x);
            case SQRT: return (float) Math.sqrt(x);
            case RSQRT: return (float) (1.0 / Math.sqrt(x));
            case ABS: return Math.abs(x);
            case SIGN: return Math.signum(x);
            case RECIPROCAL: return 1f / x;
            case SQUARE: return x * x;
            case RELU: return x > 0 ? x : 0f;
            case SIGMOID: return (float) (1.0 / (1.0 + Math.exp(-x)));
            case TANH: return (float) Math.tanh(x);
            case GELU: return (float) gelu(x);
            case GELU_GRAD: return (float) geluGrad(x);
            case POW: return (float) Math.pow(x, c);
            case ADD_SCALAR: return x + c;
            case MUL_SCALAR: return x * c;
            case MAX_SCALAR: return Float.isNaN(x) ? x : Math.max(x, c);
            case MIN_SCALAR: return Float.isNaN(x) ? x : Math.min(x, c);
            case FILL: return c;
            default: throw new AssertionError(this);
        }
    }

    private static final double GELU_K = Math.sqrt(2.0 / Math.PI);

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x)));
    }

    static double geluGrad(double x) {
        double u = GELU_K * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        double du = GELU_K * (1 + 3 * 0.044715 * x * x);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
    }
}
