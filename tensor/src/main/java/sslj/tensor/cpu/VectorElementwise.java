package sslj.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sslj.tensor.BinaryOp;
import sslj.tensor.UnaryOp;

/**
 * FloatVector versions of the hottest contiguous elementwise loops. Each method handles the whole
 * vectors of a run and returns how many elements it did (a multiple of the lane count, 0 for an op
 * it has no vector loop for); {@link VectorKernels} finishes the tail with its scalar loop, which
 * stays the single reference. Every lane computes exactly the IEEE operation the scalar code does
 * (add, sub, mul, div, sign flip, and ReLU as the same x &gt; 0 ? x : 0 select, so NaN maps to 0 and
 * -0 to +0 exactly as in {@link UnaryOp#apply}).
 *
 * <p>One small method per op on purpose: C2 inlines Vector API calls only up to a node budget per
 * compiled method, and an op that is not inlined is boxed and runs an order of magnitude slower.
 * Loaded only when {@link CpuFeatures#VECTOR_API} is true.
 */
final class VectorElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorElementwise() { }

    static int unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float c) {
        switch (op) {
            case NEG: return neg(x, xo, y, yo, n);
            case ADD_SCALAR: return addScalar(x, xo, c, y, yo, n);
            case MUL_SCALAR: return mulScalar(x, xo, c, y, yo, n);
            case RELU: return relu(x, xo, y, yo, n);
            case SQUARE: return square(x, xo, y, yo, n);
            default: return 0;
        }
    }

    static int binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        switch (op) {
            case ADD: return add(a, ao, b, bo, y, yo, n);
            case SUB: return sub(a, ao, b, bo, y, yo, n);
            case MUL: return mul(a, ao, b, bo, y, yo, n);
            case DIV: return div(a, ao, b, bo, y, yo, n);
            default: return 0;
        }
    }

    static int binaryScalarRight(BinaryOp op, float[] a, int ao, float b, float[] y, int yo, int n) {
        switch (op) {
            case ADD: return addScalar(a, ao, b, y, yo, n);
            case SUB: return addScalar(a, ao, -b, y, yo, n); // a - b == a + (-b) exactly in IEEE
            case MUL: return mulScalar(a, ao, b, y, yo, n);
            case GT: return greaterScalar(a, ao, b, y, yo, n); // ReLU's mask x > 0
            default: return 0;
        }
    }

    // One method per binary op rather than one taking a VectorOperators.Binary: the operator must be
    // a compile-time constant where C2 sees it, or the intrinsic fails and every vector is boxed
    // (measured: 20x slower than the scalar loop).

    private static int add(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        return end;
    }

    private static int sub(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        return end;
    }

    private static int mul(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        return end;
    }

    private static int div(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        return end;
    }

    private static int addScalar(float[] x, int xo, float c, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, x, xo + i).add(c).intoArray(y, yo + i);
        return end;
    }

    private static int mulScalar(float[] x, int xo, float c, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, x, xo + i).mul(c).intoArray(y, yo + i);
        return end;
    }

    private static int neg(float[] x, int xo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i);
        return end;
    }

    private static int square(float[] x, int xo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        for (int i = 0; i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(v).intoArray(y, yo + i);
        }
        return end;
    }

    private static int greaterScalar(float[] x, int xo, float c, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            zero.blend(one, v.compare(VectorOperators.GT, c)).intoArray(y, yo + i); // NaN > c is false: 0
        }
        return end;
    }

    private static int relu(float[] x, int xo, float[] y, int yo, int n) {
        int end = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i); // x > 0 ? x : 0
        }
        return end;
    }
}
