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

    static void unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float c) {
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

    static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + b[bo + i]; return;
            case SUB: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - b[bo + i]; return;
            case MUL: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b[bo + i]; return;
            case DIV: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / b[bo + i]; return;
            default: for (int i = 0; i < n; i++) y[yo + i] = op.apply(a[ao + i], b[bo + i]);
        }
    }

    static void binaryScalarRight(BinaryOp op, float[] a, int ao, float b, float[] y, int yo, int n) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] + b; return;
            case SUB: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] - b; return;
            case MUL: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b; return;
            case DIV: for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] / b; return;
            default: for (int i = 0; i < n; i++) y[yo + i] = op.apply(a[ao + i], b);
        }
    }
}
