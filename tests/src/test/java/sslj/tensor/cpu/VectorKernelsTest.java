package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sslj.tensor.BinaryOp;
import sslj.tensor.UnaryOp;

/**
 * The dispatching elementwise loops (FloatVector where this JVM has it) must give bit-for-bit the
 * result of the scalar reference {@link UnaryOp#apply} / {@link BinaryOp#apply}, specials included
 * (NaN, ±Inf, ±0, denormals), at odd offsets and lengths that leave a scalar tail.
 */
class VectorKernelsTest {
    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 1f, -1f, 3.5f, -2.25f};

    private static float[] data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(4) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : (float) r.nextDouble(-10, 10);
        return x;
    }

    /** Same float, NaN equal to NaN, +0 different from -0. */
    private static void same(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + " got " + got);
    }

    @Test
    void unaryMatchesReference() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : new int[] {0, 1, 15, 64, 100, 1000, 1037}) {
                float[] x = data(n + 3, n), y = new float[n + 5];
                float c = -1.5f;
                VectorKernels.unary(op, x, 3, y, 5, n, c);
                for (int i = 0; i < n; i++) same(op.apply(x[3 + i], c), y[5 + i], op + " n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void binaryMatchesReference() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : new int[] {0, 1, 15, 64, 100, 1000, 1037}) {
                float[] a = data(n + 1, n), b = data(n + 3, n + 7), y = new float[n + 3], z = new float[n + 3];
                VectorKernels.binary(op, a, 1, b, 2, y, 3, n);
                VectorKernels.binaryScalarRight(op, a, 1, b[2], z, 3, n);
                for (int i = 0; i < n; i++) {
                    same(op.apply(a[1 + i], b[2 + i]), y[3 + i], op + " n=" + n + " i=" + i);
                    same(op.apply(a[1 + i], b[2]), z[3 + i], op + " scalar-right n=" + n + " i=" + i);
                }
            }
        }
    }
}
