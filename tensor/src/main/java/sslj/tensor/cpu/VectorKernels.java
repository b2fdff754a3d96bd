package sslj.tensor.cpu;

import sslj.tensor.BinaryOp;
import sslj.tensor.UnaryOp;

/**
 * The flat inner loops of elementwise ops over contiguous runs. The scalar versions here are the
 * reference; where the JVM has jdk.incubator.vector, the hot ones run as FloatVector loops instead
 * (chosen once at start-up, see {@link CpuFeatures}).
 */
final class VectorKernels {
    private VectorKernels() { }

    /** Runs shorter than this stay scalar: a vector loop only pays once it has a few iterations. */
    private static final int VECTOR_MIN = 64;

    /** Read once; when false, VectorElementwise (and with it jdk.incubator.vector) is never loaded. */
    private static final boolean VECTOR = CpuFeatures.VECTOR_API;

    static void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float c) {
        int done = VECTOR && n >= VECTOR_MIN ? VectorElementwise.unary(op, x, xo, y, yo, n, c) : 0;
        scalarUnary(op, x, xo + done, y, yo + done, n - done, c);
    }

    static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int done = VECTOR && n >= VECTOR_MIN ? VectorElementwise.binary(op, a, ao, b, bo, y, yo, n) : 0;
        scalarBinary(op, a, ao + done, b, bo + done, y, yo + done, n - done);
    }

    static void binaryScalarRight(BinaryOp op, float[] a, int ao, float b, float[] y, int yo, int n) {
        int done = VECTOR && n >= VECTOR_MIN ? VectorElementwise.binaryScalarRight(op, a, ao, b, y, yo, n) : 0;
        scalarBinaryScalarRight(op, a, ao + done, b, y, yo + done, n - done);
    }

    // The scalar loops: the reference, the tails of the vector loops, and the whole job without the module.

    static void scalarUnary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float c) {
        switch (op) {
            case IDENTITY: System.arraycopy(x, xo, y, yo, n); return;
            case NEG: for (int i = 0; i < n; i++) y[yo + i] = -x[xo + i]; return;
            case ADD_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] + c; return;
            case MUL_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] * c; return;
            case RELU: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] > 0 ? x[xo + i] : 0f; return;
            case SQUARE: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] * x[xo + i]; return;
            case FILL: java.util.Arrays.fill(y, yo, yo + n, c); return;
            default: for (int i = 0; i < n; i++) y[yo + i] = op.apply(x[xo + i], c);
        }
    }

    static void scalarBinary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + b[bo + i]; return;
            case SUB: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - b[bo + i]; return;
            case MUL: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b[bo + i]; return;
            case DIV: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / b[bo + i]; return;
            case MAX: for (int i = 0; i < n; i++) y[yo + i] = Math.max(a[ao + i], b[bo + i]); return; // Math.max propagates NaN
            case MIN: for (int i = 0; i < n; i++) y[yo + i] = Math.min(a[ao + i], b[bo + i]); return;
            case GT: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] > b[bo + i] ? 1f : 0f; return;
            case GE: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] >= b[bo + i] ? 1f : 0f; return;
            case LT: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] < b[bo + i] ? 1f : 0f; return;
            case LE: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] <= b[bo + i] ? 1f : 0f; return;
            default: for (int i = 0; i < n; i++) y[yo + i] = op.apply(a[ao + i], b[bo + i]);
        }
    }

    static void scalarBinaryScalarRight(BinaryOp op, float[] a, int ao, float b, float[] y, int yo, int n) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + b; return;
            case SUB: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - b; return;
            case MUL: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b; return;
            case DIV: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / b; return;
            case MAX: for (int i = 0; i < n; i++) y[yo + i] = Math.max(a[ao + i], b); return;
            case MIN: for (int i = 0; i < n; i++) y[yo + i] = Math.min(a[ao + i], b); return;
            case GT: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] > b ? 1f : 0f; return;
            case GE: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] >= b ? 1f : 0f; return;
            case LT: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] < b ? 1f : 0f; return;
            case LE: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] <= b ? 1f : 0f; return;
            default: for (int i = 0; i < n; i++) y[yo + i] = op.apply(a[ao + i], b);
        }
    }
}
