package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sslj.tensor.Inputs.Input;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * softmax, logSoftmax and l2Normalize along every dim of every layout, and their edge cases: huge
 * inputs (max-subtraction), -inf entries, an all-zero row (eps).
 *
 * <p>Tolerance: each output is a few float roundings away from the double reference (one exp, one
 * division), so rtol = 1e-5 with atol = 1e-7 for outputs near zero; logSoftmax values are differences
 * of numbers of size ~|x|, so their atol scales with the input (1e-5 at |x| ≲ 10, 1e-3 at |x| ~ 1000).
 */
class SoftmaxNormalizeTest {
    private static final double ATOL = 1e-7, RTOL = 1e-5;

    private static final int[][] SHAPES = {{129}, {7, 33}, {3, 1, 7}, {2, 3, 5, 7}};

    @Test
    void softmaxAndLogSoftmaxAlongEveryDim() {
        long seed = 200;
        for (int[] shape : SHAPES) {
            for (Input in : Inputs.layouts(seed++, shape)) {
                for (int dim = -shape.length; dim < shape.length; dim++) {
                    int d = dim < 0 ? dim + shape.length : dim;
                    String what = in.layout() + " " + Arrays.toString(shape) + " dim " + dim;
                    Nd sm = Reference.softmax(in.ref(), d, false), lsm = Reference.softmax(in.ref(), d, true);
                    Close.assertClose("softmax " + what, sm.shape(), sm.data(), in.tensor().softmax(dim), ATOL, RTOL);
                    Close.assertClose("logSoftmax " + what, lsm.shape(), lsm.data(), in.tensor().logSoftmax(dim), 1e-5, RTOL);
                }
            }
        }
    }

    @Test
    void manyLinesSplitOverThreads() {
        for (Input in : Inputs.layouts(205, 4099, 7).subList(0, 2)) {
            Nd sm = Reference.softmax(in.ref(), 1, false), l2 = Reference.l2Normalize(in.ref(), 1, 1e-12);
            Close.assertClose("softmax many lines " + in.layout(), sm.shape(), sm.data(), in.tensor().softmax(1), ATOL, RTOL);
            Close.assertClose("l2Normalize many lines " + in.layout(), l2.shape(), l2.data(), in.tensor().l2Normalize(1), ATOL, RTOL);
        }
    }

    @Test
    void largeInputsDoNotOverflow() {
        // e^1000 overflows even a double; a max-subtracted softmax never evaluates it.
        for (Input in : Inputs.layouts(210, 7, 33)) {
            Tensor big = in.tensor().mul(1000f);
            Nd ref = Reference.map(in.ref(), v -> (double) (float) (v * 1000)); // the float32 input big holds
            for (int dim = 0; dim < 2; dim++) {
                Nd sm = Reference.softmax(ref, dim, false), lsm = Reference.softmax(ref, dim, true);
                Close.assertClose("softmax ×1000 " + in.layout() + " dim " + dim, sm.shape(), sm.data(), big.softmax(dim), ATOL, RTOL);
                Close.assertClose("logSoftmax ×1000 " + in.layout() + " dim " + dim, lsm.shape(), lsm.data(), big.logSoftmax(dim), 1e-3, RTOL);
            }
        }
    }

    @Test
    void handWorkedSoftmax() {
        float inf = Float.POSITIVE_INFINITY;
        // softmax(0, ln 3) = (1/4, 3/4); a -inf entry gets probability exactly 0.
        Tensor x = Tensor.of(new float[] {0, (float) Math.log(3), 5, -inf}, 2, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f, 1f, 0f}, x.softmax(1).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, -inf}, x.logSoftmax(1).narrow(0, 1, 1).toFloatArray(), 0f);
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.of(1000f, 1000f).softmax(0).toFloatArray(), 0f);
        assertArrayEquals(new float[] {1f, 0f}, Tensor.of(1000f, -1000f).softmax(0).toFloatArray(), 0f);
    }

    @Test
    void l2NormalizeAlongEveryDim() {
        long seed = 220;
        for (int[] shape : SHAPES) {
            for (Input in : Inputs.layouts(seed++, shape)) {
                for (int dim = -1; dim < shape.length; dim++) {
                    int d = dim < 0 ? dim + shape.length : dim;
                    Nd expected = Reference.l2Normalize(in.ref(), d, 1e-12);
                    Close.assertClose("l2Normalize " + in.layout() + " " + Arrays.toString(shape) + " dim " + dim,
                            expected.shape(), expected.data(), in.tensor().l2Normalize(dim), ATOL, RTOL);
                }
            }
        }
    }

    @Test
    void l2NormalizeOfAZeroRowIsZeroNotNaN() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, 0}, 2, 2);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, x.l2Normalize(1).toFloatArray(), 1e-7f);
        // With eps = 10 the norm 5 is replaced by 10: x / max(‖x‖, eps).
        assertArrayEquals(new float[] {0.3f, 0.4f, 0f, 0f}, x.l2Normalize(1, 10f).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {1f, 1f, 0f, 0f}, x.l2Normalize(0).toFloatArray(), 1e-7f);
    }
}
