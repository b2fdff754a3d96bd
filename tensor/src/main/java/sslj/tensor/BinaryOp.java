package sslj.tensor;

/** Elementwise functions of two tensors of one (broadcast) shape. Comparisons give 1 or 0. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW, EQ, NE, LT, LE, GT, GE;

    /** The value at (a, b); the reference every backend's kernel is checked against. */
    public float apply(float a, float b) {
        switch (this) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case MAX: return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN: return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case POW: return (float) Math.pow(a, b);
            case EQ: return a == b ? 1f : 0f;
            case NE: return a != b ? 1f : 0f;
            case LT: return a < b ? 1f : 0f;
            case LE: return a <= b ? 1f : 0f;
            case GT: return a > b ? 1f : 0f;
            case GE: return a >= b ? 1f : 0f;
            default: throw new AssertionError(this);
        }
    }
}
