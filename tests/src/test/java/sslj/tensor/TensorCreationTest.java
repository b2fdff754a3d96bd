package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Factories and reading values back: every expected value here is worked out by hand. */
class TensorCreationTest {

    @Test
    void zerosHasTheShapeAndOnlyZeros() {
        Tensor z = Tensor.zeros(3, 1, 7);
        assertArrayEquals(new int[] {3, 1, 7}, z.shape());
        assertEquals(21, z.numel());
        assertArrayEquals(new float[21], z.toFloatArray());
        assertTrue(z.isContiguous());
        assertEquals(Device.CPU, z.device());
    }

    @Test
    void emptyAndRankZeroShapes() {
        assertEquals(0, Tensor.zeros(3, 0, 2).numel());
        assertArrayEquals(new float[0], Tensor.zeros(3, 0, 2).toFloatArray());
        Tensor s = Tensor.zeros();
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertEquals(0f, s.item());
    }

    @Test
    void onesAndFull() {
        assertArrayEquals(new float[] {1, 1, 1}, Tensor.ones(3).toFloatArray());
        Tensor f = Tensor.full(-2.5f, 2, 3);
        assertArrayEquals(new int[] {2, 3}, f.shape());
        assertArrayEquals(new float[] {-2.5f, -2.5f, -2.5f, -2.5f, -2.5f, -2.5f}, f.toFloatArray());
        assertEquals(7f, Tensor.full(Device.CPU, 7f).item(), "full with no sizes is a scalar");
    }

    @Test
    void arangeCountsUpByDefault() {
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Tensor.arange(5).toFloatArray());
        assertEquals(0, Tensor.arange(0).numel());
    }

    @Test
    void arangeWithFractionalAndNegativeSteps() {
        assertArrayEquals(new float[] {2f, 2.5f, 3f}, Tensor.arange(2f, 3.5f, 0.5f).toFloatArray());
        // end excluded even when it is hit exactly; a negative step counts down.
        assertArrayEquals(new float[] {5f, 3.5f, 2f, 0.5f}, Tensor.arange(5f, -1f, -1.5f).toFloatArray());
        assertArrayEquals(new float[] {3f, 2f, 1f}, Tensor.arange(3f, 0f, -1f).toFloatArray());
        assertEquals(0, Tensor.arange(0f, 5f, -1f).numel(), "a step away from end gives no elements");
    }

    @Test
    void arangeHas10ElementsFor0To1By0point1() {
        // (1 - 0) / 0.1f in double is 9.99999985..., whose ceiling is 10, as in NumPy and PyTorch.
        assertEquals(10, Tensor.arange(0f, 1f, 0.1f).numel());
    }

    @Test
    void arangeCountsInDoubleSoAWideRangeDoesNotOverflow() {
        // end - start = 2^128 overflows float (max ≈ 2^128 - 2^104) but not double: 2^128 / 2^125 = 8
        // elements, not an attempt to allocate Integer.MAX_VALUE of them.
        assertEquals(8, Tensor.arange(-0x1p127f, 0x1p127f, 0x1p125f).numel());
        assertEquals(5, Tensor.arange(16777216f, 16777226f, 2f).numel());
    }

    @Test
    void ofCopiesTheDataIntoTheShape() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 100; // the tensor holds a copy
        assertEquals(1f, t.get(0, 0));
        assertEquals(6f, t.get(1, 2));
        assertEquals(4f, t.get(1, 0));
        assertArrayEquals(new int[] {3}, Tensor.of(1f, 2f, 3f).shape());
    }

    @Test
    void ofRowsBuildsAMatrix() {
        Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
    }

    @Test
    void scalarIsRankZero() {
        Tensor s = Tensor.scalar(3.5f);
        assertEquals(0, s.dim());
        assertArrayEquals(new int[0], s.shape());
        assertEquals(3.5f, s.item());
        assertEquals(3.5f, s.get());
    }

    @Test
    void toCpuIsTheSameTensorAndCopyToAlso() {
        Tensor t = Tensor.arange(3);
        assertSame(t, t.to(Device.CPU));
        assertSame(t, t.copyTo(Device.parse("cpu")));
    }

    @Test
    void toFloatArrayReadsAViewInRowMajorOrder() {
        Tensor t = Tensor.arange(6).reshape(2, 3).t(); // [[0, 3], [1, 4], [2, 5]]
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        assertEquals(4f, t.get(1, 1));
        assertEquals(2f, t.get(2, 0));
        assertEquals(5f, t.narrow(0, 2, 1).narrow(1, 1, 1).item());
    }

    @Test
    void zerosLikeKeepsShapeAndDevice() {
        Tensor z = Tensor.arange(6).reshape(3, 2).t().zerosLike();
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new float[6], z.toFloatArray());
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        Tensor a = Tensor.arange(4);
        Tensor c = a.copy();
        a.fill_(9f);
        assertArrayEquals(new float[] {0, 1, 2, 3}, c.toFloatArray());
    }
}
