package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * Views: new shapes and strides over the same storage. Each test checks the values against
 * {@link Reference}'s copying versions and, where the op promises no copy, that the storage is shared
 * (a write through the view shows in the base).
 */
class TensorViewTest {

    /** 0, 1, ..., n-1 in the given shape, as a tensor and as a reference. */
    private static Tensor iota(int... shape) {
        return Tensor.arange(Reference.numel(shape)).reshape(shape);
    }

    private static Nd iotaRef(int... shape) {
        double[] d = new double[Reference.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return new Nd(shape, d);
    }

    private static void assertValues(String what, Nd expected, Tensor actual) {
        Close.assertExact(what, expected.shape(), expected.data(), actual);
    }

    @Test
    void reshapeInfersOneSizeAndSharesStorage() {
        Tensor x = iota(3, 4);
        Tensor r = x.reshape(2, -1, 3);
        assertArrayEquals(new int[] {2, 2, 3}, r.shape());
        assertValues("reshape", iotaRef(2, 2, 3), r);
        assertSame(x.storage(), r.storage(), "a contiguous reshape is a view");
        assertArrayEquals(new int[] {12}, x.reshape(-1).shape());
    }

    @Test
    void reshapeOfATransposeCopiesInRowMajorOrderOfTheTranspose() {
        Tensor t = iota(3, 4).t();
        Tensor r = t.reshape(12);
        assertValues("reshape(t)", new Nd(new int[] {12}, Reference.transpose(iotaRef(3, 4), 0, 1).data()), r);
        assertNotSame(t.storage(), r.storage());
    }

    @Test
    void viewRefusesStridesThatCannotBeMerged() {
        Tensor t = iota(3, 4).t();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.view(12));
        assertTrue(e.getMessage().contains("view") && e.getMessage().contains("[4, 3]")
                && e.getMessage().contains("[12]") && e.getMessage().contains("contiguous"), e.getMessage());
    }

    @Test
    void viewSplitsAndMergesWhatMemoryAllows() {
        // permute(1, 0, 2) of [2, 3, 4]: strides [4, 12, 1]. The last dim can be split; dims 1 and 2
        // cannot be merged (12 ≠ 4·1); a narrow of dim 0 of a matrix stays one block.
        Tensor p = iota(2, 3, 4).permute(1, 0, 2);
        Nd pr = Reference.permute(iotaRef(2, 3, 4), 1, 0, 2);
        assertValues("view split", new Nd(new int[] {3, 2, 2, 2}, pr.data()), p.view(3, 2, 2, 2));
        assertThrows(IllegalStateException.class, () -> p.view(3, 8));
        Tensor rows = iota(4, 3).narrow(0, 1, 2);
        assertValues("view of rows", new Nd(new int[] {6}, new double[] {3, 4, 5, 6, 7, 8}), rows.view(6));
    }

    @Test
    void viewOfSize1DimsIgnoresTheirStride() {
        Tensor x = iota(3, 4).narrow(1, 2, 1); // [3, 1], strides [4, 1]
        assertValues("view [3,1]→[3]", new Nd(new int[] {3}, new double[] {2, 6, 10}), x.view(3));
        assertValues("view [3,1]→[1,3,1]", new Nd(new int[] {1, 3, 1}, new double[] {2, 6, 10}), x.view(1, 3, 1));
    }

    @Test
    void transposeAndPermuteMatchTheReference() {
        Tensor x = iota(2, 3, 4, 5);
        Nd xr = iotaRef(2, 3, 4, 5);
        assertValues("transpose(1,3)", Reference.transpose(xr, 1, 3), x.transpose(1, 3));
        assertValues("transpose(-1,0)", Reference.transpose(xr, 3, 0), x.transpose(-1, 0));
        assertValues("permute", Reference.permute(xr, 2, 0, 3, 1), x.permute(2, 0, 3, 1));
        assertValues("permute twice", Reference.permute(Reference.permute(xr, 2, 0, 3, 1), 3, 1, 0, 2),
                x.permute(2, 0, 3, 1).permute(3, 1, 0, 2));
        assertSame(x.storage(), x.permute(3, 2, 1, 0).storage());
        assertValues("t", Reference.transpose(iotaRef(3, 7), 0, 1), iota(3, 7).t());
    }

    @Test
    void narrowAndSliceWithSteps() {
        Tensor x = iota(7, 5);
        Nd xr = iotaRef(7, 5);
        assertValues("narrow", Reference.slice(xr, 1, 1, 4, 1), x.narrow(1, 1, 3));
        assertValues("slice step 3", Reference.slice(xr, 0, 1, 7, 3), x.slice(0, 1, 7, 3));
        assertValues("slice step 2 of a transpose", Reference.slice(Reference.transpose(xr, 0, 1), 1, 0, 7, 2), x.t().slice(1, 0, 7, 2));
        // Python's x[-3:] and ends past the size clamp, as in x[1:100:4].
        assertValues("slice negative start", Reference.slice(xr, 0, 4, 7, 1), x.slice(0, -3, 7, 1));
        assertValues("slice end clamps", Reference.slice(xr, 1, 1, 5, 4), x.slice(1, 1, 100, 4));
        assertValues("slice negative end", Reference.slice(xr, 1, 0, 4, 1), x.slice(1, 0, -1, 1));
        assertEquals(0, x.slice(0, 5, 2, 1).numel(), "start after end is empty");
    }

    @Test
    void selectRemovesTheDimAndAcceptsNegativeIndices() {
        Tensor x = iota(3, 4, 5);
        Nd xr = iotaRef(3, 4, 5);
        assertValues("select(1, 2)", Reference.select(xr, 1, 2), x.select(1, 2));
        assertValues("select(-1, -1)", Reference.select(xr, 2, 4), x.select(-1, -1));
        assertValues("select of a transpose", Reference.select(Reference.transpose(xr, 0, 2), 0, 3), x.transpose(0, 2).select(0, 3));
    }

    @Test
    void expandBroadcastsWithStrideZero() {
        Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, e.shape());
        assertEquals(0, e.strides()[0]);
        assertEquals(0, e.strides()[2]);
        assertValues("expand", Reference.expand(new Nd(new int[] {3, 1}, new double[] {1, 2, 3}), 2, 3, 4), e);
        assertArrayEquals(new int[] {3, 5}, col.expand(-1, 5).shape(), "-1 keeps a size");
        assertSame(col.storage(), e.storage());
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = iota(3, 1, 4, 1);
        assertArrayEquals(new int[] {3, 4, 1}, x.squeeze(1).shape());
        assertArrayEquals(new int[] {3, 1, 4}, x.squeeze(-1).shape());
        assertArrayEquals(new int[] {3, 4}, x.squeeze().shape());
        Tensor v = iota(3, 4);
        assertArrayEquals(new int[] {1, 3, 4}, v.unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 1, 4}, v.unsqueeze(1).shape());
        assertArrayEquals(new int[] {3, 4, 1}, v.unsqueeze(2).shape());
        assertArrayEquals(new int[] {3, 4, 1}, v.unsqueeze(-1).shape());
        assertValues("unsqueeze of a transpose", new Nd(new int[] {4, 1, 3}, Reference.transpose(iotaRef(3, 4), 0, 1).data()), v.t().unsqueeze(1));
        assertArrayEquals(new int[] {1}, Tensor.scalar(2f).unsqueeze(0).shape());
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = iota(3, 4);
        assertSame(x, x.contiguous());
        Tensor c = x.t().contiguous();
        assertTrue(c.isContiguous());
        assertFalse(x.t().isContiguous());
        assertValues("contiguous(t)", Reference.transpose(iotaRef(3, 4), 0, 1), c);
    }

    @Test
    void flattenOfAPermutedTensor() {
        Tensor f = iota(2, 3, 4).permute(2, 0, 1).flatten();
        assertValues("flatten", new Nd(new int[] {24}, Reference.permute(iotaRef(2, 3, 4), 2, 0, 1).data()), f);
    }

    // ------------------------------------------------------------------ writes through views

    @Test
    void copyIntoANarrowedViewWritesTheBase() {
        Tensor base = Tensor.zeros(3, 4);
        base.narrow(1, 1, 2).copy_(Tensor.ones(3, 2));
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0}, base.toFloatArray());
    }

    @Test
    void writesThroughTransposeSelectSliceAndPermuteReachTheBase() {
        Tensor base = Tensor.zeros(3, 4);
        base.t().select(0, 2).fill_(5f);          // column 2
        base.slice(1, 0, 4, 3).select(0, 0).copy_(Tensor.of(7f, 8f)); // row 0, columns 0 and 3
        assertArrayEquals(new float[] {7, 0, 5, 8, 0, 0, 5, 0, 0, 0, 5, 0}, base.toFloatArray());
        Tensor cube = Tensor.zeros(2, 3, 4);
        cube.permute(2, 0, 1).select(0, 3).copy_(Tensor.full(1f, 2, 3)); // cube[:, :, 3] = 1
        assertEquals(6f, cube.sum().item());
        assertEquals(1f, cube.get(1, 2, 3));
        assertEquals(0f, cube.get(1, 2, 2));
    }

    @Test
    void copyBroadcastsARowAndAColumn() {
        Tensor dst = Tensor.zeros(3, 4);
        dst.copy_(Tensor.of(1f, 2f, 3f, 4f));
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, dst.toFloatArray());
        dst.copy_(Tensor.of(new float[] {1, 2, 3}, 3, 1));
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, dst.toFloatArray());
        dst.t().copy_(Tensor.scalar(-1f));
        assertArrayEquals(Tensor.full(-1f, 12).toFloatArray(), dst.toFloatArray());
    }

    @Test
    void copyBetweenOverlappingViewsReadsTheSourceFirst() {
        // As if src were copied out first (memmove, not a forward loop smearing a[0] everywhere).
        Tensor a = Tensor.arange(6);
        a.narrow(0, 1, 5).copy_(a.narrow(0, 0, 5));
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4}, a.toFloatArray());
        Tensor b = Tensor.arange(6);
        b.narrow(0, 0, 5).copy_(b.narrow(0, 1, 5));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 5}, b.toFloatArray());
        Tensor m = iota(3, 3);
        m.copy_(m.t()); // in-place transpose of a square matrix
        assertValues("m.copy_(m.t())", Reference.transpose(iotaRef(3, 3), 0, 1), m);
    }

    @Test
    void inPlaceArithmeticOnAViewChangesOnlyTheView() {
        Tensor base = iota(3, 4);
        base.narrow(0, 1, 1).add_(Tensor.full(10f, 4));
        base.slice(1, 0, 4, 2).mul_(2f);
        assertArrayEquals(new float[] {0, 1, 4, 3, 28, 15, 32, 17, 16, 9, 20, 11}, base.toFloatArray());
        Tensor r = Tensor.zeros(2, 3);
        assertSame(r, r.add_(Tensor.of(1f, 2f, 3f)), "in-place ops return this");
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, r.toFloatArray());
    }

    @Test
    void splitAndChunkAreViews() {
        Tensor x = iota(7, 2);
        var parts = x.split(3, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new int[] {1, 2}, parts.get(2).shape());
        assertSame(x.storage(), parts.get(1).storage());
        parts.get(1).fill_(-1f);
        assertEquals(-1f, x.get(4, 1));
        var chunks = iota(2, 7).chunk(3, 1); // ceil(7/3) = 3: sizes 3, 3, 1
        assertEquals(3, chunks.size());
        assertValues("chunk 1", Reference.slice(iotaRef(2, 7), 1, 3, 6, 1), chunks.get(1));
        assertValues("chunk 2", Reference.slice(iotaRef(2, 7), 1, 6, 7, 1), chunks.get(2));
    }
}
